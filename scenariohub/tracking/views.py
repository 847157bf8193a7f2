"""Tracking pages: the actor's cooperations, a cooperation's page with its actions, the forms, and the
city's tracking sheet (download, upload, preview, confirm). Views parse input, call a service or
selector, and render or redirect; access is decided by `selectors.cooperation_get_for_actor`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.exchange.writers import XLSX_CONTENT_TYPE
from scenariohub.matching.models import Application
from scenariohub.matching.views._helpers import attachment_response, paginate, query_without_page
from scenariohub.tracking import selectors, services, sheet
from scenariohub.tracking.forms import (
    CompleteForm,
    CooperationForm,
    FollowUpForm,
    ListFilterForm,
    MilestoneEditForm,
    MilestoneForm,
    PilotForm,
    ReportForm,
    ResolveForm,
    SheetUploadForm,
    StartForm,
    TerminateForm,
)
from scenariohub.tracking.models import CooperationAttachment, FollowUp, Milestone, SheetUpload


def _raise_http(exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message)


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        form.add_error(name if name in form.fields else None, list(msgs))
    if not exc.details:
        form.add_error(None, exc.message)


def _cooperation(request, pk: int, *, write: bool = False):
    try:
        return selectors.cooperation_get_for_actor(actor=actor_for_request(request), pk=pk, write=write)
    except DomainError as exc:
        _raise_http(exc)
        raise


def _detail(pk: int):
    return redirect("tracking:cooperation-detail", pk=pk)


def _run_form(request, form, call, *, success: str, to):
    """Call the service with a valid form; 404/403 as answers, a refused state or bad input on the form."""
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except ValidationFailed as exc:
        _form_errors(form, exc)
        return None
    except DomainError as exc:
        _raise_http(exc)
        form.add_error(None, exc.message)
        return None
    messages.success(request, success)
    return to


# ------------------------------------------------------------------------------------------------ list


@login_required
@require_GET
def cooperation_list(request):
    actor = actor_for_request(request)
    form = ListFilterForm(request.GET or None, show_region=actor.role != Role.CITY)
    params = request.GET.copy()
    if form.is_bound and not form.is_valid():
        params = {}
    try:
        filters = selectors.CooperationFilter.from_params(params)
    except ValidationFailed:
        filters = selectors.CooperationFilter()
    page = paginate(request, selectors.cooperation_list_for_actor(actor=actor, filters=filters))
    # HTMX filter changes get the results fragment of the same template.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request,
        "tracking/cooperation_list.html" + ("#results" if partial else ""),
        {
            "page": page,
            "form": form,
            "query": query_without_page(request),
            "is_city": actor.role == Role.CITY,
            "is_office": actor.is_office,
        },
    )


# ---------------------------------------------------------------------------------------------- detail


@login_required
@require_GET
def cooperation_detail(request, pk: int):
    actor = actor_for_request(request)
    try:
        cooperation = selectors.cooperation_detail(actor=actor, pk=pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    today = timezone.localdate()
    owner = selectors.is_owner(actor, cooperation)
    followups = list(cooperation.followups.all())
    return render(
        request,
        "tracking/cooperation_detail.html",
        {
            "cooperation": cooperation,
            "scenario": cooperation.scenario,
            "members": list(cooperation.application.members.all()),
            "milestones": [(m, m.is_overdue(today)) for m in cooperation.milestones.all()],
            "reports": list(cooperation.reports.all()),
            "followups": followups,
            "acceptance": selectors.acceptance_of(cooperation),
            "metrics": selectors.pilot_metrics(cooperation),
            "timeline": selectors.cooperation_timeline(cooperation=cooperation),
            "is_owner": owner,
            "can_follow_up": selectors.may_follow_up(actor, cooperation),
            "can_terminate": actor.is_office
            or (
                selectors.is_city_of(actor, cooperation)
                and cooperation.scenario.owner.type not in (Role.OFFICE, Role.DEPARTMENT)
            ),
            "milestone_form": MilestoneForm(),
            "followup_form": FollowUpForm(),
            "complete_form": CompleteForm(initial={"done_on": today}),
            "start_form": StartForm(initial={"started_on": today}),
        },
    )


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = CooperationAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Attachment not found."))
    _cooperation(request, attachment.cooperation_id)
    return attachment_response(attachment)


# ---------------------------------------------------------------------------------------------- create


@login_required
@require_http_methods(["GET", "POST"])
def cooperation_create(request, application_pk: int):
    """Record the agreement signed with a shortlisted application (the scenario's owner)."""
    actor = actor_for_request(request)
    application = Application.objects.select_related("scenario", "supplier").filter(pk=application_pk).first()
    if application is None:
        raise Http404(_("Application not found."))
    if actor.organisation_id != application.scenario.owner_id:
        from scenariohub.matching.selectors import application_visible_q

        if (
            Application.objects.filter(application_visible_q(actor), pk=application.pk).exists()
            or actor.is_office
        ):
            raise HttpForbidden(_("Only the scenario's owner organisation may record the agreement."))
        raise Http404(_("Application not found."))
    form = CooperationForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "parties": f"{application.scenario.owner.name}、{application.supplier.name}",
            "signed_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        try:
            cooperation = services.cooperation_create(
                actor=actor, application_id=application.pk, data=data, files=form.cleaned_data["attachments"]
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The agreement is recorded; the scenario is now agreed."))
            return _detail(cooperation.pk)
    return render(request, "tracking/cooperation_form.html", {"form": form, "application": application})


# --------------------------------------------------------------------------------------------- actions


@login_required
@require_POST
def cooperation_start(request, pk: int):
    cooperation = _cooperation(request, pk, write=True)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _detail(pk)
    try:
        services.cooperation_start(
            actor=actor_for_request(request),
            cooperation_id=cooperation.pk,
            started_on=form.cleaned_data["started_on"],
        )
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, " ".join([exc.message, *(m for ms in exc.details.values() for m in ms)]))
    else:
        messages.success(request, _("Implementation has started."))
    return _detail(pk)


@login_required
@require_http_methods(["GET", "POST"])
def cooperation_terminate(request, pk: int):
    cooperation = _cooperation(request, pk)
    form = TerminateForm(request.POST or None)
    if request.method == "POST":
        done = _run_form(
            request,
            form,
            lambda d: services.cooperation_terminate(
                actor=actor_for_request(request), cooperation_id=pk, reason=d["reason"]
            ),
            success=_("The cooperation is terminated and the scenario closed."),
            to=_detail(pk),
        )
        if done:
            return done
    return render(request, "tracking/cooperation_terminate.html", {"form": form, "cooperation": cooperation})


@login_required
@require_POST
def milestone_add(request, pk: int):
    _cooperation(request, pk, write=True)
    form = MilestoneForm(request.POST)
    done = _run_form(
        request,
        form,
        lambda d: services.milestone_add(actor=actor_for_request(request), cooperation_id=pk, data=d),
        success=_("Milestone added."),
        to=_detail(pk),
    )
    if done:
        return done
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(pk)


def _milestone(request, pk: int, *, write: bool = True) -> Milestone:
    milestone = Milestone.objects.filter(pk=pk).first()
    if milestone is None:
        raise Http404(_("Milestone not found."))
    _cooperation(request, milestone.cooperation_id, write=write)
    return milestone


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int):
    milestone = _milestone(request, pk)
    form = MilestoneEditForm(
        request.POST or None,
        initial={"title": milestone.title, "planned_on": milestone.planned_on, "status": milestone.status},
    )
    if request.method == "POST":
        done = _run_form(
            request,
            form,
            lambda d: services.milestone_update(actor=actor_for_request(request), milestone_id=pk, data=d),
            success=_("Milestone saved."),
            to=_detail(milestone.cooperation_id),
        )
        if done:
            return done
    return render(request, "tracking/milestone_form.html", {"form": form, "milestone": milestone})


