"""Writes to events: create and edit, assign scenarios, hold (which publishes them), cancel, registrations,
and the host rotation's availabilities and overrides.

Every write checks access itself, runs in one transaction and writes an audit row. Seats are counted
with the event row locked (`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers),
so two suppliers asking for the last seat at once cannot both get it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.events.models import (
    ACTIVE_REGISTRATION_STATUSES,
    AvailabilityKind,
    Channel,
    EventRegistration,
    EventScenario,
    EventStatus,
    HostAvailability,
    RegistrationStatus,
    ReleaseEvent,
    RotationOverride,
    quarter_of,
)
from scenariohub.events.selectors import current_quarter, rotation_schedule
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario, Status
from scenariohub.scenarios.services import scenario_transition

EVENT_FIELDS = (
    "channel", "title", "host_region", "date", "starts_at", "ends_at", "venue", "agenda", "livestream_url", "capacity",
)
# Once held, an event is history: only what helps people find the record (replay link, agenda) may change.
HELD_EDITABLE_FIELDS = ("title", "venue", "agenda", "livestream_url")
MAX_ASSIGN = 200


def _require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office may manage events."))


def _audit(actor: Actor, action: str, obj: Any, data: dict) -> None:
    audit_record(
        actor=actor.user, organisation=actor.organisation, action=action, obj=obj, data=data,
        ip_address=actor.ip_address,
    )


def _lock_event(event_id) -> ReleaseEvent:
    try:
        event = ReleaseEvent.objects.select_for_update().filter(pk=event_id).first()
    except (ValueError, TypeError, OverflowError):
        event = None
    if event is None:
        raise NotFound(_("Event not found."))
    return event


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _validate_event(event: ReleaseEvent) -> None:
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean(exclude=["created_by", "held_by", "status"])
    except ValidationError as exc:
        errors.update(_errors_of(exc))
    if event.channel == Channel.CONFERENCE and not event.host_region_id and "host_region" not in errors:
        errors.setdefault("host_region", []).append(_("A provincial conference needs a host city."))
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors.setdefault("ends_at", []).append(_("The end time must be after the start time."))
    # full_clean reports the database constraints in its own words too; ours are clearer, keep one of each.
    errors.pop("__all__", None)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)


def _assign_fields(event: ReleaseEvent, data: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    changed = []
    for name in allowed:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) and name not in ("date", "starts_at", "ends_at"):
            value = value.strip()
        attr = "host_region_id" if name == "host_region" else name
        if name == "host_region":
            value = getattr(value, "pk", value) or None
        if getattr(event, attr) != value:
            changed.append(name)
        setattr(event, attr, value)
    return changed


@transaction.atomic
def event_create(*, actor: Actor, data: dict[str, Any]) -> ReleaseEvent:
    _require_office(actor)
    event = ReleaseEvent(created_by=actor.user, status=EventStatus.PLANNED)
    _assign_fields(event, data, EVENT_FIELDS)
    _validate_event(event)
    event.save()
    _audit(actor, "event.create", event, {"title": event.title, "channel": event.channel, "date": str(event.date)})
    return event


@transaction.atomic
def event_update(*, actor: Actor, event_id: int, data: dict[str, Any]) -> ReleaseEvent:
    _require_office(actor)
    event = _lock_event(event_id)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition(_("A cancelled event cannot be changed."), code="not_editable")
    allowed = EVENT_FIELDS if event.status == EventStatus.PLANNED else HELD_EDITABLE_FIELDS
    old_capacity = event.capacity
    changed = _assign_fields(event, data, allowed)
    _validate_event(event)
    if "capacity" in changed and event.capacity is not None:
        registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        if event.capacity < registered:
            raise ValidationFailed(
                _("%(n)d people are already registered: the capacity cannot be lower.") % {"n": registered},
                details={"capacity": [_("Lower than the number of people registered.")]},
            )
    event.save()
    promoted = []
    if "capacity" in changed and (event.capacity is None or (old_capacity or 0) < event.capacity):
        promoted = _promote_from_waitlist(event, timezone.now(), actor)
    _audit(actor, "event.update", event, {"changed": changed, "promoted": promoted})
    return event


# --- Scenarios of an event ----------------------------------------------------------------------------------


@dataclass
class AssignResult:
    added: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def event_assign(*, actor: Actor, event_id: int, scenario_ids: list[int]) -> AssignResult:
    """Put approved scenarios on an event's release list. Scenarios already on it are left alone."""
    _require_office(actor)
    event = _lock_event(event_id)
    if event.status != EventStatus.PLANNED:
        raise InvalidTransition(_("Scenarios can only be assigned to a planned event."), code="not_editable")
    ids = list(dict.fromkeys(int(i) for i in scenario_ids))
    if not ids:
        raise ValidationFailed(_("Choose at least one scenario."), details={"scenario_ids": [_("Choose at least one scenario.")]})
    if len(ids) > MAX_ASSIGN:
        raise ValidationFailed(_("At most %(n)d scenarios at a time.") % {"n": MAX_ASSIGN},
                               details={"scenario_ids": [_("Too many.")]})
    result = AssignResult()
    scenarios = {s.pk: s for s in Scenario.objects.filter(pk__in=ids)}
    present = set(event.assignments.filter(scenario_id__in=ids).values_list("scenario_id", flat=True))
    rows = []
    for sid in ids:
        scenario = scenarios.get(sid)
        if scenario is None:
            result.skipped[sid] = _("Scenario not found.")
        elif sid in present:
            result.skipped[sid] = _("Already assigned to this event.")  # a repeat: not an error
        elif scenario.status != Status.APPROVED:
            result.skipped[sid] = _("Only approved scenarios can be released; this one is %(status)s.") % {
                "status": scenario.get_status_display()}
        else:
            rows.append(EventScenario(event=event, scenario=scenario, assigned_by=actor.user))
            result.added.append(sid)
    EventScenario.objects.bulk_create(rows)
    if result.added:
        _audit(actor, "event.assign", event, {"scenarios": result.added})
    elif len(present) < len(ids):
        # Nothing new and not merely a repeat of an earlier assignment: the request was wrong.
        raise ValidationFailed(
            _("None of the chosen scenarios could be assigned."),
            details={"scenario_ids": [f"{sid}: {msg}" for sid, msg in result.skipped.items()]},
        )
    return result


