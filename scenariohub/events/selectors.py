"""Reads of events: what each actor may see, the shared list filters, and the host rotation schedule."""

import datetime as dt
from dataclasses import dataclass, field, fields

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.events.models import (
    ACTIVE_REGISTRATION_STATUSES,
    PUBLIC_EVENT_STATUSES,
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
from scenariohub.events.rotation import Quarter, propose_hosts, quarters_from
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.selectors import ScenarioFilter

ROTATION_WINDOW = 8  # quarters shown and proposed ahead


@dataclass
class EventFilter:
    """Filters shared by the event list page and the API."""

    channel: str = ""
    region: str = ""
    year: int | None = None
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params, *, strict: bool) -> "EventFilter":
        """Parse query parameters; `strict` (the API) rejects unknown codes, the pages drop them."""
        errors: dict[str, list[str]] = {}
        values: dict = {}
        known = {"channel": dict(Channel.choices), "region": ref.region_names(), "status": dict(EventStatus.choices)}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw in (None, ""):
                continue
            raw = str(raw).strip()
            if f.name == "year":
                if raw.isdigit() and 2000 <= int(raw) <= 2100:
                    values["year"] = int(raw)
                else:
                    errors["year"] = [_("Year must be a four-digit year.")]
            elif f.name == "q":
                values["q"] = raw[:100]
            elif raw in known[f.name]:
                values[f.name] = raw
            else:
                errors[f.name] = [_("Unknown code: %(code)s") % {"code": raw[:40]}]
        if errors and strict:
            raise ValidationFailed(_("Some filters are not valid."), code="bad_filter", details=errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.region:
            qs = qs.filter(host_region_id=self.region)
        if self.year:
            qs = qs.filter(date__year=self.year)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.q:
            for term in self.q.split()[:8]:
                qs = qs.filter(Q(title__icontains=term) | Q(venue__icontains=term) | Q(agenda__icontains=term))
        return qs


def visible_q(actor: Actor) -> Q:
    """Planned and held events are public. Cancelled ones: the office, and the people who had registered."""
    if actor.is_office:
        return Q()
    cond = Q(status__in=PUBLIC_EVENT_STATUSES)
    if actor.user is not None and not actor.is_anonymous:
        cond |= Q(Exists(EventRegistration.objects.filter(event=OuterRef("pk"), user=actor.user)))
    return cond


def event_list_visible(*, actor: Actor, filters: EventFilter) -> QuerySet:
    qs = ReleaseEvent.objects.filter(visible_q(actor)).select_related("host_region")
    qs = qs.annotate(released_count=Count("assignments", filter=Q(assignments__released_at__isnull=False)))
    return filters.apply(qs).order_by("-date", "-id")


def event_get_for_actor(*, actor: Actor, pk, write: bool = False) -> ReleaseEvent:
    """404 for what the actor may not see; 403 for what they may see but not change (only the office may)."""
    try:
        event = ReleaseEvent.objects.filter(visible_q(actor)).select_related("host_region").get(pk=pk)
    except (ReleaseEvent.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("Event not found.")) from None
    if write and not actor.is_office:
        raise PermissionDenied(_("Only the provincial office may manage events."))
    return event


def _assignment_qs() -> QuerySet:
    return EventScenario.objects.select_related(
        "scenario", "scenario__owner", "scenario__region", "scenario__sector", "scenario__field"
    )


def event_released_scenarios(*, event: ReleaseEvent) -> list[EventScenario]:
    """What the event published: public, shown on the event's page."""
    return list(_assignment_qs().filter(event=event, released_at__isnull=False).order_by("released_at", "id"))


def event_assignments(*, actor: Actor, event: ReleaseEvent) -> list[EventScenario]:
    """Every scenario assigned to the event, released or not: the office's working list."""
    if not actor.is_office:
        return []
    return list(_assignment_qs().filter(event=event).order_by("assigned_at", "id"))


def event_assignable_scenarios(*, actor: Actor, event: ReleaseEvent, filters: ScenarioFilter) -> QuerySet:
    """Approved scenarios not yet assigned to this event, filtered like the catalogue (region, sector …)."""
    if not actor.is_office:
        return Scenario.objects.none()
    qs = Scenario.objects.filter(status=Status.APPROVED).exclude(event_assignments__event=event)
    qs = qs.select_related("owner", "region", "sector", "field")
    filters = ScenarioFilter(region=filters.region, sector=filters.sector, field=filters.field, kind=filters.kind,
                             q=filters.q, sort="title")
    return filters.apply(qs)


@dataclass
class SeatCounts:
    registered: int
    waitlisted: int
    capacity: int | None

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)


