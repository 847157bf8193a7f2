"""The host rotation: the pure rule (examples and a hypothesis property test) and the service around it."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenariohub.conftest import as_actor
from scenariohub.core.errors import PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.events import selectors, services
from scenariohub.events.models import AvailabilityKind, Channel, EventStatus, ReleaseEvent
from scenariohub.events.rotation import propose_hosts, quarter_add, quarters_from, replay
from scenariohub.events.tests.factories import ReleaseEventFactory

CITIES = ["510100", "510300", "510400", "510500", "510600", "510700"]


def test_first_round_goes_by_code_then_longest_wait():
    quarters = quarters_from((2026, 1), 5)
    willing = {"510100", "510300", "510400"}
    assert propose_hosts([], willing, {}, quarters) == ["510100", "510300", "510400", "510100", "510300"]


def test_history_continues_the_round_and_longest_wait_breaks_ties():
    # 510300 hosted, then 510100: in the same round 510400 is due; the next round starts with whoever waited longest.
    willing = {"510100", "510300", "510400"}
    assert propose_hosts(["510300", "510100"], willing, {}, quarters_from((2026, 1), 3)) == ["510400", "510300", "510100"]


def test_unavailable_city_is_skipped_for_that_quarter_only():
    willing = {"510100", "510300"}
    unavailable = {(2026, 1): {"510100"}}
    assert propose_hosts([], willing, unavailable, [(2026, 1), (2026, 2)]) == ["510300", "510100"]


def test_nobody_is_proposed_when_every_city_still_due_is_unavailable():
    willing = {"510100", "510300"}
    # 510100 hosted; 510300 is due but unavailable: proposing 510100 again would break the rule.
    assert propose_hosts(["510100"], willing, {(2026, 1): {"510300"}}, [(2026, 1), (2026, 2)]) == [None, "510300"]


def test_unwilling_cities_and_overridden_repeats_do_not_break_the_round():
    willing = {"510100", "510300"}
    # 510700 (no longer willing) hosted; 510100 hosted twice by override.
    assert propose_hosts(["510700", "510100", "510100"], willing, {}, [(2026, 1), (2026, 2)]) == ["510300", "510100"]


def test_quarter_arithmetic():
    assert quarter_add((2026, 4), 1) == (2027, 1)
    assert quarter_add((2026, 1), -1) == (2025, 4)
    assert quarters_from((2026, 3), 3) == [(2026, 3), (2026, 4), (2027, 1)]


histories = st.lists(st.sampled_from(CITIES + ["513400"]), max_size=25)
willing_sets = st.sets(st.sampled_from(CITIES), max_size=len(CITIES))
quarter_lists = st.integers(min_value=0, max_value=16).map(lambda n: quarters_from((2026, 1), n))
unavailability = st.dictionaries(
    st.tuples(st.integers(2026, 2029), st.integers(1, 4)), st.sets(st.sampled_from(CITIES), max_size=4), max_size=8
)


@settings(max_examples=400, deadline=None)
@given(history=histories, willing=willing_sets, unavailable=unavailability, quarters=quarter_lists)
def test_fairness_holds_for_any_history(history, willing, unavailable, quarters):
    proposals = propose_hosts(history, willing, unavailable, quarters)
    assert len(proposals) == len(quarters)
    assert proposals == propose_hosts(list(history), set(willing), dict(unavailable), list(quarters))  # deterministic

    # Check the rule independently, reading the whole sequence (history, then proposals) round by round.
    hosted_in_round: set[str] = set()
    for host in history:
        if host in willing:
            hosted_in_round.add(host)
            if willing <= hosted_in_round:
                hosted_in_round = set()
    for quarter, host in zip(quarters, proposals, strict=True):
        due = willing - hosted_in_round - unavailable.get(quarter, set())
        if host is None:
            # Nobody is proposed only when nobody can be without breaking the rule.
            assert not due
            continue
        assert host in willing
        assert host not in unavailable.get(quarter, set())
        assert host not in hosted_in_round, "a city hosts twice before every willing city has hosted once"
        hosted_in_round.add(host)
        if willing <= hosted_in_round:
            hosted_in_round = set()


@settings(max_examples=200, deadline=None)
@given(willing=willing_sets.filter(bool), rounds=st.integers(1, 3))
def test_without_unavailability_every_round_is_a_permutation(willing, rounds):
    n = len(willing)
    proposals = propose_hosts([], willing, {}, quarters_from((2026, 1), n * rounds))
    for r in range(rounds):
        assert sorted(proposals[r * n : (r + 1) * n]) == sorted(willing)


@settings(max_examples=200, deadline=None)
@given(history=histories, willing=willing_sets.filter(bool))
def test_the_longest_waiting_due_city_goes_first(history, willing):
    state = replay(history, willing)
    [host] = propose_hosts(history, willing, {}, [(2026, 1)])
    due = state.due()
    assert host == min(due, key=lambda c: (state.last_hosted.get(c, -1), c))


# --- The service on the database ------------------------------------------------------------------------------


TODAY = dt.date(2026, 2, 10)  # 2026 Q1


@pytest.mark.django_db
def test_schedule_reads_held_and_planned_conferences_and_overrides(office):
    ReleaseEventFactory(date=dt.date(2025, 11, 5), host_region_id="510100", status=EventStatus.HELD)
    ReleaseEventFactory(date=dt.date(2026, 3, 1), host_region_id="510300")  # planned, this quarter
    ReleaseEventFactory(date=dt.date(2025, 8, 1), host_region_id="510400", status=EventStatus.CANCELLED)  # ignored
    ReleaseEventFactory(channel=Channel.MATCHMAKING, host_region_id="510500", date=dt.date(2025, 9, 1))  # not a conference
    rows = selectors.rotation_schedule(start=(2026, 1), count=4)
    assert [(r.year, r.quarter, r.source) for r in rows] == [
        (2026, 1, "scheduled"), (2026, 2, "proposed"), (2026, 3, "proposed"), (2026, 4, "proposed")]
    assert rows[0].region_id == "510300"
    # 510100 and 510300 hosted; the rest of the round goes by region code.
    assert [r.region_id for r in rows[1:]] == ["510400", "510500", "510600"]

    services.rotation_override_set(actor=as_actor(office), year=2026, quarter=2, region="513400",
                                   reason="凉山州申请承办", today=TODAY)
    rows = selectors.rotation_schedule(start=(2026, 1), count=4)
    assert (rows[1].source, rows[1].region_id, rows[1].proposed_region_id) == ("override", "513400", "510400")
    assert rows[2].region_id == "510400"  # the rotation continues after the override
    assert AuditLog.objects.filter(action="event.rotation_override", data__reason="凉山州申请承办").exists()


@pytest.mark.django_db
def test_unwilling_and_unavailable_cities_are_respected(office, chengdu_city):
    services.host_availability_set(actor=as_actor(chengdu_city), region="510100", kind=AvailabilityKind.UNWILLING)
    services.host_availability_set(actor=as_actor(office), region="510300", kind=AvailabilityKind.UNAVAILABLE,
                                   year=2026, quarter=1)
    rows = selectors.rotation_schedule(start=(2026, 1), count=2)
    assert [r.region_id for r in rows] == ["510400", "510300"]
    assert rows[0].unavailable == ["510300"]
    with pytest.raises(PermissionDenied):
        services.host_availability_set(actor=as_actor(chengdu_city), region="510700", kind=AvailabilityKind.UNWILLING)


@pytest.mark.django_db
def test_office_plans_the_proposed_conference(office, chengdu_city):
    event = services.rotation_conference_schedule(actor=as_actor(office), year=2026, quarter=2,
                                                  date=dt.date(2026, 5, 20), today=TODAY)
    assert (event.channel, event.status, event.host_region_id) == (Channel.CONFERENCE, EventStatus.PLANNED, "510300")
    # 2026 Q1 (this quarter) is proposed to 510100, so Q2 goes to the next city of the round.
    assert ReleaseEvent.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.rotation_conference_schedule(actor=as_actor(office), year=2026, quarter=3,
                                              date=dt.date(2026, 1, 5), today=TODAY)  # not in that quarter
    with pytest.raises(PermissionDenied):
        services.rotation_override_set(actor=as_actor(chengdu_city), year=2026, quarter=3, region="510100",
                                       reason="x", today=TODAY)
    with pytest.raises(ValidationFailed):
        services.rotation_override_set(actor=as_actor(office), year=2026, quarter=3, region="510100", reason=" ",
                                       today=TODAY)