@login_required
@require_POST
def milestone_complete(request, pk: int):
    milestone = _milestone(request, pk)
    form = CompleteForm(request.POST)
    done = _run_form(
        request,
        form,
        lambda d: services.milestone_complete(
            actor=actor_for_request(request), milestone_id=pk, done_on=d["done_on"]
        ),
        success=_("Milestone marked as reached."),
        to=_detail(milestone.cooperation_id),
    )
    if done:
        return done
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(milestone.cooperation_id)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, pk: int):
    cooperation = _cooperation(request, pk, write=True)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"reported_on": timezone.localdate()}
    )
    if request.method == "POST":
        done = _run_form(
            request,
            form,
            lambda d: services.progress_report_create(
                actor=actor_for_request(request),
                cooperation_id=pk,
                data={k: v for k, v in d.items() if k != "attachments"},
                files=d["attachments"],
            ),
            success=_("Progress report saved."),
            to=_detail(pk),
        )
        if done:
            return done
    return render(request, "tracking/report_form.html", {"form": form, "cooperation": cooperation})


@login_required
@require_POST
def followup_create(request, pk: int):
    _cooperation(request, pk)
    form = FollowUpForm(request.POST)
    done = _run_form(
        request,
        form,
        lambda d: services.followup_create(actor=actor_for_request(request), cooperation_id=pk, data=d),
        success=_("Follow-up saved."),
        to=_detail(pk),
    )
    if done:
        return done
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(pk)


