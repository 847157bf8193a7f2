"""Deterministic generator of realistic Chinese demo content for the province.

Pure Python, no dependencies, no global random state: the same seed always gives the same organisations,
scenarios and solutions. The hand-written content banks live in :mod:`demo_corpus_data`; this module
combines them with several sentence patterns per section, so that titles and texts differ in structure and
not only in nouns.

Public API::

    ORGANISATIONS                       # build_organisations() with the default seed
    build_organisations(seed) -> dict   # office, 21 city lead departments, departments, providers, suppliers
    generate_scenarios(n, seed, organisations) -> list[dict]
    generate_solutions(suppliers, seed) -> list[dict]
    credit_code_is_valid(code) -> bool  # GB 32100-2015 unified social credit code check
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from scenariohub.scenarios import demo_corpus_data as data

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "reference" / "data" / "taxonomy.json"

# The corpus describes the programme "as of" this day: nothing is created or published after it.
AS_OF = date(2026, 11, 20)

STATUS_SHARES = {"published": 0.50, "approved": 0.12, "submitted": 0.12, "draft": 0.14, "withdrawn": 0.06,
                 "closed": 0.06}
MODES = ("joint_rnd", "procurement", "pilot", "open_call", "data_site_opening")
MODE_WEIGHTS = {
    "industrial": (28, 18, 27, 12, 15),
    "government": (10, 35, 25, 15, 15),
}
MODE_TITLE_SUFFIX = {"joint_rnd": "联合研发", "procurement": "项目", "pilot": "试点", "open_call": "揭榜挂帅",
                     "data_site_opening": "场景开放"}
OPENINGS = {
    "joint_rnd": ["联合产品提供方开展技术攻关", "与高校院所和企业联合研发"],
    "procurement": ["采购成熟的产品和服务", "通过采购引入成熟解决方案"],
    "pilot": ["开展小范围试点应用", "先行开展试点验证"],
    "open_call": ["以揭榜挂帅方式面向社会征集解决方案", "面向全国张榜征集攻关团队"],
    "data_site_opening": ["开放场地与数据供产品测试验证", "开放真实场景供企业打磨产品"],
}
SECTOR_WORK = {"manufacturing": "工业经济", "emergency": "应急管理", "livelihood": "民生服务",
               "commerce-tourism": "商贸文旅", "governance": "社会治理"}
PURPOSE_TAILS = {
    True: [
        "场景方可提供{d2}，并安排专人配合现场踏勘。",
        "计划{3-12}个月内完成部署验证，效果达标后逐步扩大应用范围。",
        "该问题已连续{2-3}年列入{short}年度重点改进事项。",
        "试点成功后，{short}将优先采购并联合申报省级标杆案例。",
        "现场具备供电、网络和设备安装条件，可随时进场调研。",
    ],
    False: [
        "{owner}将协调相关单位提供{d2}。",
        "试点范围先选取{2-5}个区县（单位），成熟后在{place}全面推广。",
        "本场景已列入{year}年度场景开放计划。",
        "成效将作为全省同类场景推广应用的参考。",
    ],
}
# Budgets follow the weight of the field: a self-service shop is not a provincial monitoring network.
BUDGET_SCALE = {
    "unmanned-store": 0.25, "shopping-assistant": 0.3, "inventory-settlement": 0.3, "companion-robot": 0.3,
    "customer-service": 0.4, "smart-guide": 0.4, "wearables": 0.3, "exoskeleton": 0.35,
    "consumer-protection": 0.4, "government-information-outreach": 0.35, "market-monitoring": 0.4,
    "home-monitoring": 0.5, "online-exhibition": 0.5, "cross-border-ecommerce": 0.4, "sorting": 0.7,
    "industrial-brain": 1.4, "autonomous-driving": 1.5, "low-altitude-management": 1.3, "forest-fire": 1.2,
    "flash-flood-debris-flow": 1.3, "city-safety-risk-monitoring": 1.4, "energy-chemical": 1.3,
    "robot-assisted-manufacturing": 1.2, "container-transport": 1.2,
}
DEPLOYMENT_ZH = {"on_prem": "本地化", "cloud": "云端", "edge": "边缘端"}
FALLBACK_ACTIONS = ["智能化应用", "AI应用示范", "智能化升级"]
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                  "157", "158", "159", "170", "173", "177", "180", "181", "182", "183", "186", "187", "188",
                  "189", "191", "193", "198", "199"]


# ---------------------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015) and organisation code (GB 11714-1997)
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 characters are given."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_is_valid(code: object) -> bool:
    """True if ``code`` is 18 characters from the GB 32100 charset with a correct check character."""
    if not isinstance(code, str) or len(code) != 18 or any(c not in CREDIT_CHARSET for c in code):
        return False
    return code[17] == credit_code_check_char(code[:17])


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check character (body drawn from the USCC set)."""
    if rng.random() < 0.5:  # codes issued after 2015 start with MA
        body = "MA" + "".join(rng.choice(CREDIT_CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]  # A=10 … Z=35
    total = sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, region: str, registrant: str = "91") -> str:
    """``registrant``: 91 enterprise, 12 public institution (事业单位), 11 government organ, 52 民办非企业."""
    first17 = registrant + region + _org_code(rng)
    return first17 + credit_code_check_char(first17)