@transaction.atomic
def event_unassign(*, actor: Actor, event_id: int, scenario_id: int) -> None:
    _require_office(actor)
    event = _lock_event(event_id)
    row = event.assignments.filter(scenario_id=scenario_id).first()
    if row is None:
        raise NotFound(_("This scenario is not assigned to the event."))
    if row.released_at is not None or event.status != EventStatus.PLANNED:
        raise InvalidTransition(_("A scenario released at an event stays on its record."), code="not_editable")
    row.delete()
    _audit(actor, "event.unassign", event, {"scenario": scenario_id})


# --- Holding and cancelling -----------------------------------------------------------------------------------


@dataclass
class HoldResult:
    event: ReleaseEvent
    released: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    repeated: bool = False  # the event had already been marked held


def _skip_note(scenario: Scenario) -> str:
    if scenario.status in PUBLIC_STATUSES and scenario.published_at:
        return _("Already published on %(date)s; not published again.") % {
            "date": date_format(timezone.localtime(scenario.published_at), "Y-m-d")}
    return _("Not published: the scenario is %(status)s.") % {"status": scenario.get_status_display()}


def event_hold(*, actor: Actor, event_id: int, today: dt.date | None = None) -> HoldResult:
    """Mark the event held and publish its assigned scenarios, stamped with the event's start.

    All or nothing for the event (one transaction); safe to repeat: a scenario released once is not
    released again, and a second call only retries what was skipped (e.g. a scenario re-approved since).
    Scenarios no longer approved (published elsewhere, withdrawn …) are skipped with a note.
    """
    _require_office(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        event = _lock_event(event_id)
        if event.status == EventStatus.CANCELLED:
            raise InvalidTransition(_("A cancelled event cannot be held."))
        if event.date > today:
            raise InvalidTransition(_("An event can be marked held on its date or later."), code="not_yet")
        result = HoldResult(event=event, repeated=event.status == EventStatus.HELD)
        moment = event.start_datetime
        pending = list(
            event.assignments.select_related("scenario").filter(released_at__isnull=True).order_by("assigned_at", "id")
        )
        for row in pending:
            note = ""
            if row.scenario.status != Status.APPROVED:
                note = _skip_note(row.scenario)
            else:
                try:
                    scenario_transition(
                        actor=actor, scenario_id=row.scenario_id, target=Status.PUBLISHED, reason=event.title, now=moment
                    )
                except InvalidTransition:
                    # Moved by someone else since we read it; its own savepoint rolled back, the event goes on.
                    note = _skip_note(Scenario.objects.get(pk=row.scenario_id))
            if note:
                result.skipped[row.scenario_id] = note
                EventScenario.objects.filter(pk=row.pk).update(note=note[:300])
            else:
                result.released.append(row.scenario_id)
                EventScenario.objects.filter(pk=row.pk, released_at__isnull=True).update(released_at=moment, note="")
        if not result.repeated:
            touched = ReleaseEvent.objects.filter(pk=event.pk, status=EventStatus.PLANNED).update(
                status=EventStatus.HELD, held_at=timezone.now(), held_by=actor.user
            )
            if touched != 1:
                raise InvalidTransition(_("The event changed while you were acting on it. Reload and try again."))
        _audit(actor, "event.hold", event, {
            "released": result.released, "skipped": {str(k): v for k, v in result.skipped.items()},
            "repeated": result.repeated, "released_at": moment.isoformat(),
        })
        event.refresh_from_db()
        result.event = event
    return result


@transaction.atomic
def event_cancel(*, actor: Actor, event_id: int, reason: str) -> ReleaseEvent:
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("A reason is required."), code="reason_required", details={"reason": [_("A reason is required.")]})
    if len(reason) > 1000:
        raise ValidationFailed(_("The reason is too long (1000 characters at most)."), details={"reason": [_("Too long.")]})
    event = _lock_event(event_id)
    if event.status != EventStatus.PLANNED:
        raise InvalidTransition(_("Only a planned event can be cancelled."))
    ReleaseEvent.objects.filter(pk=event.pk, status=EventStatus.PLANNED).update(
        status=EventStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason
    )
    _audit(actor, "event.cancel", event, {"reason": reason})
    event.refresh_from_db()
    return event


