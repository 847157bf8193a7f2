"""API v1 for support measures: the rules and departments, applications and their decisions, and the
per-measure summary of a year. Endpoints parse, find the actor and call selectors and services."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import ValidationFailed
from scenariohub.reference import selectors as ref
from scenariohub.support import selectors, services
from scenariohub.support.models import ApplicationStatus, SupportApplication
from scenariohub.support.rules import RULES, Measure
from scenariohub.support.schemas import (
    SupportApplicationIn,
    SupportApplicationListOut,
    SupportApplicationListParams,
    SupportApplicationOut,
    SupportDecisionIn,
    SupportDepartmentIn,
    SupportMeasureListOut,
    SupportMeasureOut,
    SupportSummaryOut,
)

router = Router(tags=["support"])


def _dec(value) -> str | None:
    return None if value is None else str(value)


def application_out(a: SupportApplication) -> dict:
    return {
        "id": a.pk,
        "measure": a.measure,
        "measure_label": a.get_measure_display(),
        "applicant_id": a.applicant_id,
        "applicant": a.applicant.name,
        "cooperation_id": a.cooperation_id,
        "case_id": a.case_id,
        "region": a.region_id,
        "year": a.year,
        "summary": a.summary,
        "amount_requested": _dec(a.amount_requested),
        "status": a.status,
        "status_label": a.get_status_display(),
        "amount_granted": _dec(a.amount_granted),
        "decision_reason": a.decision_reason,
        "decided_at": a.decided_at,
        "decided_by_organisation": a.decided_by_organisation.name if a.decided_by_organisation_id else None,
        "created_at": a.created_at,
    }


def _measure_out(rule, departments) -> dict:
    dept = departments.get(rule.measure)
    return {
        "measure": rule.measure,
        "label": str(Measure(rule.measure).label),
        "link": rule.link,
        "statuses": list(rule.statuses),
        "parties": list(rule.parties),
        "money": rule.money,
        "plan_department": rule.department,
        "department_id": dept.department_id if dept else None,
        "department_name": dept.department.name if dept else None,
        "refusal_reason": str(rule.status_reason),
    }


def _reload(pk: int) -> SupportApplication:
    return SupportApplication.objects.select_related("applicant", "decided_by_organisation").get(pk=pk)


@router.get(
    "/support/measures",
    response={200: SupportMeasureListOut, **error_responses(401)},
    auth=READ_AUTH,
    url_name="support-measure-list",
    operation_id="support_measure_list",
    summary="Support measures and their eligibility rules",
    description="The one rules table: what each measure is linked to, which statuses qualify, who may apply, "
    "and the department that decides.",
)
def support_measure_list(request):
    departments = selectors.departments_by_measure()
    items = [_measure_out(r, departments) for r in RULES]
    return {"items": items, "count": len(items)}


@router.put(
    "/support/measures/{measure}",
    response={200: SupportMeasureOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="support-measure-department",
    operation_id="support_measure_department_set",
    summary="Choose the department that decides a measure (office)",
    description="`department_id` of an organisation of type `department`, or null so that only the office decides.",
)
def support_measure_department_set(request, measure: str, payload: SupportDepartmentIn):
    services.measure_department_set(
        actor=api_actor(request), measure=measure, department_id=payload.department_id
    )
    rule = selectors.rule_for(measure)
    return _measure_out(rule, selectors.departments_by_measure())


@router.get(
    "/support/applications",
    response={200: SupportApplicationListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="support-application-list",
    operation_id="support_application_list",
    summary="Support applications the caller may see",
    description="The office: all; a department: the measures it decides; a city: its region's; others: their "
    "organisation's; anonymous: none. Unknown filter codes answer 422 `bad_filter`.",
)
def support_application_list(request, params: Query[SupportApplicationListParams]):
    bad = [
        name
        for name, value, allowed in (
            ("measure", params.measure, Measure.values),
            ("status", params.status, ApplicationStatus.values),
            ("region", params.region, ref.region_names()),
        )
        if value is not None and value not in allowed
    ]
    if bad:
        raise ValidationFailed(
            _("Some filters are not valid."),
            code="bad_filter",
            details={k: [_("Select a valid choice.")] for k in bad},
        )
    qs = selectors.application_list_visible(actor=api_actor(request))
    for name in ("measure", "status", "year", "region"):
        value = getattr(params, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id" if name == "region" else name: value})
    return paginate(qs, params, item=application_out)


@router.post(
    "/support/applications",
    response={201: SupportApplicationOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="support-application-create",
    operation_id="support_application_create",
    summary="Apply for a support measure",
    description="On one `cooperation_id` or one `case_id` the caller's organisation is a party to. 422 "
    "`not_eligible` with the rule's reason in Chinese; 409 `already_applied`.",
)
def support_application_create(request, payload: SupportApplicationIn):
    a = services.application_submit(
        actor=api_actor(request),
        measure=payload.measure,
        summary=payload.summary,
        amount_requested=payload.amount_requested,
        cooperation_id=payload.cooperation_id,
        case_id=payload.case_id,
    )
    return Status(201, application_out(_reload(a.pk)))


@router.get(
    "/support/applications/{id}",
    response={200: SupportApplicationOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="support-application-detail",
    operation_id="support_application_get",
    summary="One support application",
)
def support_application_get(request, id: int):
    """404 for what the caller may not see."""
    return application_out(selectors.application_get_for_actor(actor=api_actor(request), pk=id))


@router.post(
    "/support/applications/{id}/decision",
    response={200: SupportApplicationOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="support-application-decide",
    operation_id="support_application_decide",
    summary="Grant or refuse (the responsible department or the office)",
    description="Granting needs the amount for measures with money (at most the amount requested) and checks "
    "eligibility again (409 `not_eligible`); refusing needs a reason. 409 `already_decided`.",
)
def support_application_decide(request, id: int, payload: SupportDecisionIn):
    a = services.application_decide(
        actor=api_actor(request),
        application_id=id,
        outcome=payload.outcome,
        amount_granted=payload.amount_granted,
        reason=payload.reason,
    )
    return application_out(_reload(a.pk))


@router.post(
    "/support/applications/{id}/withdraw",
    response={200: SupportApplicationOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="support-application-withdraw",
    operation_id="support_application_withdraw",
    summary="Withdraw a submitted application (the applicant)",
)
def support_application_withdraw(request, id: int):
    """409 `not_withdrawable` once decided."""
    a = services.application_withdraw(actor=api_actor(request), application_id=id)
    return application_out(_reload(a.pk))


@router.get(
    "/support/summary",
    response={200: SupportSummaryOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="support-summary",
    operation_id="support_summary_get",
    summary="Per-measure summary of a year (office, departments, cities)",
    description="Applications submitted in the year by measure: counts by status, amounts requested and "
    "granted (10k yuan). 404 for other callers.",
)
def support_summary_get(request, year: int):
    lines = selectors.summary_for_actor(actor=api_actor(request), year=year)

    def out(x):
        return {
            **x.__dict__,
            "label": str(x.label),
            "requested": str(x.requested),
            "granted_amount": str(x.granted_amount),
        }

    return {
        "year": year,
        "items": [out(x) for x in lines],
        "count": len(lines),
        "total": out(selectors.summary_total(lines)),
    }
