"""The eligibility table on plain values: every measure, every status of its link, every party."""

import pytest

from scenariohub.cases.models import CaseStatus
from scenariohub.support.rules import RULES, RULES_BY_MEASURE, Link, Measure, Party, refusals
from scenariohub.tracking.models import CooperationStatus

STATUSES = {Link.COOPERATION: CooperationStatus.values, Link.CASE: CaseStatus.values}
PARTY_SETS = [
    frozenset(),
    frozenset({Party.OWNER}),
    frozenset({Party.SUPPLIER}),
    frozenset({Party.OWNER, Party.SUPPLIER}),
]

# What the plan says, written out independently of rules.py: (link, qualifying statuses, who may apply).
EXPECTED = {
    Measure.INNOVATION_VOUCHER: (
        "cooperation",
        {"agreed", "implementing", "piloted", "benchmark"},
        {"owner", "supplier"},
    ),
    Measure.COMPUTE_SUBSIDY: ("cooperation", {"implementing", "piloted", "benchmark"}, {"owner", "supplier"}),
    Measure.GUIDANCE_FUND: ("cooperation", {"implementing", "piloted", "benchmark"}, {"owner", "supplier"}),
    Measure.BOND_PROJECT: (
        "cooperation",
        {"agreed", "implementing", "piloted", "benchmark"},
        {"owner", "supplier"},
    ),
    Measure.ST_DEMO_PROJECT: ("cooperation", {"implementing", "piloted", "benchmark"}, {"owner", "supplier"}),
    Measure.NATIONAL_PILOT: ("cooperation", {"implementing", "piloted", "benchmark"}, {"owner", "supplier"}),
    Measure.NATIONAL_CASE: ("case", {"designated"}, {"owner", "supplier"}),
    Measure.FIRST_SET: ("cooperation", {"piloted", "benchmark"}, {"supplier"}),
    Measure.FIRST_BATCH: ("cooperation", {"piloted", "benchmark"}, {"supplier"}),
    Measure.FIRST_VERSION: ("cooperation", {"piloted", "benchmark"}, {"supplier"}),
}


def test_one_rule_per_measure():
    assert [r.measure for r in RULES] == list(Measure.values)
    assert set(EXPECTED) == set(Measure.values)


@pytest.mark.parametrize("measure", Measure.values)
def test_every_status_and_party(measure):
    link, good_statuses, good_parties = EXPECTED[measure]
    for status in STATUSES[link]:
        for parties in PARTY_SETS:
            reasons = refusals(measure=measure, link=link, status=status, parties=parties)
            eligible = status in good_statuses and bool(parties & good_parties)
            assert (reasons == []) == eligible, (measure, status, sorted(parties), reasons)
            if status not in good_statuses:
                assert str(RULES_BY_MEASURE[measure].status_reason) in reasons
            if not parties & good_parties:
                assert len(reasons) == (2 if status not in good_statuses else 1)


@pytest.mark.parametrize("measure", Measure.values)
def test_the_wrong_kind_of_link_is_refused(measure):
    link = EXPECTED[measure][0]
    other = Link.CASE if link == Link.COOPERATION else Link.COOPERATION
    status = "designated" if other == Link.CASE else "benchmark"
    reasons = refusals(measure=measure, link=other, status=status, parties={Party.OWNER, Party.SUPPLIER})
    assert len(reasons) == 1


def test_terminated_cooperations_qualify_for_nothing():
    for rule in RULES:
        if rule.link == Link.COOPERATION:
            assert refusals(
                measure=rule.measure, link=rule.link, status="terminated", parties={"owner", "supplier"}
            )