# --- Registrations ------------------------------------------------------------------------------------------


def _seats_taken(event: ReleaseEvent) -> int:
    # Read with the event row locked: the count cannot change until this transaction ends.
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def _promote_from_waitlist(event: ReleaseEvent, now: dt.datetime, actor: Actor) -> list[int]:
    """Fill free seats from the head of the waiting list. Call with the event row locked."""
    waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "id")
    if event.capacity is not None:
        waiting = waiting[: max(event.capacity - _seats_taken(event), 0)]
    promoted = []
    for reg in list(waiting):
        touched = EventRegistration.objects.filter(pk=reg.pk, status=RegistrationStatus.WAITLISTED).update(
            status=RegistrationStatus.REGISTERED, promoted_at=now
        )
        if touched:
            promoted.append(reg.pk)
            _audit(actor, "event.registration_promote", reg, {"event": event.pk, "user": reg.user_id})
    return promoted


def event_registration_create(*, actor: Actor, event_id: int, now: dt.datetime | None = None) -> EventRegistration:
    """Register the acting supplier's person: a seat if one is free, else the end of the waiting list."""
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied(_("Only AI product providers register for events."))
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event_id)
        if event.status != EventStatus.PLANNED:
            raise InvalidTransition(_("Registration is closed for this event."), code="registration_closed")
        if event.date < timezone.localdate(now):
            raise InvalidTransition(_("Registration is closed for this event."), code="registration_closed")
        if event.registrations.filter(user=actor.user, status__in=ACTIVE_REGISTRATION_STATUSES).exists():
            raise Conflict(_("You are already registered for this event."), code="already_registered")
        full = event.capacity is not None and _seats_taken(event) >= event.capacity
        try:
            with transaction.atomic():
                reg = EventRegistration.objects.create(
                    event=event, organisation=actor.organisation, user=actor.user, created_at=now,
                    status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED,
                )
        except IntegrityError:
            raise Conflict(_("You are already registered for this event."), code="already_registered") from None
        _audit(actor, "event.register", reg, {"event": event.pk, "status": reg.status})
    return reg