# ---------------------------------------------------------------------------------------------------------
# Taxonomy
@cache
def taxonomy() -> dict:
    return json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


@cache
def field_sector() -> dict[str, str]:
    return {f["code"]: s["code"] for s in taxonomy()["sectors"] for f in s["fields"]}


@cache
def field_names() -> dict[str, str]:
    return {f["code"]: f["name_zh"] for s in taxonomy()["sectors"] for f in s["fields"]}


def sector_label(sector: str) -> str:
    """``人工智能+应急救援`` for ``人工智能+应急救援（公共安全）``."""
    name = next(s["name_zh"] for s in taxonomy()["sectors"] if s["code"] == sector)
    return name.split("（")[0]


def _sectors_of(fields: list[str]) -> list[str]:
    wanted = {field_sector()[f] for f in fields}
    return [s["code"] for s in taxonomy()["sectors"] if s["code"] in wanted]


def _fields_for_tags(tags: set[str]) -> list[str]:
    order = list(field_sector())
    return [f for f in order if any(tags & set(s[0].split()) for s in data.FIELDS[f]["subjects"])]


# ---------------------------------------------------------------------------------------------------------
# Text helpers
_RANGE = re.compile(r"\{(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\}")
_NAMED = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def fill(text: str, rng: random.Random, ctx: dict | None = None) -> str:
    """Replace ``{a-b}`` ranges by random numbers and ``{name}`` by ``ctx[name]``."""

    def number(m: re.Match) -> str:
        lo, hi = m.group(1), m.group(2)
        if "." in lo or "." in hi:
            return f"{rng.uniform(float(lo), float(hi)):.1f}"
        return str(rng.randint(int(lo), int(hi)))

    text = _RANGE.sub(number, text)
    return _NAMED.sub(lambda m: str((ctx or {}).get(m.group(1), "")), text)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _overlaps(a: str, b: str) -> bool:
    return bool(_bigrams(a) & _bigrams(b))


def applicable(items: list, subject_tags: str) -> list[str]:
    """Bank items that fit a subject: plain strings always, ``(tags, text)`` pairs when a tag is shared."""
    tags = set(subject_tags.split())
    if tags & {"city", "plateau"} or any(t.startswith("dept-") for t in tags):
        tags.add("gov")
    fitting = [i if isinstance(i, str) else i[1] for i in items
               if isinstance(i, str) or tags & set(i[0].split())]
    return fitting or [i for i in items if isinstance(i, str)]


def _round_budget(value: float) -> int:
    step = 5 if value < 100 else 10 if value < 500 else 50 if value < 2000 else 100
    return int(max(step, round(value / step) * step))


# ---------------------------------------------------------------------------------------------------------
# Organisations
def _city_short(name: str) -> str:
    return name.replace("经济和信息化局", "经信局").replace("科学技术局", "科技局")


def build_organisations(seed: int = 2025) -> dict:
    """The office, the 21 city lead departments, provincial departments, providers and suppliers."""
    rng = random.Random(seed * 7919 + 1)
    cities = [{"region": code, "name": lead, "short": _city_short(lead)}
              for code, (_city, lead, _slug, _counties, _plateau) in data.REGIONS.items()]
    departments = [{"name": name, "short": short, "sectors": _sectors_of(fields), "fields": list(fields)}
                   for name, short, _slug, fields in data.DEPARTMENTS]
    providers = []
    for name, short, region, kind, industry, _slug in data.PROVIDERS:
        fields = _fields_for_tags({industry})
        registrant = "91" if kind == "enterprise" else "12"
        providers.append({"name": name, "short": short, "region": region,
                          "credit_code": make_credit_code(rng, region, registrant), "kind": kind,
                          "industry": industry, "sectors": _sectors_of(fields), "fields": fields})
    suppliers = []
    for name, short, region, scale, capabilities, fields, _slug in data.SUPPLIERS:
        suppliers.append({"name": name, "short": short, "region": region,
                          "credit_code": make_credit_code(rng, region, "91"), "scale": scale,
                          "capabilities": list(capabilities), "sectors": _sectors_of(fields),
                          "fields": list(fields)})
    return {"office": {"name": data.OFFICE_NAME}, "cities": cities, "departments": departments,
            "providers": providers, "suppliers": suppliers}


