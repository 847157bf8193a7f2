"""Support-measure pages: the measures with their eligibility rules and departments, applications (list,
new, detail, decision, withdrawal), and the per-measure summary of a year with its .xlsx export."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.support import exports, selectors, services
from scenariohub.support.forms import ApplicationForm, DecisionForm, DepartmentForm
from scenariohub.support.models import ApplicationStatus
from scenariohub.support.rules import RULES, Measure, Party
from scenariohub.support.selectors import summary_total


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


def _get(request, pk, **kwargs):
    try:
        return selectors.application_get_for_actor(actor=actor_for_request(request), pk=pk, **kwargs)
    except DomainError as exc:
        _raise_http(exc)
        raise


def _rule_rows():
    party_labels = dict(Party.choices)
    return [
        {
            "rule": r,
            "label": Measure(r.measure).label,
            "parties": [party_labels[p] for p in r.parties],
        }
        for r in RULES
    ]


@require_GET
def measure_list(request):
    actor = actor_for_request(request)
    departments = selectors.departments_by_measure()
    rows = []
    for row in _rule_rows():
        dept = departments.get(row["rule"].measure)
        row["configured"] = dept.department if dept else None
        if actor.is_office:
            row["form"] = DepartmentForm(
                initial={"measure": row["rule"].measure, "department": dept.department_id if dept else None},
                prefix=row["rule"].measure,
            )
        rows.append(row)
    return render(
        request,
        "support/measure_list.html",
        {
            "rows": rows,
            "is_office": actor.is_office,
            "signed_in": not actor.is_anonymous,
            "can_summary": actor.role in selectors.SUMMARY_ROLES,
        },
    )


@login_required
@require_POST
def measure_department(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office may choose the responsible departments."))
    measure = request.POST.get("measure", "")
    if measure not in Measure.values:
        raise Http404
    form = DepartmentForm(request.POST, prefix=measure)
    if not form.is_valid():
        messages.error(request, _("Choose a provincial department."))
        return redirect("support:measure-list")
    dept = form.cleaned_data["department"]
    try:
        services.measure_department_set(actor=actor, measure=measure, department_id=dept.pk if dept else None)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The responsible department has been saved."))
    return redirect("support:measure-list")


@login_required
@require_GET
def application_list(request):
    actor = actor_for_request(request)
    qs = selectors.application_list_visible(actor=actor)
    measure = request.GET.get("measure", "")
    status = request.GET.get("status", "")
    year = request.GET.get("year", "")
    if measure in Measure.values:
        qs = qs.filter(measure=measure)
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if year.isascii() and year.isdigit() and len(year) == 4:
        qs = qs.filter(year=int(year))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "support/application_list.html",
        {
            "page": page,
            "measures": Measure.choices,
            "statuses": ApplicationStatus.choices,
            "filters": {"measure": measure, "status": status, "year": year},
            "query": urlencode(
                {k: v for k, v in (("measure", measure), ("status", status), ("year", year)) if v}
            ),
            "decides": selectors.measures_decided_by(actor),
            "can_apply": actor.role in services.APPLICANT_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    actor = actor_for_request(request)
    if actor.role not in services.APPLICANT_ROLES:
        raise HttpForbidden(
            _("Support measures are applied for by the scenario provider or the product provider.")
        )
    cooperations = list(selectors.cooperations_of(actor=actor))
    cases = list(selectors.cases_of(actor=actor))
    initial = {}
    if request.GET.get("cooperation", "").isdigit():
        initial["link"] = f"cooperation:{request.GET['cooperation']}"
    elif request.GET.get("case", "").isdigit():
        initial["link"] = f"case:{request.GET['case']}"
    if request.GET.get("measure") in Measure.values:
        initial["measure"] = request.GET["measure"]
    form = ApplicationForm(request.POST or None, cooperations=cooperations, cases=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        cooperation_id, case_id = form.link_ids()
        try:
            application = services.application_submit(
                actor=actor,
                measure=form.cleaned_data["measure"],
                summary=form.cleaned_data["summary"],
                amount_requested=form.cleaned_data["amount_requested"],
                cooperation_id=cooperation_id,
                case_id=case_id,
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The application has been submitted to the responsible department."))
            return redirect("support:application-detail", pk=application.pk)
    # The eligibility of the chosen link for every measure, so the applicant sees the rules before trying.
    link = (form["link"].value() or "") if form.is_bound else initial.get("link", "")
    kind, _sep, pk = str(link).partition(":")
    table = []
    if pk.isdigit():
        coop = next((c for c in cooperations if kind == "cooperation" and c.pk == int(pk)), None)
        case = next((c for c in cases if kind == "case" and c.pk == int(pk)), None)
        if coop or case:
            table = selectors.eligibility_table(
                organisation_id=actor.organisation_id, cooperation=coop, case=case
            )
    labels = dict(Measure.choices)
    return render(
        request,
        "support/application_form.html",
        {
            "form": form,
            "eligibility": [(labels[e.measure], e) for e in table],
            "has_links": bool(cooperations or cases),
        },
    )


@login_required
@require_GET
def application_detail(request, pk):
    actor = actor_for_request(request)
    application = _get(request, pk)
    can_decide = (
        selectors.can_decide(actor, application) and application.status == ApplicationStatus.SUBMITTED
    )
    return render(
        request,
        "support/application_detail.html",
        {
            "application": application,
            "rule": selectors.rule_for(application.measure),
            "decision_form": DecisionForm() if can_decide else None,
            "can_withdraw": application.applicant_id == actor.organisation_id
            and application.status == ApplicationStatus.SUBMITTED,
            "department": selectors.departments_by_measure().get(application.measure),
        },
    )


@login_required
@require_POST
def application_decide(request, pk):
    actor = actor_for_request(request)
    application = _get(request, pk, decide=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.application_decide(
                actor=actor,
                application_id=application.pk,
                outcome=d["outcome"],
                amount_granted=d["amount_granted"],
                reason=d["reason"],
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return redirect("support:application-detail", pk=application.pk)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("support:application-detail", pk=application.pk)
    return render(
        request,
        "support/application_detail.html",
        {
            "application": application,
            "rule": selectors.rule_for(application.measure),
            "decision_form": form,
            "can_withdraw": False,
            "department": selectors.departments_by_measure().get(application.measure),
        },
        status=422,
    )


@login_required
@require_POST
def application_withdraw(request, pk):
    actor = actor_for_request(request)
    application = _get(request, pk, withdraw=True)
    try:
        services.application_withdraw(actor=actor, application_id=application.pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("support:application-detail", pk=application.pk)


def _summary_year(request) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise Http404(_("Not found."))
    return int(raw)


def _summary_lines(request, year: int):
    try:
        return selectors.summary_for_actor(actor=actor_for_request(request), year=year)
    except DomainError as exc:
        _raise_http(exc)
        raise


@login_required
@require_GET
def summary(request):
    year = _summary_year(request)
    lines = _summary_lines(request, year)
    return render(
        request,
        "support/summary_detail.html",
        {
            "year": year,
            "lines": lines,
            "total": summary_total(lines),
        },
    )


@login_required
@require_GET
def summary_export(request, year):
    lines = _summary_lines(request, year)
    response = HttpResponse(
        exports.summary_xlsx(year, lines),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = exports.export_filename(year)
    response["Content-Disposition"] = (
        f"attachment; filename=\"support-{year}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response
