"""Reads for support measures: who may see which application, eligibility of an applicant on a link, the
responsible departments, and the per-measure, per-year summary."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.cases.models import BenchmarkCase
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.support.models import ApplicationStatus, MeasureDepartment, SupportApplication
from scenariohub.support.rules import RULES, RULES_BY_MEASURE, Link, Measure, Party, refusals
from scenariohub.tracking.models import Cooperation

MAX_DB_ID = 2**63 - 1


def departments_by_measure() -> dict[str, MeasureDepartment]:
    return {m.measure: m for m in MeasureDepartment.objects.select_related("department")}


def measures_decided_by(actor: Actor) -> set[str]:
    """The measures this actor may decide: all for the office, the configured ones for a department."""
    if actor.is_office:
        return set(Measure.values)
    if actor.role != Role.DEPARTMENT or actor.organisation_id is None:
        return set()
    return set(
        MeasureDepartment.objects.filter(department_id=actor.organisation_id).values_list(
            "measure", flat=True
        )
    )


def application_list_visible(*, actor: Actor) -> QuerySet[SupportApplication]:
    """Office: all. Department: the measures it decides. City: its region's. Others: their organisation's."""
    qs = SupportApplication.objects.select_related(
        "applicant", "region", "cooperation__scenario", "case", "decided_by_organisation"
    )
    if actor.is_anonymous:
        return qs.none()
    if actor.is_office:
        return qs
    visible = Q(applicant_id=actor.organisation_id)
    if actor.role == Role.DEPARTMENT:
        visible |= Q(measure__in=measures_decided_by(actor))
    if actor.role == Role.CITY and actor.region_id:
        visible |= Q(region_id=actor.region_id)
    return qs.filter(visible)


def can_decide(actor: Actor, application: SupportApplication) -> bool:
    return application.measure in measures_decided_by(actor)


def application_get_for_actor(*, actor: Actor, pk: int, decide: bool = False, withdraw: bool = False):
    """One application: 404 if the actor may not see it; 403 if they may see it but not decide/withdraw it."""
    if not isinstance(pk, int) or not 1 <= pk <= MAX_DB_ID:
        raise NotFound(_("Support application not found."))
    application = application_list_visible(actor=actor).filter(pk=pk).first()
    if application is None:
        raise NotFound(_("Support application not found."))
    if decide and not can_decide(actor, application):
        raise PermissionDenied(
            _("Only the department responsible for this measure, or the provincial office, may decide it.")
        )
    if withdraw and application.applicant_id != actor.organisation_id:
        raise PermissionDenied(_("Only the applicant may withdraw its application."))
    return application


def parties_of(cooperation: Cooperation, organisation_id: int | None) -> frozenset[str]:
    found = set()
    if organisation_id is not None and cooperation.owner_id == organisation_id:
        found.add(Party.OWNER)
    if organisation_id is not None and cooperation.supplier_id == organisation_id:
        found.add(Party.SUPPLIER)
    return frozenset(found)


@dataclass(frozen=True)
class Eligibility:
    measure: str
    eligible: bool
    reasons: list[str]


def eligibility(
    *,
    measure: str,
    organisation_id: int | None,
    cooperation: Cooperation | None = None,
    case: BenchmarkCase | None = None,
) -> Eligibility:
    """Whether the organisation may apply for the measure on this cooperation or case, and why not."""
    if case is not None:
        link, status, coop = Link.CASE, case.status, case.cooperation
    else:
        link, status, coop = Link.COOPERATION, cooperation.status, cooperation
    reasons = refusals(measure=measure, link=link, status=status, parties=parties_of(coop, organisation_id))
    return Eligibility(measure, not reasons, reasons)


def eligibility_table(*, organisation_id: int | None, cooperation=None, case=None) -> list[Eligibility]:
    """Every measure for one link, in the rules' order (the application form shows it)."""
    return [
        eligibility(measure=r.measure, organisation_id=organisation_id, cooperation=cooperation, case=case)
        for r in RULES
    ]


def cooperations_of(*, actor: Actor) -> QuerySet[Cooperation]:
    """Cooperations the actor's organisation is a party to (scenario provider or product provider)."""
    if actor.organisation_id is None:
        return Cooperation.objects.none()
    return (
        Cooperation.objects.filter(Q(owner_id=actor.organisation_id) | Q(supplier_id=actor.organisation_id))
        .select_related("scenario", "owner", "supplier")
        .order_by("-signed_on", "-id")
    )


def cases_of(*, actor: Actor) -> QuerySet[BenchmarkCase]:
    if actor.organisation_id is None:
        return BenchmarkCase.objects.none()
    return (
        BenchmarkCase.objects.filter(
            Q(cooperation__owner_id=actor.organisation_id) | Q(cooperation__supplier_id=actor.organisation_id)
        )
        .select_related("cooperation", "cooperation__scenario")
        .order_by("-year", "-id")
    )


@dataclass(frozen=True)
class SummaryLine:
    measure: str
    label: str
    department: str
    applications: int
    submitted: int
    granted: int
    refused: int
    withdrawn: int
    requested: Decimal
    granted_amount: Decimal


SUMMARY_ROLES = (Role.OFFICE, Role.DEPARTMENT, Role.CITY)


def summary_for_actor(*, actor: Actor, year: int) -> list[SummaryLine]:
    """Per measure, for applications submitted in the year: counts by status and amounts (10k yuan).
    Aggregates only; the office, departments and cities may read it (404 for others)."""
    if actor.role not in SUMMARY_ROLES:
        raise NotFound(_("Not found."))
    if not 2000 <= year <= 2100:
        raise NotFound(_("Not found."))
    rows = {
        r["measure"]: r
        for r in SupportApplication.objects.filter(year=year)
        .values("measure")
        .annotate(
            applications=Count("pk"),
            submitted=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            granted=Count("pk", filter=Q(status=ApplicationStatus.GRANTED)),
            refused=Count("pk", filter=Q(status=ApplicationStatus.REFUSED)),
            withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
            requested=Sum("amount_requested", filter=~Q(status=ApplicationStatus.WITHDRAWN)),
            granted_amount=Sum("amount_granted", filter=Q(status=ApplicationStatus.GRANTED)),
        )
    }
    departments = departments_by_measure()
    lines = []
    for rule in RULES:
        r = rows.get(rule.measure, {})
        dept = departments.get(rule.measure)
        lines.append(
            SummaryLine(
                rule.measure,
                str(Measure(rule.measure).label),
                dept.department.name if dept else rule.department,
                r.get("applications", 0),
                r.get("submitted", 0),
                r.get("granted", 0),
                r.get("refused", 0),
                r.get("withdrawn", 0),
                Decimal(r.get("requested") or 0),
                Decimal(r.get("granted_amount") or 0),
            )
        )
    return lines


def summary_total(lines: list[SummaryLine]) -> SummaryLine:
    return SummaryLine(
        "",
        _("Total"),
        "",
        *(
            sum(getattr(x, f) for x in lines)
            for f in ("applications", "submitted", "granted", "refused", "withdrawn")
        ),
        sum((x.requested for x in lines), Decimal(0)),
        sum((x.granted_amount for x in lines), Decimal(0)),
    )


def rule_for(measure: str):
    return RULES_BY_MEASURE[measure]
