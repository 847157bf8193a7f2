"""The scoring on plain numbers, each figure worked out by hand in the comments."""

from decimal import Decimal as D

import pytest

from scenariohub.zones import criteria as c
from scenariohub.zones.scoring import RegionFacts, WeightsInvalid, check_weights, score_regions

WEIGHTS = {"policy": 30, "procurement": 25, "concentration": 20, "publicity": 15, "benchmark": 10}


def facts(region, position, missing=(), **components):
    return RegionFacts(region, position, {k: D(v) for k, v in components.items()}, frozenset(missing))


A = facts(
    "A",
    1,
    missing=["procurement_outside", "media_items"],
    support_granted=2,
    policy_documents=2,
    agreement_amount=300,
    adoption_amount=100,
    scenarios_released=10,
    conferences_hosted=1,
    news_items=2,
    cases_designated=1,
)
B = facts(
    "B",
    2,
    missing=["media_items"],
    policy_documents=1,
    agreement_amount=500,
    procurement_outside=100,
    scenarios_released=3,
)
C = facts("C", 3, missing=["policy_documents", "procurement_outside", "media_items"])


def test_three_regions_by_hand():
    scores = {s.region: s for s in score_regions([C, B, A], WEIGHTS)}
    a, b, cc = scores["A"], scores["B"], scores["C"]
    # Raw: A policy 2+2=4, procurement 300+100+0=400, concentration 10, publicity 1+2+0=3, benchmark 1.
    assert {k: v.raw for k, v in a.criteria.items()} == {
        "policy": 4,
        "procurement": 400,
        "concentration": 10,
        "publicity": 3,
        "benchmark": 1,
    }
    # B: policy 0+1=1, procurement 500+0+100=600, concentration 3, publicity 0, benchmark 0.
    assert {k: v.raw for k, v in b.criteria.items()} == {
        "policy": 1,
        "procurement": 600,
        "concentration": 3,
        "publicity": 0,
        "benchmark": 0,
    }
    # Scaled by the best region: A procurement 400/600×100 = 66.666… → 66.67; B policy 1/4×100 = 25.
    assert {k: v.scaled for k, v in a.criteria.items()} == {
        "policy": D("100.00"),
        "procurement": D("66.67"),
        "concentration": D("100.00"),
        "publicity": D("100.00"),
        "benchmark": D("100.00"),
    }
    assert {k: v.scaled for k, v in b.criteria.items()} == {
        "policy": D("25.00"),
        "procurement": D("100.00"),
        "concentration": D("30.00"),
        "publicity": D("0.00"),
        "benchmark": D("0.00"),
    }
    # Weighted: A procurement 66.67×25/100 = 16.6675 → 16.67; total 30+16.67+20+15+10 = 91.67.
    assert a.criteria["procurement"].weighted == D("16.67")
    assert a.total == D("91.67")
    # B: 25×0.30 = 7.50, 100×0.25 = 25.00, 30×0.20 = 6.00 → 38.50.
    assert [b.criteria[k].weighted for k in c.CRITERION_CODES] == [D("7.50"), D("25.00"), D("6.00"), 0, 0]
    assert b.total == D("38.50")
    assert cc.total == 0
    assert (a.rank, b.rank, cc.rank) == (1, 2, 3)
    assert not any(s.tied for s in scores.values())
    # Missing inputs count as zero and are named.
    assert cc.missing == ("policy_documents", "procurement_outside", "media_items")
    assert a.criteria["procurement"].missing == ("procurement_outside",)
    assert b.criteria["publicity"].missing == ("media_items",)


def test_a_weight_change_reorders():
    # All weight on procurement: B (600) beats A (400 → 66.67).
    scores = score_regions([A, B, C], {**dict.fromkeys(c.CRITERION_CODES, 0), "procurement": 100})
    assert [s.region for s in scores] == ["B", "A", "C"]
    assert [s.total for s in scores] == [D("100.00"), D("66.67"), D("0.00")]


def test_ties_share_a_rank_and_keep_the_official_order():
    x = facts("X", 5, scenarios_released=4)
    y = facts("Y", 2, scenarios_released=4)
    z = facts("Z", 9, scenarios_released=2)
    w = facts("W", 1)
    scores = score_regions([x, z, w, y], {**dict.fromkeys(c.CRITERION_CODES, 0), "concentration": 100})
    assert [(s.region, s.rank, s.tied) for s in scores] == [
        ("Y", 1, True),
        ("X", 1, True),
        ("Z", 3, False),
        ("W", 4, False),
    ]


def test_no_data_at_all_scores_everyone_zero_and_tied():
    scores = score_regions([facts("A", 1), facts("B", 2)], WEIGHTS)
    assert [(s.region, s.total, s.rank, s.tied) for s in scores] == [("A", 0, 1, True), ("B", 0, 1, True)]


@pytest.mark.parametrize(
    "weights",
    [
        {**WEIGHTS, "policy": 31},  # 101
        {**WEIGHTS, "policy": -10, "procurement": 65},  # negative
        {k: v for k, v in WEIGHTS.items() if k != "benchmark"},  # one missing
        {**WEIGHTS, "policy": 30.0},  # not a whole number
        {**WEIGHTS, "extra": 0},
    ],
)
def test_bad_weights_are_refused(weights):
    with pytest.raises(WeightsInvalid):
        check_weights(weights)
    with pytest.raises(WeightsInvalid):
        score_regions([A], weights)


def test_every_criterion_names_its_data():
    assert [x.code for x in c.CRITERIA] == list(c.Criterion.values)
    for crit in c.CRITERIA:
        assert crit.components and all(str(x.source) for x in crit.components)
    assert set(c.INPUT_CRITERION) == set(c.InputKind.values)
    assert sum(c.DEFAULT_WEIGHTS.values()) == 100