ORGANISATIONS: dict = build_organisations()

_SLUGS = {name: slug for name, _s, _r, _k, _i, slug in data.PROVIDERS}
_SLUGS.update({name: f"{slug}.sc" for name, _s, slug, _f in data.DEPARTMENTS})
_SLUGS.update({lead: f"{slug}-ai" for _c, lead, slug, _x, _p in data.REGIONS.values()})
_SLUGS.update({name: slug for name, *_rest, slug in data.SUPPLIERS})
_DEPT_SLUGS = {name: slug for name, _s, slug, _f in data.DEPARTMENTS}
_INDUSTRY = {name: industry for name, _s, _r, _k, industry, _slug in data.PROVIDERS}


def _contacts(owner: str, region: str, seed: int) -> list[tuple[str, str, str]]:
    """One or two contact people of an organisation: (name, mobile, email)."""
    rng = random.Random(f"{seed}|contact|{owner}")
    slug = _SLUGS.get(owner) or f"org{rng.randint(1000, 9999)}"
    people = []
    for _ in range(rng.choice((1, 1, 2))):
        plateau = data.REGIONS.get(region, ("", "", "", [], False))[4]
        if plateau and rng.random() < 0.35:
            bank = data.YI_NAMES if region == "513400" else data.TIBETAN_NAMES
            name = rng.choice(sorted(bank))
            local = bank[name]
        else:
            surname = rng.choice(sorted(data.SURNAMES))
            given = "".join(rng.sample(sorted(data.GIVEN), rng.choice((1, 2, 2))))
            name = surname + given
            py = [data.GIVEN[c] for c in given]
            initials = "".join(p[0] for p in py)
            local = data.SURNAMES[surname] + ("".join(py) if rng.random() < 0.6 else initials)
        if rng.random() < 0.3:
            local += str(rng.randint(1, 99))
        phone = rng.choice(PHONE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
        people.append((name, phone, f"{local}@{slug}.example.com"))
    return people


# ---------------------------------------------------------------------------------------------------------
# Owners and slot planning
def _owners(orgs: dict) -> tuple[list[dict], list[dict], list[dict]]:
    providers = []
    for p in orgs.get("providers", []):
        industry = p.get("industry") or _INDUSTRY.get(p["name"])
        tags = {industry} if industry else set()
        fields = _fields_for_tags(tags) if tags else [f for f in field_sector()
                                                      if field_sector()[f] in p.get("sectors", [])]
        providers.append({"name": p["name"], "short": p.get("short") or p["name"][:4], "type": "provider",
                          "region": p["region"], "tags": tags or {"*"}, "fields": fields,
                          "industry": industry})
    departments = []
    for d in orgs.get("departments", []):
        slug = _DEPT_SLUGS.get(d["name"], "")
        fields = d.get("fields") or [f for f in field_sector() if field_sector()[f] in d.get("sectors", [])]
        departments.append({"name": d["name"], "short": d.get("short") or d["name"], "type": "department",
                            "region": "510100", "tags": {"gov", f"dept-{slug}"}, "fields": list(fields)})
    cities = []
    for c in orgs.get("cities", []):
        tags = {"gov", "city"} | ({"plateau"} if data.REGIONS[c["region"]][4] else set())
        cities.append({"name": c["name"], "short": c.get("short") or _city_short(c["name"]), "type": "city",
                       "region": c["region"], "tags": tags, "fields": list(field_sector())})
    return providers, departments, cities


def _subjects(field: str, tags: set[str]) -> list[tuple]:
    subjects = data.FIELDS[field]["subjects"]
    if "*" in tags:
        return [s for s in subjects if not set(s[0].split()) & {"gov", "city", "plateau"}
                and not s[0].startswith("dept-")]
    return [s for s in subjects if tags & set(s[0].split())]


def _plan_owners(rng: random.Random, n: int, providers: list, departments: list, cities: list) -> list[dict]:
    """Who owns each of the n scenarios, with the region it concerns (~20% government)."""
    gov_owners = departments + cities
    n_gov = round(n * 0.2) if gov_owners and providers else (n if gov_owners else 0)
    slots: list[dict] = []
    first = rng.sample(cities, len(cities))
    for i in range(n_gov):
        if i < len(first):
            owner = first[i]
        else:
            owner = rng.choices(gov_owners, weights=[1.6 if o["type"] == "department" else 1.0
                                                     for o in gov_owners])[0]
        slots.append({"owner": owner, "region": owner["region"]})
    activity = {p["name"]: rng.uniform(0.6, 1.6) for p in providers}
    order = rng.sample(providers, len(providers))
    for i in range(n - n_gov):
        if i < len(order):
            owner = order[i]
        else:
            owner = rng.choices(providers, [activity[p["name"]] for p in providers])[0]
        slots.append({"owner": owner, "region": owner["region"]})
    counts = {code: 0 for code in data.REGIONS}
    for slot in slots:
        if slot["owner"]["type"] != "department":
            counts[slot["region"]] += 1
    for slot in slots:  # departments: province-wide (Chengdu) or the least served region
        if slot["owner"]["type"] == "department":
            if rng.random() < 0.45:
                slot["region"] = "510100"
            else:
                low = min(counts.values())
                slot["region"] = rng.choice([c for c, k in counts.items() if k <= low + 1])
            counts[slot["region"]] += 1
    if n >= 5 * len(counts):  # every region at least five scenarios
        by_region: dict[str, list[dict]] = {}
        for p in providers + cities:
            by_region.setdefault(p["region"], []).append(p)
        for code in counts:
            while counts[code] < 5 and by_region.get(code):
                donors = [s for s in slots if s["owner"]["type"] == "provider" and counts[s["region"]] > 5
                          and s["region"] != code]
                if not donors:
                    break
                rich = max(counts[s["region"]] for s in donors)
                slot = rng.choice([s for s in donors if counts[s["region"]] == rich])
                rich = slot["region"]
                slot["owner"] = rng.choice([p for p in by_region[code] if p["type"] == "provider"]
                                           or by_region[code])
                slot["region"] = code
                counts[rich] -= 1
                counts[code] += 1
    rng.shuffle(slots)
    return slots


def _status_list(rng: random.Random, n: int) -> list[str]:
    statuses = []
    for status, share in STATUS_SHARES.items():
        if status != "published":
            statuses += [status] * round(n * share)
    statuses = statuses[:n]
    statuses += ["published"] * (n - len(statuses))
    rng.shuffle(statuses)
    return statuses


# ---------------------------------------------------------------------------------------------------------
# Titles
def _pick_action(rng: random.Random, bank: dict, obj: str, site: str = "") -> str:
    actions = [a for a in rng.sample(bank["actions"], len(bank["actions"])) if not _overlaps(a, obj + site)]
    return actions[0] if actions else next(a for a in FALLBACK_ACTIONS if not _overlaps(a, obj))


def _title_candidates(rng: random.Random, ctx: dict) -> list[str]:
    obj, action, tech, mode_suffix = ctx["obj"], ctx["action"], ctx["tech"], MODE_TITLE_SUFFIX[ctx["mode"]]
    if ctx["owner_type"] == "provider":
        head = "" if _overlaps(ctx["short"], obj) else ctx["short"]
        site = "" if _overlaps(ctx["site"], obj) or _overlaps(ctx["site"], head) else ctx["site"]
        options = [
            f"{head}{site}{obj}{action}",
            f"{head}{obj}{action}",
            f"{head}基于{tech}的{obj}{action}",
            f"面向{site or ctx['industry_name'] + '行业'}的{obj}{action}",
            f"{head}{site}{obj}{action}{mode_suffix}",
        ]
        if head and not _overlaps(ctx["city"], head):
            options.append(f"{ctx['city']}{head}{obj}{action}")
        if ctx["mode"] == "open_call":
            options.append(f"{obj}{action}关键技术攻关（{head or ctx['city']}揭榜挂帅）")
        if ctx["mode"] == "data_site_opening":
            options.append(f"{head}开放{site}{obj}测试验证场景")
    else:
        place = ctx["title_place"]
        options = [
            f"{place}{obj}{action}",
            f"{place}{obj}{action}{mode_suffix}",
            f"基于{tech}的{place}{obj}{action}",
            f"{ctx['short']}{obj}{action}" if ctx["owner_type"] == "department"
            else f"{place}{obj}{action}应用场景",
            f"“{sector_label(field_sector()[ctx['field']])}”：{place}{obj}{action}",
        ]
        if ctx["mode"] == "open_call":
            options.append(f"{place}{obj}{action}揭榜挂帅项目")
    rng.shuffle(options)
    return [t for t in options if len(t) <= 60]


# ---------------------------------------------------------------------------------------------------------
# Purpose (用途)
def _purpose_candidates(ctx: dict) -> list[str]:
    c = ctx
    if c["owner_type"] == "provider":
        where = c["owner"]
        if c["site"] and not _overlaps(c["short"], c["site"]) and c["site"] not in c["detail"]:
            where = f"{c['short']}{c['site']}"
        return [
            f"{where}涉及{c['detail']}。{c['p1']}，{c['p2']}。拟引入{c['tech']}等人工智能技术，{c['g1']}。",
            f"针对{c['obj']}环节存在的突出问题，{c['owner']}拟{c['opening']}。目前{c['p1']}；同时{c['p2']}。"
            f"希望通过本场景实现以下目标：{c['g1']}；{c['g2']}。",
            f"本场景面向{c['detail']}。{c['p1']}。{c['owner']}可提供{c['d1']}和{c['d2']}，期望与产品提供方合作，"
            f"{c['g1']}，形成可在全省同行业复制推广的经验。",
            f"一是{c['p1']}；二是{c['p2']}；三是{c['p3']}。为此，{c['short']}开放“{c['obj']}”场景，{c['g1']}。"
            if c["p3"] else f"{c['p1']}，{c['p2']}。为此，{c['short']}开放“{c['obj']}”场景，{c['g1']}。",
            f"现状：{c['detail']}，{c['p1']}。需求：{c['g1']}，{c['g2']}。条件：可提供{c['d1']}。",
            f"“{c['p1']}”——这是{where}面临的现实难题。场景涉及{c['detail']}，拟通过{c['tech']}开展"
            f"{c['action']}，力争{c['g1']}。",
            f"{c['short']}是{c['city']}{c['industry_name']}领域的重点{c['unit']}。"
            f"在{c['site'] or '生产经营'}中，"
            f"{c['detail']}是当前工作的重点。{c['p1']}，{c['p2']}。本次开放场景，重点{c['g1']}。",
        ]
    return [
        f"为提升{c['place']}{c['obj']}工作的智能化水平，{c['owner']}拟{c['opening']}。场景涉及{c['detail']}。"
        f"{c['p1']}，{c['p2']}。通过本场景，{c['g1']}。",
        f"{c['detail']}是{c['place']}{c['work']}工作的重点和难点。{c['p1']}；{c['p2']}。拟引入{c['tech']}，"
        f"{c['g1']}，{c['g2']}。",
        f"按照全省人工智能场景开放工作安排，{c['owner']}梳理形成本场景：{c['detail']}。当前{c['p1']}。"
        f"希望{c['opening']}，{c['g1']}。",
        f"一是{c['p1']}；二是{c['p2']}。针对上述问题，{c['owner']}面向社会开放{c['title_place']}{c['obj']}场景，"
        f"{c['g1']}，为全省同类工作提供可复制的经验。",
        f"场景范围：{c['detail']}。主要问题：{c['p1']}，{c['p2']}。建设目标：{c['g1']}；{c['g2']}。"
        f"可提供{c['d1']}。",
    ]


# ---------------------------------------------------------------------------------------------------------
# Technical requirements (技术要求)
def _tech_requirements(rng: random.Random, bank_asks: list[str], ctx: dict) -> str:
    if ctx["owner_type"] == "provider":
        generic_bank = data.GENERIC_ASKS
    else:
        generic_bank = data.GOV_ASKS + data.GENERIC_ASKS[:1]
    asks = [fill(a, rng, ctx) for a in rng.sample(bank_asks, min(rng.choice((3, 4, 5)), len(bank_asks)))]
    extra = [fill(a, rng, ctx) for a in rng.sample(generic_bank, len(generic_bank))]
    generic = [extra.pop(), extra.pop()] if rng.random() < 0.5 else [extra.pop()]
    style = rng.randrange(5)

    def render() -> str:
        if style == 0:
            return "；".join(f"{i}.{a}" for i, a in enumerate(asks + generic, 1)) + "。"
        if style == 1:
            return "；".join(f"（{i}）{a}" for i, a in enumerate(asks + generic, 1)) + "。"
        if style == 2:
            return "；".join(asks) + "。此外，" + "，".join(generic) + "。"
        if style == 3:
            head = max(1, len(asks) // 2)
            return f"核心指标：{'，'.join(asks[:head])}。工程要求：{'；'.join(asks[head:] + generic)}。"
        return f"技术方案需满足以下要求：{'；'.join(asks)}。部署与数据：{'，'.join(generic)}。"

    text = render()
    while len(text) < 80 and extra:
        generic.append(extra.pop())
        text = render()
    while len(text) > 400 and len(asks) > 2:
        asks.pop()
        text = render()
    return text


# ---------------------------------------------------------------------------------------------------------
# Budgets and dates
def _budget(rng: random.Random, mode: str, field: str) -> tuple[int | None, int | None]:
    if mode == "data_site_opening":
        return (None, None) if rng.random() < 0.5 else (0, rng.choice((0, 10, 20, 30, 50)))
    if rng.random() < 0.12:
        return None, None  # 面议
    low, high = {"joint_rnd": (50, 800), "procurement": (20, 1500), "pilot": (10, 200),
                 "open_call": (200, 3000)}[mode]
    lo = _round_budget(rng.uniform(low, high) * BUDGET_SCALE.get(field, 1.0))
    hi = min(5000, _round_budget(lo * rng.uniform(1.2, 2.5)))
    return lo, max(lo, hi)


def _dates(rng: random.Random, status: str) -> tuple[date, date, date | None]:
    start = date(2025, 3, 1)
    if status in ("draft", "submitted"):
        created = AS_OF - timedelta(days=rng.randint(3, 150))
    elif status == "approved":
        created = AS_OF - timedelta(days=rng.randint(10, 260))
    elif status == "closed":
        created = start + timedelta(days=rng.randint(0, (AS_OF - start).days - 120))
    else:
        created = start + timedelta(days=rng.randint(0, (AS_OF - start).days - 10))
    if status == "closed":
        deadline = created + timedelta(days=rng.randint(45, min(240, (AS_OF - created).days)))
    else:
        deadline = created + timedelta(days=rng.randint(45, 240))
    published = None
    if status == "published":
        latest = min((deadline - created).days - 1, 60, (AS_OF - created).days)
        published = created + timedelta(days=rng.randint(min(3, latest), latest))
    return created, deadline, published


# ---------------------------------------------------------------------------------------------------------
# Scenarios
def _place_context(rng: random.Random, owner: dict, region: str) -> dict:
    city, _lead, _slug, counties, _plateau = data.REGIONS[region]
    county = rng.choice(counties)
    if owner["type"] == "department" and region == "510100":
        return {"city": city, "place": "全省", "county": "全省", "region_county": "全省"}
    return {"city": city, "place": city, "county": f"{city}{county}", "region_county": county}


def _write_scenario(rng: random.Random, slot: dict, used: dict, seed: int) -> dict:
    owner, region = slot["owner"], slot["region"]
    tags = set(owner["tags"])
    if owner["type"] == "department" and data.REGIONS[region][4]:
        tags.add("plateau")
    fields = [f for f in owner["fields"] if f in data.FIELDS and _subjects(f, tags)]
    if not fields:  # an unknown owner without usable fields: anything in its sectors, or anything at all
        fields = [f for f in data.FIELDS if _subjects(f, {"*"})]
        tags = {"*"}
    # Balance fields over the whole corpus, and spread each owner over its fields and subjects.
    mine = {f: 3 * used["owner"].get((owner["name"], f), 0) for f in fields}
    field = min(fields, key=lambda f: used["field"].get(f, 0) + mine[f] + rng.random() * 1.5)
    subjects = _subjects(field, tags)
    subject = min(subjects, key=lambda s: used["subject"].get(s[2], 0)
                  + 3 * used["owner"].get((owner["name"], s[2]), 0) + rng.random() * 1.5)
    for counter, key in (("field", field), ("subject", subject[2]), ("owner", (owner["name"], field)),
                         ("owner", (owner["name"], subject[2]))):
        used[counter][key] = used[counter].get(key, 0) + 1
    bank = data.FIELDS[field]
    subject_tags, site, obj, detail = subject
    kind = "industrial" if owner["type"] == "provider" else "government"
    mode = rng.choices(MODES, weights=MODE_WEIGHTS[kind])[0]

    ctx = {"owner": owner["name"], "short": owner["short"], "owner_type": owner["type"], "site": site,
           "obj": obj, "field": field, "mode": mode, "system": rng.choice(bank["systems"]),
           "industry_name": data.INDUSTRY_NAMES.get(owner.get("industry") or "", "行业"),
           "unit": "企业" if owner["type"] == "provider" and owner.get("industry") not in
           ("hospital", "rehab", "elderly", "community") else "单位",
           "work": SECTOR_WORK[field_sector()[field]]}
    ctx.update(_place_context(rng, owner, region))
    status = slot["status"]
    created, deadline, published = _dates(rng, status)
    ctx["year"] = created.year
    ctx["title_place"] = ctx["county"] if "{county}" in detail else ctx["place"]
    ctx["detail"] = fill(detail, rng, ctx)
    pain_bank, goal_bank = applicable(bank["pains"], subject_tags), applicable(bank["goals"], subject_tags)
    pains = [fill(p, rng, ctx) for p in rng.sample(pain_bank, min(3, len(pain_bank)))]
    goals = [fill(g, rng, ctx) for g in rng.sample(goal_bank, min(2, len(goal_bank)))]
    datas = [fill(d, rng, ctx) for d in rng.sample(bank["data"], min(2, len(bank["data"])))]
    ctx.update({"p1": pains[0], "p2": pains[1 % len(pains)], "p3": pains[2] if len(pains) > 2 else "",
                "g1": goals[0], "g2": goals[1] if len(goals) > 1 else "形成可在全省复制推广的经验",
                "d1": datas[0], "d2": datas[-1], "tech": rng.choice(bank["techs"]),
                "action": _pick_action(rng, bank, obj, site), "opening": rng.choice(OPENINGS[mode])})

    title = next((t for t in _title_candidates(rng, ctx) if t not in used["title"]), None)
    if title is None:  # every shape taken: number the phase
        base = _title_candidates(rng, ctx)[0]
        phases = (f"{base}（{p}期）" for p in "二三四五六七八九十")
        title = next(t for t in phases if t not in used["title"])
    used["title"].add(title)

    tails = PURPOSE_TAILS[ctx["owner_type"] == "provider"]
    tail = fill(rng.choice(tails), rng, ctx) if rng.random() < 0.6 else ""
    # The sentence pattern least used so far for this subject, so that its scenarios differ in structure.
    purposes = [(i, p + tail) for i, p in enumerate(_purpose_candidates(ctx))]
    purposes = [(i, p) for i, p in purposes if 80 <= len(p) <= 300 and p not in used["purpose"]]
    if purposes:
        pattern, purpose = min(purposes,
                               key=lambda ip: used["pattern"].get((obj, ip[0]), 0) + rng.random() * 0.9)
        used["pattern"][(obj, pattern)] = used["pattern"].get((obj, pattern), 0) + 1
    else:
        purpose = _purpose_candidates(ctx)[0][:300]
    used["purpose"].add(purpose)

    budget_min, budget_max = _budget(rng, mode, field)
    contact = rng.choice(_contacts(owner["name"], owner["region"], seed))
    note = fill(rng.choice(data.COOPERATION_NOTES[mode]), rng, ctx)
    returned = status not in ("draft",) and rng.random() < 0.15
    return {
        "title": title,
        "owner": owner["name"],
        "owner_type": owner["type"],
        "region": region,
        "sector": field_sector()[field],
        "field": field,
        "kind": kind,
        "purpose": purpose,
        "tech_requirements": _tech_requirements(rng, applicable(bank["asks"], subject_tags), ctx),
        "cooperation_mode": mode,
        "cooperation_note": note[:120],
        "budget_min": budget_min,
        "budget_max": budget_max,
        "contact_name": contact[0],
        "contact_phone": contact[1],
        "contact_email": contact[2],
        "year": created.year,
        "status": status,
        "created": created.isoformat(),
        "deadline": deadline.isoformat(),
        "published": published.isoformat() if published else None,
        "return_reason": rng.choice(data.RETURN_REASONS) if returned else None,
        "close_reason": rng.choice(data.CLOSE_REASONS) if status == "closed" else None,
    }


def generate_scenarios(n: int = 340, seed: int = 2025, organisations: dict | None = None) -> list[dict]:
    """``n`` scenario dicts owned by the providers, departments and cities of ``organisations``."""
    rng = random.Random(seed)
    providers, departments, cities = _owners(organisations or ORGANISATIONS)
    slots = _plan_owners(rng, n, providers, departments, cities)
    for slot, status in zip(slots, _status_list(rng, n), strict=True):
        slot["status"] = status
    used: dict = {"field": {}, "subject": {}, "owner": {}, "pattern": {}, "title": set(), "purpose": set()}
    # Fields that only a few owners can open go first, so that the least-used balancing reaches them.
    slots.sort(key=lambda s: (len(s["owner"]["fields"]), rng.random()))
    scenarios = [_write_scenario(rng, slot, used, seed) for slot in slots]
    scenarios.sort(key=lambda s: (s["created"], s["title"]))
    return scenarios


# ---------------------------------------------------------------------------------------------------------
# Solutions of suppliers
def _generic(items: list) -> list[str]:
    plain = [i for i in items if isinstance(i, str)]
    return plain or [i[1] for i in items]


def _claims(rng: random.Random, bank: dict) -> list[str]:
    soft = ("须", "需", "不得", "如适用", "按规定", "优先", "要求", "依法")
    asks = [a if isinstance(a, str) else a[1] for a in bank["asks"]]
    claims = [fill(a, rng) for a in asks if not any(w in a for w in soft)]
    goals = [g if isinstance(g, str) else g[1] for g in bank["goals"]]
    return rng.sample(claims, min(2, len(claims))) or [fill(rng.choice(goals), rng)]


def generate_solutions(suppliers: list[dict], seed: int = 2025) -> list[dict]:
    """Two to four catalogue solutions per supplier."""
    rng = random.Random(seed * 31 + 7)
    solutions: list[dict] = []
    titles: set[str] = set()
    for supplier in suppliers:
        fields = ([f for f in supplier.get("fields") or [] if f in data.FIELDS]
                  or [f for f in data.FIELDS if field_sector()[f] in supplier.get("sectors", [])]
                  or ["industrial-brain"])
        short = supplier.get("short") or supplier["name"][2:6]
        for i in range(rng.randint(2, 4)):
            field = fields[i % len(fields)]
            bank = data.FIELDS[field]
            same_sector = [f for f in fields if f != field and field_sector()[f] == field_sector()[field]]
            sol_fields = [field] + rng.sample(same_sector, min(len(same_sector), rng.choice((0, 1))))
            title = ""
            for _ in range(20):
                product = re.sub(r"(能力建设|改造|升级|应用|建设|试点|示范)$", "",
                                 rng.choice(bank["actions"]))
                suffix = rng.choice([x for x in data.SOLUTION_SUFFIXES if not _overlaps(x, product)])
                title = f"{short}{product}{suffix}"
                if title not in titles:
                    break
            else:
                title = f"{title}V{i + 2}.0"
            titles.add(title)
            objs = [s[2] for s in rng.sample(bank["subjects"], min(2, len(bank["subjects"])))]
            techs = rng.sample(bank["techs"], 2)
            pool = supplier.get("capabilities") or techs
            caps = rng.sample(pool, min(len(pool), rng.choice((2, 3))))
            claims = _claims(rng, bank)
            maturity = rng.choices(("prototype", "pilot", "mature"), weights=(20, 35, 45))[0]
            deployment = [d for d in ("on_prem", "cloud", "edge") if rng.random() < 0.55] or ["on_prem"]
            deploy_zh = "、".join(DEPLOYMENT_ZH[d] for d in deployment)
            stage = {"prototype": "目前处于原型验证阶段，欢迎场景方联合打磨",
                     "pilot": f"已在{rng.randint(1, 4)}家单位开展试点",
                     "mature": f"已在省内外{rng.randint(5, 40)}个项目中规模化应用"}[maturity]
            patterns = [
                f"{title}面向{'、'.join(objs)}等场景，基于{techs[0]}与{techs[1]}，{'；'.join(claims)}。{stage}，"
                f"支持{deploy_zh}部署，提供标准接口便于与现有业务系统集成。",
                f"针对{field_names()[field]}领域{rng.choice(_generic(bank['pains']))}的问题，"
                f"{short}推出{title}。"
                f"核心能力包括{'、'.join(caps)}，{claims[0]}。{stage}，可按{deploy_zh}方式交付。",
                f"{title}由{short}自主研发，集成{caps[0]}与{techs[0]}等技术。在{objs[0]}场景中，"
                f"{'，'.join(claims)}。产品支持{deploy_zh}部署，适配国产软硬件环境；{stage}。",
            ]
            system = rng.choice(bank["systems"])
            padding = f"提供与现有{system}对接的标准接口，以及本地化实施、培训与运维服务。"
            texts = [fill(p, rng) for p in patterns]
            texts = [t if len(t) >= 100 else t + padding for t in texts]
            fitting = [t for t in texts if 100 <= len(t) <= 300] or [texts[0][:299] + "。"]
            solutions.append({
                "supplier": supplier["name"],
                "title": title,
                "description": rng.choice(fitting),
                "sector": field_sector()[field],
                "fields": sol_fields,
                "capabilities": caps,
                "maturity": maturity,
                "deployment": deployment,
            })
    return solutions
