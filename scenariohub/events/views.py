"""Event pages: the public list and detail, the office's management pages, registrations, the calendar
file and the host rotation. Views parse input, call a service or selector, and render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.events import selectors, services
from scenariohub.events.forms import (
    AssignFilterForm,
    AvailabilityForm,
    EventForm,
    OverrideForm,
    QuarterForm,
    ReasonForm,
    ScheduleForm,
)
from scenariohub.events.ics import calendar_for_event
from scenariohub.events.models import EventStatus, RegistrationStatus
from scenariohub.scenarios.selectors import ScenarioFilter


def _raise_http(exc: DomainError) -> None:
    """404 and 403 are answers of their own; other domain errors become a message on the page."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message)


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        form.add_error(name if name in form.fields else None, list(msgs))
    if not exc.details:
        form.add_error(None, exc.message)


def _get_event(request, pk, *, write=False):
    try:
        return selectors.event_get_for_actor(actor=actor_for_request(request), pk=pk, write=write)
    except DomainError as exc:
        _raise_http(exc)
        raise


def _event_data(form: EventForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in form.fields if not form.fields[name].disabled}


@require_GET
def event_list(request):
    actor = actor_for_request(request)
    filters = selectors.EventFilter.from_params(request.GET, strict=False)
    page = Paginator(selectors.event_list_visible(actor=actor, filters=filters), 20).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {
        "page": page, "filters": filters, "filter_query": filters.as_params(),
        "channels": selectors.Channel.choices, "statuses": EventStatus.choices,
        "regions": selectors.ref.region_list(), "can_manage": actor.is_office,
    })


