"""Registrations: capacity, the waiting list and its promotion, and two people racing for the last seat."""

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.conftest import as_actor
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from scenariohub.events import services
from scenariohub.events.models import EventRegistration, EventStatus, RegistrationStatus
from scenariohub.events.tests.factories import ReleaseEventFactory

REG, WAIT, CANCELLED = RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


def suppliers(n):
    return [member(org_type=Role.SUPPLIER, name=f"供应商{i}号科技有限公司") for i in range(n)]


def register(m, event, minutes=0):
    now = timezone.now() + dt.timedelta(minutes=minutes)  # distinct times keep the waiting list's order explicit
    return services.event_registration_create(actor=as_actor(m), event_id=event.pk, now=now)


@pytest.mark.django_db
def test_capacity_waiting_list_and_promotion():
    event = ReleaseEventFactory(capacity=2)
    a, b, c, d = suppliers(4)
    assert [register(m, event, i).status for i, m in enumerate((a, b, c, d))] == [REG, REG, WAIT, WAIT]

    reg_a = EventRegistration.objects.get(event=event, user=a.user)
    services.event_registration_cancel(actor=as_actor(a), registration_id=reg_a.pk)
    status = dict(EventRegistration.objects.filter(event=event).values_list("user_id", "status"))
    assert status == {a.user_id: CANCELLED, b.user_id: REG, c.user_id: REG, d.user_id: WAIT}  # c was first waiting
    assert EventRegistration.objects.get(event=event, user=c.user).promoted_at is not None

    # Leaving the waiting list frees no seat: nobody is promoted.
    reg_d = EventRegistration.objects.get(event=event, user=d.user)
    services.event_registration_cancel(actor=as_actor(d), registration_id=reg_d.pk)
    assert EventRegistration.objects.filter(event=event, status=REG).count() == 2

    # After cancelling, one may register again (at the end of the queue).
    assert register(a, event, 10).status == WAIT


@pytest.mark.django_db
def test_raising_the_capacity_promotes_the_waiting(office):
    event = ReleaseEventFactory(capacity=1)
    a, b, c = suppliers(3)
    for i, m in enumerate((a, b, c)):
        register(m, event, i)
    services.event_update(actor=as_actor(office), event_id=event.pk, data={"capacity": 2})
    assert EventRegistration.objects.get(event=event, user=b.user).status == REG
    assert EventRegistration.objects.get(event=event, user=c.user).status == WAIT


@pytest.mark.django_db
def test_rules_of_registration(supplier, chengdu_city, office):
    event = ReleaseEventFactory(capacity=5)
    with pytest.raises(PermissionDenied):
        services.event_registration_create(actor=as_actor(chengdu_city), event_id=event.pk)
    register(supplier, event)
    with pytest.raises(Conflict):
        register(supplier, event)
    other = suppliers(1)[0]
    reg = EventRegistration.objects.get(user=supplier.user)
    with pytest.raises(NotFound):  # someone else's registration is not theirs to see
        services.event_registration_cancel(actor=as_actor(other), registration_id=reg.pk)
    past = ReleaseEventFactory(date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(InvalidTransition):
        register(supplier, past)
    held = ReleaseEventFactory(status=EventStatus.HELD)
    with pytest.raises(InvalidTransition):
        register(supplier, held)


@pytest.mark.django_db(transaction=True)
def test_two_suppliers_racing_for_the_last_seat_cannot_both_get_it(monkeypatch):
    """Both requests read the seat count before either writes; the lock on the event row must serialise them.

    The count is slowed down so that, without the lock, both would see one free seat and both take it.
    """
    event = ReleaseEventFactory(capacity=2)
    first, *racers = suppliers(5)
    register(first, event)
    real_count = services._seats_taken

    def slow_count(ev):
        n = real_count(ev)
        time.sleep(0.2)
        return n

    monkeypatch.setattr(services, "_seats_taken", slow_count)
    barrier = threading.Barrier(len(racers))
    errors: list[BaseException] = []

    def attempt(m):
        try:
            barrier.wait()
            for _try in range(100):
                try:
                    services.event_registration_create(actor=as_actor(m), event_id=event.pk)
                    return
                except OperationalError as exc:
                    # The in-memory SQLite test database (shared cache) answers "locked" at once where the file
                    # database of production waits (busy_timeout): wait and retry, as production would.
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
            raise AssertionError("never got the lock")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    statuses = sorted(EventRegistration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(REG) == 2, f"over-booked on {connection.vendor}: {statuses}"
    assert statuses.count(WAIT) == len(racers) - 1
