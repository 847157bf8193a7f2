"""Benchmark case pages: the public showcase and case page (print stylesheet, PDF), the city's nomination
and write-up, the office's review and quotas. Views parse, call services and selectors, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.cases import selectors, services
from scenariohub.cases.forms import (
    CaseWriteupForm,
    DecisionForm,
    PhotoForm,
    ShowcaseFilterForm,
    figures_to_text,
)
from scenariohub.cases.models import CaseStatus
from scenariohub.cases.pdf import case_pdf
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.publicity.images import image_response
from scenariohub.publicity.views import http_error

PAGE_SIZE = 12


def _get(actor, pk: int, *, write: bool = False):
    try:
        return selectors.case_get_for_actor(actor=actor, pk=pk, write=write)
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)
    if not exc.details:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------------------------------------- public


@require_GET
def showcase(request):
    filters = selectors.CaseFilter.from_params(request.GET, strict=False)
    page = Paginator(selectors.case_list_public(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    form = ShowcaseFilterForm(initial=filters.as_params())
    context = {"page": page, "form": form, "query": urlencode(filters.as_params()), "filters": filters}
    return render(request, "cases/case_showcase.html", context)


@require_GET
def case_detail(request, pk: int):
    actor = actor_for_request(request)
    case = _get(actor, pk)
    acceptance = getattr(case.cooperation, "acceptance", None)
    context = {
        "case": case,
        "scenario": case.cooperation.scenario,
        "figures": list(case.figures.all()),
        "photos": list(case.photos.all()),
        "metrics": list(acceptance.metrics.all()) if acceptance else [],
        "can_edit": case.status == CaseStatus.NOMINATED and selectors.case_may_edit(actor, case),
        "can_decide": case.status == CaseStatus.NOMINATED and actor.is_office,
        # Declined: the nominator may nominate the cooperation again (a new case; this one stays).
        "can_renominate": case.status == CaseStatus.DECLINED
        and not hasattr(case, "next")
        and selectors.case_may_edit(actor, case),
        "history": [h for h in selectors.case_history(case) if selectors.case_may_see(actor, h)],
        "decision_form": DecisionForm(),
        "photo_form": PhotoForm(),
    }
    return render(request, "cases/case_detail.html", context)


@require_GET
def case_pdf_download(request, pk: int):
    case = _get(actor_for_request(request), pk)
    body = case_pdf(case, url=request.build_absolute_uri(reverse("cases:case-detail", args=[case.pk])))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="benchmark-case-{case.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def case_photo(request, pk: int, photo_id: int):
    case = _get(actor_for_request(request), pk)
    photo = case.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404(_("Photo not found."))
    return image_response(photo.file, photo.kind)


# ---------------------------------------------------------------------------------------------- city


@login_required
@require_http_methods(["GET", "POST"])
def case_nominate(request, cooperation_id: int):
    actor = actor_for_request(request)
    try:
        cooperation = selectors.nomination_target(actor=actor, cooperation_id=cooperation_id)
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)
    if request.method == "POST":
        form = CaseWriteupForm(request.POST)
        if form.is_valid():
            try:
                case = services.case_nominate(actor=actor, cooperation_id=cooperation_id, data=form.writeup())
            except ValidationFailed as exc:
                _form_errors(form, exc)
            except DomainError as exc:
                if isinstance(exc, (NotFound, PermissionDenied)):
                    http_error(exc)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The case was nominated; the provincial office will review it."))
                return redirect("cases:case-detail", pk=case.pk)
    previous = selectors.last_declined(cooperation)
    if request.method != "POST":
        # Nominating again starts from the declined write-up, to be changed where the reason says.
        initial = {"title": cooperation.scenario.title}
        if previous is not None:
            initial = {
                **{name: getattr(previous, name) for name in services.WRITEUP_FIELDS},
                "figures": figures_to_text(list(previous.figures.all())),
            }
        form = CaseWriteupForm(initial=initial)
    context = {
        "form": form,
        "cooperation": cooperation,
        "case": None,
        "previous": previous,
        "provincial": selectors.is_provincial_cooperation(cooperation),
    }
    return render(request, "cases/case_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    actor = actor_for_request(request)
    case = _get(actor, pk, write=True)
    if request.method == "POST":
        form = CaseWriteupForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(actor=actor, case_id=case.pk, data=form.writeup())
            except ValidationFailed as exc:
                _form_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The write-up was saved."))
                return redirect("cases:case-detail", pk=case.pk)
    else:
        form = CaseWriteupForm(
            initial={
                "title": case.title,
                "background": case.background,
                "solution": case.solution,
                "results": case.results,
                "video_url": case.video_url,
                "figures": figures_to_text(case.figures.all()),
            }
        )
    return render(
        request, "cases/case_form.html", {"form": form, "cooperation": case.cooperation, "case": case}
    )


@login_required
@require_POST
def case_photo_upload(request, pk: int):
    actor = actor_for_request(request)
    case = _get(actor, pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
    else:
        try:
            services.case_photo_add(
                actor=actor,
                case_id=case.pk,
                uploaded=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The photo was added."))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def case_photo_delete(request, pk: int, photo_id: int):
    actor = actor_for_request(request)
    case = _get(actor, pk, write=True)
    try:
        services.case_photo_delete(actor=actor, photo_id=photo_id)
    except NotFound as exc:
        http_error(exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("cases:case-detail", pk=case.pk)


# ---------------------------------------------------------------------------------------------- office


@login_required
@require_POST
def case_decide(request, pk: int):
    actor = actor_for_request(request)
    case = _get(actor, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to designate or to decline."))
        return redirect("cases:case-detail", pk=case.pk)
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["decision"] == "designate":
            services.case_designate(actor=actor, case_id=case.pk, reason=reason)
            messages.success(
                request, _("The case was designated a benchmark case; it is now on the showcase.")
            )
        else:
            services.case_decline(actor=actor, case_id=case.pk, reason=reason)
            messages.success(request, _("The nomination was declined."))
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_GET
def case_review(request):
    actor = actor_for_request(request)
    try:
        cases = selectors.case_review_list(actor=actor)
    except PermissionDenied as exc:
        http_error(exc)
    year = timezone.localdate().year
    # The quota the reader nominates against: its city's, or the provincial one for the office.
    quota_key = actor.region_id if actor.role == Role.CITY else selectors.PROVINCIAL if actor.is_office else None
    context = {
        "page": Paginator(cases, 50).get_page(request.GET.get("page")),
        "nominable": list(selectors.nominable_cooperations(actor=actor)[:100]),
        "year": year,
        "quota": selectors.quota_for(year=year, region=quota_key) if quota_key else None,
        "used": selectors.quota_used(year=year, region=quota_key) if quota_key else None,
    }
    return render(request, "cases/case_review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quota_list(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office sets benchmark quotas."))
    raw_year = request.GET.get("year") or request.POST.get("year") or ""
    year = (
        int(raw_year)
        if raw_year.isascii() and raw_year.isdigit() and 2025 <= int(raw_year) <= 2100
        else (timezone.localdate().year)
    )
    if request.method == "POST":
        problems = []
        current = {row["region"]: row["number"] for row in selectors.quota_table(year=year)}
        for region in current:
            raw = (request.POST.get(f"quota-{region}") or "").strip()
            if raw == "" or (current[region] is not None and raw == str(current[region])):
                continue
            if not (raw.isascii() and raw.isdigit()):
                problems.append(_("%(region)s: enter a whole number.") % {"region": region})
                continue
            try:
                services.quota_set(actor=actor, year=year, region=region, number=int(raw))
            except ValidationFailed as exc:
                problems.append(f"{region}: {exc.message}")
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, _("The quotas were saved."))
        return redirect(f"{reverse('cases:quota-list')}?year={year}")
    context = {
        "year": year,
        "rows": selectors.quota_table(year=year),
        "years": list(range(max(2027, timezone.localdate().year), 2024, -1)),
    }
    return render(request, "cases/quota_list.html", context)
