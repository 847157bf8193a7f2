"""The demo corpus generator: plain pytest, no database.

Run: .venv/bin/python -m pytest -p no:django --noconftest scenariohub/scenarios/tests/test_demo_corpus.py -q
(or with the Django plugin as part of the suite; no database is touched).
"""

import difflib
import itertools
import json
import re
from collections import Counter, defaultdict
from datetime import date

import pytest

from scenariohub.scenarios import demo_corpus as dc

TAXONOMY = json.loads(dc.TAXONOMY_PATH.read_text(encoding="utf-8"))
SECTOR_FIELDS = {s["code"]: {f["code"] for f in s["fields"]} for s in TAXONOMY["sectors"]}
ALL_FIELDS = set().union(*SECTOR_FIELDS.values())
REGIONS = {r["code"] for r in TAXONOMY["regions"]}
STATUSES = {"draft", "submitted", "approved", "published", "withdrawn", "closed"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def orgs():
    return dc.build_organisations()


@pytest.fixture(scope="module")
def scenarios(orgs):
    return dc.generate_scenarios(organisations=orgs)


@pytest.fixture(scope="module")
def solutions(orgs):
    return dc.generate_solutions(orgs["suppliers"])


# ---------------------------------------------------------------------------------------------------------
# Determinism


def test_same_seed_same_corpus(scenarios, solutions, orgs):
    assert dc.build_organisations() == orgs == dc.ORGANISATIONS
    assert dc.generate_scenarios() == scenarios
    assert dc.generate_scenarios(organisations=None) == scenarios
    assert dc.generate_solutions(orgs["suppliers"]) == solutions


def test_other_seed_other_corpus(scenarios):
    other = dc.generate_scenarios(seed=7)
    assert len(other) == len(scenarios)
    assert [s["title"] for s in other] != [s["title"] for s in scenarios]


def test_generator_leaves_organisations_untouched(orgs):
    before = json.dumps(orgs, sort_keys=True, ensure_ascii=False)
    dc.generate_scenarios(n=50, organisations=orgs)
    dc.generate_solutions(orgs["suppliers"])
    assert json.dumps(orgs, sort_keys=True, ensure_ascii=False) == before


# ---------------------------------------------------------------------------------------------------------
# Organisations


def test_organisation_counts_and_shapes(orgs):
    assert orgs["office"] == {"name": "四川省人工智能产业链链长办公室"}
    assert [c["region"] for c in orgs["cities"]] == [r["code"] for r in TAXONOMY["regions"]]
    assert all(c["name"].endswith("局") and CJK.search(c["name"]) for c in orgs["cities"])
    assert len(orgs["departments"]) >= 6
    assert len(orgs["providers"]) >= 45
    assert len(orgs["suppliers"]) >= 32
    for dept in orgs["departments"]:
        assert dept["name"].startswith("四川省") and dept["short"] and dept["sectors"]
        assert set(dept["sectors"]) <= set(SECTOR_FIELDS)
    for p in orgs["providers"]:
        assert p["region"] in REGIONS and p["kind"] in ("enterprise", "public")
        assert p["sectors"] and set(p["sectors"]) <= set(SECTOR_FIELDS)
        assert all(dc.field_sector()[f] in p["sectors"] for f in p["fields"])
    for s in orgs["suppliers"]:
        assert s["region"] in REGIONS and s["scale"] in ("large", "medium", "small", "micro")
        assert s["capabilities"] and all(CJK.search(c) for c in s["capabilities"])
        assert s["sectors"] and set(s["sectors"]) <= set(SECTOR_FIELDS)
    kinds = Counter(p["kind"] for p in orgs["providers"])
    assert kinds["enterprise"] and kinds["public"]
    names = [o["name"] for key in ("cities", "departments", "providers", "suppliers") for o in orgs[key]]
    assert len(names) == len(set(names))


def test_every_region_has_a_provider(orgs):
    assert {p["region"] for p in orgs["providers"]} == REGIONS


# ---------------------------------------------------------------------------------------------------------
# Unified social credit codes


def test_credit_codes_are_valid_and_unique(orgs):
    codes = [o["credit_code"] for o in orgs["providers"] + orgs["suppliers"]]
    assert len(codes) == len(set(codes))
    assert all(dc.credit_code_is_valid(c) for c in codes)
    for p in orgs["providers"]:
        assert p["credit_code"][:2] == ("91" if p["kind"] == "enterprise" else "12")
        assert p["credit_code"][2:8] == p["region"]


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
def test_validator_accepts_published_examples(code):
    assert dc.credit_code_is_valid(code)


def test_validator_rejects_changed_check_character(orgs):
    for org in orgs["providers"][:10]:
        code = org["credit_code"]
        for other in dc.CREDIT_CHARSET:
            if other != code[-1]:
                assert not dc.credit_code_is_valid(code[:-1] + other)


def test_validator_rejects_any_single_change_in_the_body(orgs):
    code = orgs["suppliers"][0]["credit_code"]
    for i in range(17):
        changed = code[:i] + ("1" if code[i] != "1" else "2") + code[i + 1:]
        assert not dc.credit_code_is_valid(changed)


@pytest.mark.parametrize("code", [
    "91350100M000100Y4",     # too short
    "91350100M000100Y433",   # too long
    "91350100I000100Y43",    # I is not in the charset
    "91350100O000100Y43",    # nor O
    "91350100m000100Y43",    # lower case
    "9135010０M000100Y43",    # full-width digit
    "",
    None,
    91350100,
])
def test_validator_rejects_malformed_codes(code):
    assert not dc.credit_code_is_valid(code)


# ---------------------------------------------------------------------------------------------------------
# Scenarios: counts, coverage and references


def test_count(scenarios):
    assert len(scenarios) == 340
    assert len(dc.generate_scenarios(n=60)) == 60
    assert dc.generate_scenarios(n=0) == []


def test_coverage_of_sectors_fields_and_regions(scenarios):
    assert {s["sector"] for s in scenarios} == set(SECTOR_FIELDS)
    assert len({s["field"] for s in scenarios}) >= 45
    per_region = Counter(s["region"] for s in scenarios)
    assert set(per_region) == REGIONS
    assert min(per_region.values()) >= 5, per_region


def test_field_belongs_to_sector(scenarios):
    for s in scenarios:
        assert s["field"] in SECTOR_FIELDS[s["sector"]], s


def test_owners_exist_and_match_kind_and_region(scenarios, orgs):
    by_type = {
        "provider": {p["name"]: p for p in orgs["providers"]},
        "department": {d["name"]: d for d in orgs["departments"]},
        "city": {c["name"]: c for c in orgs["cities"]},
    }
    for s in scenarios:
        owner = by_type[s["owner_type"]][s["owner"]]
        assert s["region"] in REGIONS
        if s["owner_type"] == "provider":
            assert s["kind"] == "industrial" and s["region"] == owner["region"]
            assert s["sector"] in owner["sectors"]
        else:
            assert s["kind"] == "government"
        if s["owner_type"] == "city":
            assert s["region"] == owner["region"]
    share = sum(s["kind"] == "government" for s in scenarios) / len(scenarios)
    assert 0.15 <= share <= 0.25
    assert {s["owner_type"] for s in scenarios} == {"provider", "department", "city"}


def test_department_scenarios_are_provincial_or_regional(scenarios):
    regions = Counter(s["region"] for s in scenarios if s["owner_type"] == "department")
    assert regions["510100"] >= 1 and len(regions) >= 3


# ---------------------------------------------------------------------------------------------------------
# Scenarios: values


def test_titles_unique_and_short(scenarios):
    titles = [s["title"] for s in scenarios]
    assert len(set(titles)) == len(titles)
    assert all(0 < len(t) <= 60 and CJK.search(t) for t in titles)


def test_text_lengths(scenarios):
    for s in scenarios:
        assert 80 <= len(s["purpose"]) <= 300, s["purpose"]
        assert 80 <= len(s["tech_requirements"]) <= 400, s["tech_requirements"]
        assert 0 < len(s["cooperation_note"]) <= 120
        assert "{" not in s["purpose"] + s["tech_requirements"] + s["cooperation_note"]


def test_cooperation_and_budget(scenarios):
    assert {s["cooperation_mode"] for s in scenarios} == set(dc.MODES)
    negotiable = 0
    for s in scenarios:
        lo, hi = s["budget_min"], s["budget_max"]
        if lo is None or hi is None:
            assert lo is None and hi is None
            negotiable += 1
            continue
        assert isinstance(lo, int) and isinstance(hi, int)
        assert 0 <= lo <= hi <= 5000
    assert 0 < negotiable < len(scenarios) / 3


def test_contacts(scenarios):
    for s in scenarios:
        assert re.fullmatch(r"1[35789]\d{9}", s["contact_phone"]), s["contact_phone"]
        assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", s["contact_email"]), s["contact_email"]
        assert 2 <= len(s["contact_name"]) <= 4 and CJK.fullmatch(s["contact_name"][0])


def test_dates(scenarios):
    for s in scenarios:
        created, deadline = date.fromisoformat(s["created"]), date.fromisoformat(s["deadline"])
        assert s["year"] in (2025, 2026) and s["year"] == created.year
        assert created < deadline
        assert created <= dc.AS_OF
        if s["status"] == "published":
            published = date.fromisoformat(s["published"])
            assert created <= published < deadline and published <= dc.AS_OF
        else:
            assert s["published"] is None
    assert {s["year"] for s in scenarios} == {2025, 2026}


def test_reasons(scenarios):
    for s in scenarios:
        assert (s["close_reason"] is not None) == (s["status"] == "closed")
        if s["status"] == "draft":
            assert s["return_reason"] is None
    returned = [s for s in scenarios if s["return_reason"]]
    assert 0 < len(returned) < len(scenarios) / 4
    assert all(CJK.search(s["return_reason"]) for s in returned)


def test_status_distribution(scenarios):
    counts = Counter(s["status"] for s in scenarios)
    assert set(counts) == STATUSES
    for status, share in dc.STATUS_SHARES.items():
        assert abs(counts[status] / len(scenarios) - share) <= 0.03, (status, counts)


# ---------------------------------------------------------------------------------------------------------
# Scenarios: variety (not one template with the numbers swapped)


def _skeleton(text: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "#", text)


def test_purposes_unique_even_without_numbers(scenarios):
    purposes = [s["purpose"] for s in scenarios]
    assert len(set(purposes)) == len(purposes)
    skeletons = {_skeleton(p) for p in purposes}
    assert len(skeletons) == len(purposes)


def test_purposes_of_the_same_field_differ(scenarios):
    by_field = defaultdict(list)
    for s in scenarios:
        by_field[s["field"]].append(_skeleton(s["purpose"]))
    ratios = [difflib.SequenceMatcher(None, a, b).ratio()
              for texts in by_field.values() for a, b in itertools.combinations(texts, 2)]
    assert sum(ratios) / len(ratios) < 0.45
    # at most 5% of same-field pairs share more than 60% of their text, and none is a near copy
    assert sum(r > 0.6 for r in ratios) / len(ratios) <= 0.05
    assert max(ratios) < 0.9


def test_no_sentence_dominates(scenarios):
    sentences = Counter()
    for s in scenarios:
        sentences.update({x for x in re.split(r"[。；]", _skeleton(s["purpose"])) if x})
    assert sentences.most_common(1)[0][1] <= 0.3 * len(scenarios)


def test_structure_varies(scenarios):
    """Openings of purposes (with the owner's name blanked) and title shapes are many, none dominant."""
    openings = Counter(s["purpose"].replace(s["owner"], "X")[:4] for s in scenarios)
    assert len(openings) >= 40 and openings.most_common(1)[0][1] <= 0.15 * len(scenarios)
    requirement_styles = Counter(s["tech_requirements"][:2] for s in scenarios)
    assert len(requirement_styles) >= 20
    title_ends = Counter(s["title"][-2:] for s in scenarios)
    assert len(title_ends) >= 30


def test_every_field_bank_has_varied_content():
    assert set(dc.data.FIELDS) == ALL_FIELDS
    for code, bank in dc.data.FIELDS.items():
        assert len(bank["subjects"]) >= 4, code
        assert len(bank["pains"]) >= 3 and len(bank["goals"]) >= 2 and len(bank["asks"]) >= 4, code
        assert len(bank["actions"]) >= 3 and bank["techs"] and bank["data"] and bank["systems"], code


def test_custom_organisations_are_respected(orgs):
    small = {**orgs, "providers": orgs["providers"][:5], "departments": orgs["departments"][:2],
             "cities": orgs["cities"][:3]}
    rows = dc.generate_scenarios(n=40, organisations=small)
    owners = {o["name"] for key in ("providers", "departments", "cities") for o in small[key]}
    assert len(rows) == 40 and {r["owner"] for r in rows} <= owners
    assert len({r["title"] for r in rows}) == 40


@pytest.mark.parametrize("seed", [1, 99, 2026])
def test_invariants_hold_for_other_seeds(seed):
    rows = dc.generate_scenarios(seed=seed)
    assert len({r["title"] for r in rows}) == len(rows) == 340
    assert min(Counter(r["region"] for r in rows).values()) >= 5
    assert len({r["field"] for r in rows}) >= 45
    assert all(r["field"] in SECTOR_FIELDS[r["sector"]] for r in rows)
    assert all(80 <= len(r["purpose"]) <= 300 and 80 <= len(r["tech_requirements"]) <= 400 for r in rows)


# ---------------------------------------------------------------------------------------------------------
# Solutions


def test_solutions(solutions, orgs):
    per_supplier = Counter(s["supplier"] for s in solutions)
    assert set(per_supplier) == {s["name"] for s in orgs["suppliers"]}
    assert all(2 <= k <= 4 for k in per_supplier.values())
    titles = [s["title"] for s in solutions]
    assert len(set(titles)) == len(titles)
    suppliers = {s["name"]: s for s in orgs["suppliers"]}
    for sol in solutions:
        assert 100 <= len(sol["description"]) <= 300, sol["description"]
        assert sol["fields"] and all(f in SECTOR_FIELDS[sol["sector"]] for f in sol["fields"])
        assert set(sol["fields"]) <= set(suppliers[sol["supplier"]]["fields"])
        assert sol["capabilities"] and sol["maturity"] in ("prototype", "pilot", "mature")
        assert sol["deployment"] and set(sol["deployment"]) <= {"on_prem", "cloud", "edge"}
        assert "{" not in sol["description"]