@require_GET
def event_detail(request, pk):
    actor = actor_for_request(request)
    event = _get_event(request, pk)
    registration = selectors.event_registration_for_actor(actor=actor, event=event)
    return render(request, "events/event_detail.html", {
        "event": event,
        "released": selectors.event_released_scenarios(event=event),
        "assignments": selectors.event_assignments(actor=actor, event=event),
        "registrations": selectors.event_registrations(actor=actor, event=event),
        "seats": selectors.event_seat_counts(event=event),
        "registration": registration,
        "waitlist_position": selectors.event_waitlist_position(registration=registration) if registration else None,
        "can_manage": actor.is_office,
        "can_register": actor.role == Role.SUPPLIER and event.status == EventStatus.PLANNED
        and event.date >= timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office may manage events."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=actor, data=_event_data(form))
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The event has been created."))
            return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    actor = actor_for_request(request)
    event = _get_event(request, pk, write=True)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("events:event-detail", pk=event.pk)
    editable = services.EVENT_FIELDS if event.status == EventStatus.PLANNED else services.HELD_EDITABLE_FIELDS
    initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    form = EventForm(request.POST or None, initial=initial, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=actor, event_id=event.pk, data=_event_data(form))
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return redirect("events:event-detail", pk=event.pk)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_assign(request, pk):
    actor = actor_for_request(request)
    event = _get_event(request, pk, write=True)
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("scenario") if i.isdigit()]
        try:
            result = services.event_assign(actor=actor, event_id=event.pk, scenario_ids=ids)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return redirect(request.get_full_path())
        messages.success(request, _("%(n)d scenarios assigned to the event.") % {"n": len(result.added)})
        for sid, why in result.skipped.items():
            messages.warning(request, f"#{sid}: {why}")
        return redirect("events:event-detail", pk=event.pk)
    filter_form = AssignFilterForm(request.GET or None)
    filters = ScenarioFilter.from_params(request.GET, strict=False)
    candidates = selectors.event_assignable_scenarios(actor=actor, event=event, filters=filters)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(request, "events/event_assign.html", {
        "event": event, "filter_form": filter_form, "page": page, "filter_query": filters.as_params(),
        "assignments": selectors.event_assignments(actor=actor, event=event),
    })


@login_required
@require_POST
def event_unassign(request, pk, scenario_pk):
    actor = actor_for_request(request)
    try:
        services.event_unassign(actor=actor, event_id=pk, scenario_id=scenario_pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The scenario has been removed from the event."))
    return redirect("events:event-assign", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_hold(request, pk):
    """GET: what holding the event will publish, and a confirmation button. POST: hold it."""
    actor = actor_for_request(request)
    event = _get_event(request, pk, write=True)
    if request.method == "POST":
        try:
            result = services.event_hold(actor=actor, event_id=event.pk)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return redirect("events:event-detail", pk=event.pk)
        messages.success(request, _("The event is marked held; %(n)d scenarios were published.") % {
            "n": len(result.released)})
        for sid, why in result.skipped.items():
            messages.warning(request, f"#{sid}: {why}")
        return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_hold.html", {
        "event": event, "assignments": selectors.event_assignments(actor=actor, event=event),
        "too_early": event.date > timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, pk):
    actor = actor_for_request(request)
    event = _get_event(request, pk, write=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(actor=actor, event_id=event.pk, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return redirect("events:event-detail", pk=event.pk)
        else:
            messages.success(request, _("The event has been cancelled."))
            return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_cancel.html", {"event": event, "form": form})


@login_required
@require_POST
def event_register(request, pk):
    actor = actor_for_request(request)
    event = _get_event(request, pk)
    try:
        reg = services.event_registration_create(actor=actor, event_id=event.pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
    else:
        if reg.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You are registered for this event."))
        else:
            messages.warning(request, _("The event is full: you are on the waiting list."))
    return redirect("events:event-detail", pk=event.pk)


@login_required
@require_POST
def registration_cancel(request, pk):
    actor = actor_for_request(request)
    try:
        reg = services.event_registration_cancel(actor=actor, registration_id=pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
        return redirect("events:event-list")
    messages.success(request, _("Your registration has been cancelled."))
    return redirect("events:event-detail", pk=reg.event_id)


@require_GET
def event_ics(request, pk):
    event = _get_event(request, pk)
    description = "\n\n".join(p for p in (event.agenda, event.livestream_url) if p)
    body = calendar_for_event(
        uid=f"release-event-{event.pk}@scenariohub",
        stamp=timezone.now(),
        title=event.title,
        start=event.start_datetime if event.starts_at else None,
        end=event.end_datetime if event.starts_at else None,
        day=event.date,
        location=" ".join(p for p in (event.host_region.name_zh if event.host_region else "", event.venue) if p),
        description=description,
        url=request.build_absolute_uri(reverse("events:event-detail", args=[event.pk])),
        cancelled=event.status == EventStatus.CANCELLED,
        sequence=1 if event.status == EventStatus.CANCELLED else 0,
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# --- Host rotation ------------------------------------------------------------------------------------------


def _require_office(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office may manage events."))
    return actor


@login_required
@require_GET
def rotation(request):
    actor = actor_for_request(request)
    if not (actor.is_office or actor.role == Role.CITY):
        raise HttpForbidden(_("Only the provincial office may manage events."))
    rows = selectors.rotation_schedule()
    return render(request, "events/rotation_plan.html", {
        "rows": rows,
        "regions_all": selectors.ref.region_list(),
        "availability_form": AvailabilityForm(initial={"region": actor.region_id} if actor.role == Role.CITY else None),
        "availabilities": selectors.host_availability_list(),
        "history": selectors.rotation_history(),
        "willing_count": len(selectors.host_willing_regions()),
        "is_office": actor.is_office,
        "today": timezone.localdate(),
    })


def _rotation_post(request, call, success: str):
    try:
        call()
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message + "".join(f" {m}" for msgs in exc.details.values() for m in msgs))
    else:
        messages.success(request, success)
    return redirect("events:rotation")


@login_required
@require_POST
def rotation_override(request):
    actor = _require_office(request)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a city and give a reason."))
        return redirect("events:rotation")
    d = form.cleaned_data
    return _rotation_post(request, lambda: services.rotation_override_set(
        actor=actor, year=d["year"], quarter=d["quarter"], region=d["region"].pk, reason=d["reason"]),
        _("The host has been chosen; the reason is recorded."))


@login_required
@require_POST
def rotation_override_clear(request):
    actor = _require_office(request)
    form = QuarterForm(request.POST)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    return _rotation_post(request, lambda: services.rotation_override_clear(actor=actor, year=d["year"], quarter=d["quarter"]),
                          _("The override has been removed; the proposal applies again."))


@login_required
@require_POST
def rotation_schedule(request):
    actor = _require_office(request)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date in that quarter."))
        return redirect("events:rotation")
    d = form.cleaned_data
    result = {}

    def call():
        result["event"] = services.rotation_conference_schedule(
            actor=actor, year=d["year"], quarter=d["quarter"], date=d["date"], title=d["title"])

    response = _rotation_post(request, call, _("The conference has been planned."))
    if "event" in result:
        return redirect("events:event-detail", pk=result["event"].pk)
    return response


@login_required
@require_POST
def rotation_availability(request):
    actor = actor_for_request(request)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below.") + " " + " ".join(
            str(m) for msgs in form.errors.values() for m in msgs))
        return redirect("events:rotation")
    d = form.cleaned_data
    return _rotation_post(request, lambda: services.host_availability_set(
        actor=actor, region=d["region"].pk, kind=d["kind"], year=d["year"], quarter=d["quarter"], note=d["note"]),
        _("Availability recorded."))


@login_required
@require_POST
def rotation_availability_clear(request, pk):
    actor = actor_for_request(request)
    return _rotation_post(request, lambda: services.host_availability_clear(actor=actor, availability_id=pk),
                          _("Availability removed."))
