"""API v1 for release events: the public list and detail, the office's writes, supplier registrations,
and the host rotation. Endpoints parse input, find the actor and call selectors and services, which
check access and raise the domain errors that `scenariohub.api` turns into one JSON shape."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.events import selectors, services
from scenariohub.events.models import EventRegistration, ReleaseEvent
from scenariohub.events.schemas import (
    EventAssignIn,
    EventAssignOut,
    EventDetailOut,
    EventHoldOut,
    EventIn,
    EventListOut,
    EventListParams,
    EventOut,
    EventRegistrationOut,
    EventRotationOut,
)

router = Router(tags=["events"])
MAX_DB_ID = 2**63 - 1


def _existing_id(value: int, message: str) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(message)
    return value


def _event_id(value: int) -> int:
    return _existing_id(value, _("Event not found."))


def _with_counts(qs):
    return qs.select_related("host_region").annotate(
        released_count=Count("assignments", filter=Q(assignments__released_at__isnull=False))
    )


def event_out(event: ReleaseEvent) -> dict:
    return {
        "id": event.pk, "channel": event.channel, "channel_label": event.get_channel_display(), "title": event.title,
        "host_region": event.host_region_id,
        "host_region_name": event.host_region.name_zh if event.host_region_id else None,
        "date": event.date, "year": event.date.year, "quarter": event.quarter,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "venue": event.venue, "agenda": event.agenda,
        "livestream_url": event.livestream_url, "capacity": event.capacity, "status": event.status,
        "status_label": event.get_status_display(), "released_count": getattr(event, "released_count", 0),
    }


def registration_out(reg: EventRegistration) -> dict:
    return {
        "id": reg.pk, "event_id": reg.event_id, "status": reg.status, "status_label": reg.get_status_display(),
        "created_at": reg.created_at, "waitlist_position": selectors.event_waitlist_position(registration=reg),
    }


# ---------------------------------------------------------------------------------------------- reads


@router.get(
    "/events",
    response={200: EventListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="event-list",
    operation_id="event_list",
    summary="List release events",
    description=(
        "Planned and held events, newest first (the office also sees cancelled ones; a person who registered "
        "for a cancelled event still sees it). Unknown codes answer 422 `bad_filter`. `{items, count}`."
    ),
)
def event_list(request, params: Query[EventListParams]):
    raw = params.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    if any("\x00" in v for v in raw.values()):
        raise ValidationFailed(_("Some filters are not valid."), code="bad_filter",
                               details={k: [_("Null characters are not allowed.")] for k, v in raw.items() if "\x00" in v})
    year = raw.get("year", "").strip()
    if year and not (year.isascii() and year.isdigit()):
        raise ValidationFailed(_("Some filters are not valid."), code="bad_filter",
                               details={"year": [_("Year must be a four-digit year.")]})
    filters = selectors.EventFilter.from_params(raw, strict=True)
    qs = selectors.event_list_visible(actor=api_actor(request), filters=filters)
    return paginate(qs, params, item=event_out)


@router.get(
    "/events/rotation",
    response={200: EventRotationOut, **error_responses(401, 403)},
    auth=READ_AUTH,
    url_name="event-rotation",
    operation_id="event_rotation",
    summary="Host rotation of the next eight quarters (office)",
    description=(
        "For each quarter from the current one: the host city and where it comes from — a planned or held "
        "conference (`scheduled`), the office's `override` (with its reason), the fairness rule's proposal "
        "(`proposed`), or `none` when every city still due in the round is unavailable."
    ),
)
def event_rotation(request):
    if not api_actor(request).is_office:
        raise PermissionDenied(_("Only the provincial office may see the rotation proposal."))
    rows = selectors.rotation_schedule()
    items = [{
        "year": r.year, "quarter": r.quarter, "region": r.region_id, "region_name": r.region_name, "source": r.source,
        "proposed_region": r.proposed_region_id, "unavailable": r.unavailable,
        "override_reason": r.override.reason if r.override else None, "event_ids": [e.pk for e in r.events],
    } for r in rows]
    return {"items": items, "count": len(items)}


@router.get(
    "/events/{id}",
    response={200: EventDetailOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="event-detail",
    operation_id="event_get",
    summary="One event and the scenarios it released",
)
def event_get(request, id: int):
    event = selectors.event_get_for_actor(actor=api_actor(request), pk=_event_id(id))
    released = [{
        "id": a.scenario_id, "title": a.scenario.title, "owner": a.scenario.owner.name, "region": a.scenario.region_id,
        "sector": a.scenario.sector_id, "field": a.scenario.field_id, "kind": a.scenario.kind,
        "released_at": a.released_at,
    } for a in selectors.event_released_scenarios(event=event)]
    seats = selectors.event_seat_counts(event=event)
    return {**event_out(event), "released_count": len(released), "released": released,
            "seats": {"capacity": seats.capacity, "registered": seats.registered, "waitlisted": seats.waitlisted}}


# ---------------------------------------------------------------------------------------------- writes


@router.post(
    "/events",
    response={201: EventOut, **error_responses(401, 403, 422)},
    auth=WRITE_AUTH,
    url_name="event-create",
    operation_id="event_create",
    summary="Create an event (office)",
    description="A planned event. A provincial conference needs a `host_region`; 422 with details per field.",
)
def event_create(request, payload: EventIn):
    event = services.event_create(actor=api_actor(request), data=payload.model_dump())
    return Status(201, event_out(_with_counts(ReleaseEvent.objects).get(pk=event.pk)))


@router.post(
    "/events/{id}/scenarios",
    response={200: EventAssignOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="event-assign",
    operation_id="event_assign",
    summary="Assign approved scenarios to a planned event (office)",
    description=(
        "Scenarios already on the event are reported in `skipped` (repeating is harmless). 422 when none of "
        "the ids could be assigned (unknown, or not approved); 409 `not_editable` when the event is not planned."
    ),
)
def event_assign(request, id: int, payload: EventAssignIn):
    result = services.event_assign(actor=api_actor(request), event_id=_event_id(id), scenario_ids=payload.scenario_ids)
    return {"added": result.added, "skipped": {str(k): v for k, v in result.skipped.items()}}


@router.post(
    "/events/{id}/hold",
    response={200: EventHoldOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="event-hold",
    operation_id="event_hold",
    summary="Mark an event held and publish its scenarios (office)",
    description=(
        "Publishes every approved scenario assigned to the event, dated at the event's start, in one "
        "transaction. Repeatable: nothing is published twice (`repeated` is true the second time). "
        "Scenarios published elsewhere are `skipped` with a note. 409 before the event's date or if cancelled."
    ),
)
def event_hold(request, id: int):
    result = services.event_hold(actor=api_actor(request), event_id=_event_id(id))
    event = _with_counts(ReleaseEvent.objects).get(pk=result.event.pk)
    return {"event": event_out(event), "released": result.released,
            "skipped": {str(k): v for k, v in result.skipped.items()}, "repeated": result.repeated}


@router.post(
    "/events/{id}/registrations",
    response={201: EventRegistrationOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="event-registration-create",
    operation_id="event_registration_create",
    summary="Register to attend (suppliers)",
    description=(
        "A seat while there is one, else a place on the waiting list (`status` says which). 409 "
        "`already_registered`, or `registration_closed` once the event is held, cancelled or past."
    ),
)
def event_registration_create(request, id: int):
    actor = api_actor(request)
    selectors.event_get_for_actor(actor=actor, pk=_event_id(id))
    return Status(201, registration_out(services.event_registration_create(actor=actor, event_id=id)))


@router.delete(
    "/events/{id}/registrations/{registration_id}",
    response={200: EventRegistrationOut, **error_responses(401, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="event-registration-cancel",
    operation_id="event_registration_cancel",
    summary="Cancel a registration",
    description="The caller's own registration (or any, for the office); a freed seat goes to the first person waiting.",
)
def event_registration_cancel(request, id: int, registration_id: int):
    message = _("Registration not found.")
    _existing_id(registration_id, message)
    if not EventRegistration.objects.filter(pk=registration_id, event_id=_event_id(id)).exists():
        raise NotFound(message)
    return registration_out(services.event_registration_cancel(actor=api_actor(request), registration_id=registration_id))
