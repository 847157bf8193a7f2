"""Holding an event publishes its scenarios exactly once, dated at the event's start; repeating is harmless."""

import datetime as dt

import pytest
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.events import services
from scenariohub.events.models import EventScenario, EventStatus, ReleaseEvent
from scenariohub.events.tests.factories import ReleaseEventFactory
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status
from scenariohub.scenarios.services import scenario_transition
from scenariohub.scenarios.tests.factories import ScenarioFactory

EVENT_DAY = dt.date(2026, 3, 18)
AFTER = dt.date(2026, 3, 20)


@pytest.fixture
def event(db):
    return ReleaseEventFactory(date=EVENT_DAY, starts_at=dt.time(9, 30))


@pytest.fixture
def approved(provider):
    return [ScenarioFactory(owner=provider.organisation, status=Status.APPROVED) for _ in range(3)]


def test_holding_publishes_each_scenario_once_and_is_idempotent(office, event, approved):
    actor = as_actor(office)
    services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[s.pk for s in approved])
    result = services.event_hold(actor=actor, event_id=event.pk, today=AFTER)
    assert sorted(result.released) == sorted(s.pk for s in approved) and not result.repeated

    moment = timezone.make_aware(dt.datetime(2026, 3, 18, 9, 30))
    for s in Scenario.objects.filter(pk__in=[s.pk for s in approved]):
        assert (s.status, s.published_at, s.published_year) == (Status.PUBLISHED, moment, 2026)
    transitions = ScenarioTransition.objects.filter(scenario__in=approved, to_status=Status.PUBLISHED)
    assert transitions.count() == 3
    assert {t.reason for t in transitions} == {event.title}
    assert set(EventScenario.objects.filter(event=event).values_list("released_at", flat=True)) == {moment}
    event.refresh_from_db()
    assert event.status == EventStatus.HELD and event.held_at is not None

    again = services.event_hold(actor=actor, event_id=event.pk, today=AFTER)
    assert again.repeated and again.released == [] and again.skipped == {}
    assert ScenarioTransition.objects.filter(scenario__in=approved, to_status=Status.PUBLISHED).count() == 3
    assert AuditLog.objects.filter(action="event.hold", object_id=str(event.pk)).count() == 2
    # The dashboard counts held conferences by this filter.
    assert ReleaseEvent.objects.filter(channel="conference", status="held", date__year=2026).count() == 1


def test_scenarios_published_elsewhere_are_skipped_with_a_note(office, event, approved):
    actor = as_actor(office)
    services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[s.pk for s in approved])
    earlier = timezone.make_aware(dt.datetime(2026, 2, 1, 10, 0))
    scenario_transition(actor=actor, scenario_id=approved[0].pk, target=Status.PUBLISHED, reason="线上发布", now=earlier)
    result = services.event_hold(actor=actor, event_id=event.pk, today=AFTER)
    assert approved[0].pk in result.skipped and "2026-02-01" in result.skipped[approved[0].pk]
    assert sorted(result.released) == sorted(s.pk for s in approved[1:])
    row = EventScenario.objects.get(event=event, scenario=approved[0])
    assert row.released_at is None and row.note
    assert Scenario.objects.get(pk=approved[0].pk).published_at == earlier  # untouched


def test_a_failure_rolls_back_the_whole_event(office, event, approved, monkeypatch):
    actor = as_actor(office)
    services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[s.pk for s in approved])
    real = services.scenario_transition
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["scenario_id"])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "scenario_transition", flaky)
    with pytest.raises(RuntimeError):
        services.event_hold(actor=actor, event_id=event.pk, today=AFTER)
    assert not Scenario.objects.filter(pk__in=[s.pk for s in approved], status=Status.PUBLISHED).exists()
    assert ReleaseEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED
    assert not EventScenario.objects.filter(event=event, released_at__isnull=False).exists()


def test_who_may_hold_and_when(office, chengdu_city, supplier, event, approved):
    with pytest.raises(PermissionDenied):
        services.event_hold(actor=as_actor(chengdu_city), event_id=event.pk, today=AFTER)
    with pytest.raises(PermissionDenied):
        services.event_assign(actor=as_actor(supplier), event_id=event.pk, scenario_ids=[approved[0].pk])
    with pytest.raises(InvalidTransition):
        services.event_hold(actor=as_actor(office), event_id=event.pk, today=EVENT_DAY - dt.timedelta(days=1))
    services.event_cancel(actor=as_actor(office), event_id=event.pk, reason="天气原因")
    with pytest.raises(InvalidTransition):
        services.event_hold(actor=as_actor(office), event_id=event.pk, today=AFTER)


def test_only_approved_scenarios_can_be_assigned(office, event, provider):
    draft = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)
    ok = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    actor = as_actor(office)
    with pytest.raises(ValidationFailed):
        services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[draft.pk])
    result = services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[draft.pk, ok.pk])
    assert result.added == [ok.pk] and draft.pk in result.skipped
    repeat = services.event_assign(actor=actor, event_id=event.pk, scenario_ids=[ok.pk])  # harmless
    assert repeat.added == [] and ok.pk in repeat.skipped
    assert EventScenario.objects.filter(event=event).count() == 1


def test_conference_needs_a_host(office):
    with pytest.raises(ValidationFailed) as exc:
        services.event_create(actor=as_actor(office), data={"channel": "conference", "title": "发布会",
                                                            "date": EVENT_DAY})
    assert "host_region" in exc.value.details
    online = services.event_create(actor=as_actor(office), data={"channel": "online", "title": "线上发布",
                                                                 "date": EVENT_DAY})
    assert online.host_region_id is None and online.quarter == 1