@login_required
@require_POST
def followup_resolve(request, pk: int):
    followup = FollowUp.objects.filter(pk=pk).first()
    if followup is None:
        raise Http404(_("Follow-up not found."))
    _cooperation(request, followup.cooperation_id)
    form = ResolveForm(request.POST)
    done = _run_form(
        request,
        form,
        lambda d: services.followup_resolve(
            actor=actor_for_request(request), followup_id=pk, resolution=d["resolution"]
        ),
        success=_("Risk marked as resolved."),
        to=_detail(followup.cooperation_id),
    )
    if done:
        return done
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(followup.cooperation_id)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_accept(request, pk: int):
    cooperation = _cooperation(request, pk, write=True)
    form = PilotForm(request.POST or None, initial={"accepted_on": timezone.localdate()})
    if request.method == "POST":
        done = _run_form(
            request,
            form,
            lambda d: services.pilot_accept(
                actor=actor_for_request(request), cooperation_id=pk, data=form.service_data()
            ),
            success=_("The pilot is accepted; the scenario is now piloted."),
            to=_detail(pk),
        )
        if done:
            return done
    return render(request, "tracking/pilot_form.html", {"form": form, "cooperation": cooperation})


# ----------------------------------------------------------------------------------------------- sheet


def _city(request):
    actor = actor_for_request(request)
    if actor.role != Role.CITY or not actor.region_id:
        raise HttpForbidden(_("The tracking sheet is kept by the city lead departments."))
    return actor


@login_required
@require_GET
def sheet_download(request):
    actor = _city(request)
    data = sheet.sheet_xlsx(actor=actor)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    name = f"tracking-{actor.region_id}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sheet_upload(request):
    actor = _city(request)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = sheet.sheet_upload_create(actor=actor, uploaded=form.cleaned_data["file"])
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("tracking:sheet-preview", pk=upload.pk)
    return render(request, "tracking/sheet_upload.html", {"form": form})


def _upload(request, pk: int) -> SheetUpload:
    actor = _city(request)
    try:
        return sheet.sheet_upload_get_for_actor(actor=actor, pk=pk)
    except DomainError as exc:
        _raise_http(exc)
        raise


@login_required
@require_GET
def sheet_preview(request, pk: int):
    upload = _upload(request, pk)
    return render(
        request,
        "tracking/sheet_preview.html",
        {
            "upload": upload,
            "problems": [sheet.rendered(p) for p in upload.problems],
            "reports": [c for c in upload.changes if c["kind"] == sheet.PROGRESS],
            "milestones": [c for c in upload.changes if c["kind"] == sheet.MILESTONES],
        },
    )


@login_required
@require_POST
def sheet_apply(request, pk: int):
    upload = _upload(request, pk)
    try:
        upload = sheet.sheet_upload_apply(actor=actor_for_request(request), upload_id=upload.pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
        return redirect("tracking:sheet-preview", pk=pk)
    if upload.applied_at:
        messages.success(
            request, _("%(n)d updates from the tracking sheet are saved.") % {"n": len(upload.changes)}
        )
        return redirect(reverse("tracking:cooperation-list"))
    messages.error(request, _("Nothing was saved: a row was refused. Fix it and upload the sheet again."))
    return redirect("tracking:sheet-preview", pk=pk)