def event_registration_cancel(*, actor: Actor, registration_id: int, now: dt.datetime | None = None) -> EventRegistration:
    """Give up a seat or a place on the waiting list; a freed seat goes to the first person waiting."""
    now = now or timezone.now()
    row = EventRegistration.objects.filter(pk=registration_id).first() if str(registration_id).isdigit() else None
    if row is None or (row.user_id != getattr(actor.user, "pk", None) and not actor.is_office):
        raise NotFound(_("Registration not found."))
    with transaction.atomic():
        event = _lock_event(row.event_id)
        reg = EventRegistration.objects.select_for_update().get(pk=row.pk)
        if reg.status not in ACTIVE_REGISTRATION_STATUSES:
            raise InvalidTransition(_("This registration is already cancelled."))
        if event.status != EventStatus.PLANNED:
            raise InvalidTransition(_("The event is over; its registrations are kept as they are."))
        previous = reg.status
        EventRegistration.objects.filter(pk=reg.pk, status=previous).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now
        )
        promoted = _promote_from_waitlist(event, now, actor) if previous == RegistrationStatus.REGISTERED else []
        _audit(actor, "event.registration_cancel", reg, {"event": event.pk, "from": previous, "promoted": promoted})
        reg.refresh_from_db()
    return reg


# --- Host rotation ------------------------------------------------------------------------------------------