def event_seat_counts(*, event: ReleaseEvent) -> SeatCounts:
    rows = dict(
        EventRegistration.objects.filter(event=event, status__in=ACTIVE_REGISTRATION_STATUSES)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return SeatCounts(
        registered=rows.get(RegistrationStatus.REGISTERED, 0),
        waitlisted=rows.get(RegistrationStatus.WAITLISTED, 0),
        capacity=event.capacity,
    )


def event_registration_for_actor(*, actor: Actor, event: ReleaseEvent) -> EventRegistration | None:
    if actor.user is None or actor.is_anonymous:
        return None
    return (
        EventRegistration.objects.filter(event=event, user=actor.user, status__in=ACTIVE_REGISTRATION_STATUSES)
        .order_by("-created_at")
        .first()
    )


def event_waitlist_position(*, registration: EventRegistration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = EventRegistration.objects.filter(event_id=registration.event_id, status=RegistrationStatus.WAITLISTED).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def event_registrations(*, actor: Actor, event: ReleaseEvent) -> list[EventRegistration]:
    """Who registered: for the office only (the list names people)."""
    if not actor.is_office:
        return []
    return list(event.registrations.select_related("organisation", "user").order_by("created_at", "id"))


# --- Host rotation -----------------------------------------------------------------------------------------


def current_quarter(today: dt.date | None = None) -> Quarter:
    today = today or timezone.localdate()
    return (today.year, quarter_of(today))


@dataclass
class RotationRow:
    year: int
    quarter: int
    region_id: str | None  # the host: scheduled, overridden or proposed
    source: str  # "scheduled" | "override" | "proposed" | "none"
    proposed_region_id: str | None  # what the rule proposes for this quarter
    events: list[ReleaseEvent] = field(default_factory=list)
    override: RotationOverride | None = None
    unavailable: list[str] = field(default_factory=list)

    @property
    def region_name(self) -> str:
        return ref.region_names().get(self.region_id or "", "")

    @property
    def proposed_region_name(self) -> str:
        return ref.region_names().get(self.proposed_region_id or "", "")

    @property
    def unavailable_names(self) -> list[str]:
        names = ref.region_names()
        return [names.get(code, code) for code in self.unavailable]

    @property
    def label(self) -> str:
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}


def host_willing_regions() -> set[str]:
    unwilling = set(
        HostAvailability.objects.filter(kind=AvailabilityKind.UNWILLING).values_list("region_id", flat=True)
    )
    return set(ref.region_names()) - unwilling


def host_unavailability() -> dict[Quarter, set[str]]:
    out: dict[Quarter, set[str]] = {}
    rows = HostAvailability.objects.filter(kind=AvailabilityKind.UNAVAILABLE).values_list("year", "quarter", "region_id")
    for year, quarter, region in rows:
        out.setdefault((year, quarter), set()).add(region)
    return out


def rotation_schedule(*, start: Quarter | None = None, count: int = ROTATION_WINDOW) -> list[RotationRow]:
    """Who hosts each of `count` quarters from `start` (default: this quarter).

    Quarters that already have a planned or held conference show its host; else the office's override;
    else the proposal of `rotation.propose_hosts`, given every conference before it (held and planned,
    in date order) and the hosts chosen for the earlier quarters of the window.
    """
    start = start or current_quarter()
    quarters = quarters_from(start, count)
    willing = host_willing_regions()
    unavailable = host_unavailability()
    conferences = list(
        ReleaseEvent.objects.filter(
            channel=Channel.CONFERENCE, status__in=PUBLIC_EVENT_STATUSES, host_region__isnull=False
        ).order_by("date", "id")
    )
    history = [c.host_region_id for c in conferences if (c.date.year, c.quarter) < start]
    scheduled: dict[Quarter, list[ReleaseEvent]] = {}
    for c in conferences:
        scheduled.setdefault((c.date.year, c.quarter), []).append(c)
    overrides = {
        (o.year, o.quarter): o
        for o in RotationOverride.objects.filter(
            Q(year__gt=start[0]) | Q(year=start[0], quarter__gte=start[1])
        ).select_related("created_by")
    }
    rows = []
    for quarter in quarters:
        proposed = propose_hosts(history, willing, unavailable, [quarter])[0]
        row = RotationRow(
            year=quarter[0], quarter=quarter[1], region_id=None, source="none", proposed_region_id=proposed,
            events=scheduled.get(quarter, []), override=overrides.get(quarter),
            unavailable=sorted(unavailable.get(quarter, set())),
        )
        if row.events:
            hosts = [e.host_region_id for e in row.events]
            row.region_id, row.source = hosts[0], "scheduled"
            history.extend(hosts)
        elif row.override is not None:
            row.region_id, row.source = row.override.region_id, "override"
            history.append(row.override.region_id)
        elif proposed is not None:
            row.region_id, row.source = proposed, "proposed"
            history.append(proposed)
        rows.append(row)
    return rows


def host_availability_list() -> list[HostAvailability]:
    return list(HostAvailability.objects.select_related("region").order_by("kind", "region__position", "year", "quarter"))


def rotation_history(*, limit: int = 40) -> list[ReleaseEvent]:
    """Past and planned conferences with their hosts, most recent first."""
    return list(
        ReleaseEvent.objects.filter(channel=Channel.CONFERENCE, status__in=PUBLIC_EVENT_STATUSES)
        .select_related("host_region")
        .order_by("-date", "-id")[:limit]
    )