def _check_quarter(year, quarter) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        year, quarter = 0, 0
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Year must be a four-digit year.")]
    if not 1 <= quarter <= 4:
        errors["quarter"] = [_("A quarter is 1, 2, 3 or 4.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    return year, quarter


def _check_region(region: str) -> str:
    if region not in ref.region_names():
        raise ValidationFailed(_("Unknown city."), details={"region": [_("Unknown code: %(code)s") % {"code": str(region)[:40]}]})
    return region


@transaction.atomic
def host_availability_set(
    *, actor: Actor, region: str, kind: str, year: int | None = None, quarter: int | None = None, note: str = ""
) -> HostAvailability:
    """Record that a city does not wish to host, or cannot in one quarter. A city may say so for itself."""
    region = _check_region(region)
    if not (actor.is_office or (actor.role == Role.CITY and actor.region_id == region)):
        raise PermissionDenied(_("Only the office, or the city itself, may record its availability."))
    if kind == AvailabilityKind.UNWILLING:
        row, created = HostAvailability.objects.get_or_create(
            region_id=region, kind=kind, defaults={"note": note.strip()[:300], "created_by": actor.user}
        )
    elif kind == AvailabilityKind.UNAVAILABLE:
        year, quarter = _check_quarter(year, quarter)
        row, created = HostAvailability.objects.get_or_create(
            region_id=region, kind=kind, year=year, quarter=quarter,
            defaults={"note": note.strip()[:300], "created_by": actor.user},
        )
    else:
        raise ValidationFailed(_("Unknown kind."), details={"kind": [_("Unknown code: %(code)s") % {"code": str(kind)[:40]}]})
    if created:
        _audit(actor, "event.host_availability_set", row,
               {"region": region, "kind": kind, "year": row.year, "quarter": row.quarter, "note": row.note})
    return row


@transaction.atomic
def host_availability_clear(*, actor: Actor, availability_id: int) -> None:
    row = HostAvailability.objects.filter(pk=availability_id).first() if str(availability_id).isdigit() else None
    if row is None:
        raise NotFound(_("Not found."))
    if not (actor.is_office or (actor.role == Role.CITY and actor.region_id == row.region_id)):
        raise PermissionDenied(_("Only the office, or the city itself, may record its availability."))
    _audit(actor, "event.host_availability_clear", row,
           {"region": row.region_id, "kind": row.kind, "year": row.year, "quarter": row.quarter})
    row.delete()


def _schedule_row(year: int, quarter: int, today: dt.date | None):
    start = current_quarter(today)
    distance = (year * 4 + quarter) - (start[0] * 4 + start[1])
    if distance < 0:
        raise ValidationFailed(_("This quarter is over."), details={"quarter": [_("This quarter is over.")]})
    return rotation_schedule(start=start, count=distance + 1)[-1]


@transaction.atomic
def rotation_override_set(
    *, actor: Actor, year: int, quarter: int, region: str, reason: str, today: dt.date | None = None
) -> RotationOverride:
    """The office chooses the host of a quarter instead of the proposal; the reason is kept and audited."""
    _require_office(actor)
    year, quarter = _check_quarter(year, quarter)
    region = _check_region(region)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("A reason is required."), code="reason_required", details={"reason": [_("A reason is required.")]})
    row = _schedule_row(year, quarter, today)
    previous = RotationOverride.objects.select_for_update().filter(year=year, quarter=quarter).first()
    override, _created = RotationOverride.objects.update_or_create(
        year=year, quarter=quarter,
        defaults={"region_id": region, "proposed_region_id": row.proposed_region_id, "reason": reason[:1000],
                  "created_by": actor.user},
    )
    _audit(actor, "event.rotation_override", override, {
        "year": year, "quarter": quarter, "region": region, "proposed": row.proposed_region_id,
        "previous": previous.region_id if previous else None, "reason": reason,
    })
    return override


@transaction.atomic
def rotation_override_clear(*, actor: Actor, year: int, quarter: int) -> None:
    _require_office(actor)
    year, quarter = _check_quarter(year, quarter)
    row = RotationOverride.objects.select_for_update().filter(year=year, quarter=quarter).first()
    if row is None:
        raise NotFound(_("Not found."))
    _audit(actor, "event.rotation_override_clear", row, {"year": year, "quarter": quarter, "region": row.region_id})
    row.delete()


@transaction.atomic
def rotation_conference_schedule(
    *, actor: Actor, year: int, quarter: int, date: dt.date, title: str = "", today: dt.date | None = None
) -> ReleaseEvent:
    """Apply the rotation: create the quarter's planned conference with the host it names."""
    _require_office(actor)
    year, quarter = _check_quarter(year, quarter)
    if not isinstance(date, dt.date) or (date.year, quarter_of(date)) != (year, quarter):
        raise ValidationFailed(_("The date must fall in that quarter."), details={"date": [_("The date must fall in that quarter.")]})
    row = _schedule_row(year, quarter, today)
    if row.events:
        raise Conflict(_("This quarter already has a conference."), code="already_scheduled")
    if row.region_id is None:
        raise ValidationFailed(
            _("No city can be proposed for this quarter: choose one with an override first."),
            details={"region": [_("No city can be proposed for this quarter.")]},
        )
    title = (title or "").strip() or _("%(year)s Q%(quarter)s Sichuan AI application scenario release conference") % {
        "year": year, "quarter": quarter}
    return event_create(actor=actor, data={
        "channel": Channel.CONFERENCE, "title": title, "host_region": row.region_id, "date": date,
    })

