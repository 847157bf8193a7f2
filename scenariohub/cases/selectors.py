"""Reads of benchmark cases: the one access helper, the showcase's filters, review queues, quota usage."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.cases.models import QUOTA_STATUSES, BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.reference import selectors as ref


def _base() -> QuerySet[BenchmarkCase]:
    return BenchmarkCase.objects.select_related(
        "region",
        "cooperation",
        "cooperation__scenario",
        "cooperation__scenario__sector",
        "cooperation__scenario__field",
        "cooperation__owner",
        "cooperation__supplier",
    )


def _involved_q(actor: Actor) -> Q:
    """Cases the actor may see before (or without) designation."""
    if actor.is_anonymous:
        return Q(pk__in=[])
    if actor.is_office:
        return Q()
    q = Q(cooperation__owner_id=actor.organisation_id) | Q(cooperation__supplier_id=actor.organisation_id)
    if actor.role == Role.CITY:
        q |= Q(region_id=actor.region_id)
    return q


def case_may_see(actor: Actor, case: BenchmarkCase) -> bool:
    if case.status == CaseStatus.DESIGNATED or actor.is_office:
        return True
    if actor.is_anonymous:
        return False
    if actor.role == Role.CITY and actor.region_id == case.region_id:
        return True
    return actor.organisation_id in (case.cooperation.owner_id, case.cooperation.supplier_id)


def case_may_edit(actor: Actor, case: BenchmarkCase) -> bool:
    """The write-up is the nominating city's: the city lead department of the case's region."""
    return actor.role == Role.CITY and actor.region_id == case.region_id


def case_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> BenchmarkCase:
    """404 for a case the actor may not see, 403 when `write` and the actor may see but not edit it."""
    case = _base().filter(pk=pk).first()
    if case is None or not case_may_see(actor, case):
        raise NotFound(_("Benchmark case not found."))
    if write and not case_may_edit(actor, case):
        raise PermissionDenied(
            _("Only the city lead department that nominated the case may change its write-up.")
        )
    return case


@dataclass
class CaseFilter:
    """The showcase's filters (page and API): quota year, region, the scenario's sector, status."""

    year: int | None = None
    region: str = ""
    sector: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params, *, strict: bool) -> "CaseFilter":
        errors: dict[str, list[str]] = {}
        values: dict = {}
        year = str(params.get("year") or "").strip()
        if year:
            if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
                values["year"] = int(year)
            else:
                errors["year"] = [_("Year must be a four-digit year.")]
        known = {
            "region": ref.region_names(),
            "sector": ref.sector_names(),
            "status": dict(CaseStatus.choices),
        }
        for name, codes in known.items():
            raw = str(params.get(name) or "").strip()
            if not raw:
                continue
            if raw in codes:
                values[name] = raw
            else:
                errors[name] = [_("Unknown code: %(code)s") % {"code": raw[:40]}]
        if errors and strict:
            raise ValidationFailed(_("Some filters are not valid."), code="bad_filter", details=errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.year:
            qs = qs.filter(year=self.year)
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.sector:
            qs = qs.filter(cooperation__scenario__sector_id=self.sector)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def case_list_public(*, filters: CaseFilter | None = None) -> QuerySet[BenchmarkCase]:
    """Designated cases, most recently designated first: the showcase."""
    qs = _base().filter(status=CaseStatus.DESIGNATED)
    return (filters or CaseFilter()).apply(qs).order_by("-decided_at", "-id")


def case_list_for_actor(*, actor: Actor, filters: CaseFilter | None = None) -> QuerySet[BenchmarkCase]:
    """Designated cases plus the nominations the actor is involved in (API list)."""
    qs = _base().filter(Q(status=CaseStatus.DESIGNATED) | _involved_q(actor))
    return (filters or CaseFilter()).apply(qs).order_by("-nominated_at", "-id")


def case_review_list(*, actor: Actor) -> QuerySet[BenchmarkCase]:
    """The office: every nomination awaiting a decision, then the decided ones; a city: its region's."""
    if actor.is_office:
        qs = _base()
    elif actor.role == Role.CITY:
        qs = _base().filter(region_id=actor.region_id)
    else:
        raise PermissionDenied(
            _("Only city lead departments and the provincial office review benchmark cases.")
        )
    # "nominated" sorts after "designated" and "declined": descending puts the open nominations first.
    return qs.order_by("-status", "-nominated_at", "-id")


def quota_for(*, year: int, region: str) -> BenchmarkQuota | None:
    return BenchmarkQuota.objects.filter(year=year, region_id=region).first()


def quota_used(*, year: int, region: str) -> int:
    return BenchmarkCase.objects.filter(year=year, region_id=region, status__in=QUOTA_STATUSES).count()


def quota_table(*, year: int) -> list[dict]:
    """Every region with its quota for the year (None when unset) and the places used: the office's page."""
    quotas = dict(BenchmarkQuota.objects.filter(year=year).values_list("region_id", "number"))
    used = dict(
        BenchmarkCase.objects.filter(year=year, status__in=QUOTA_STATUSES)
        .values("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
        .order_by()
    )
    return [
        {"region": code, "region_name": name, "number": quotas.get(code), "used": used.get(code, 0)}
        for code, name in ref.region_names().items()
    ]


def nominable_cooperations(*, actor: Actor):
    """The piloted cooperations of a city's region that have no case yet (what it can nominate)."""
    from scenariohub.tracking.models import Cooperation, CooperationStatus

    if actor.role != Role.CITY:
        return Cooperation.objects.none()
    return (
        Cooperation.objects.select_related("scenario", "supplier", "owner")
        .filter(
            status=CooperationStatus.PILOTED, scenario__region_id=actor.region_id, benchmark_case__isnull=True
        )
        .order_by("-signed_on", "-id")
    )


def nomination_target(*, actor: Actor, cooperation_id: int):
    """The cooperation a city is about to nominate: 404 for a cooperation the actor may not see (another
    city's, a stranger's), 403 for one it sees but may not nominate (the office, the parties)."""
    from scenariohub.tracking.models import Cooperation

    cooperation = (
        Cooperation.objects.select_related("scenario", "supplier", "owner").filter(pk=cooperation_id).first()
    )
    if cooperation is None:
        raise NotFound(_("Cooperation not found."))
    if actor.role == Role.CITY and actor.region_id == cooperation.scenario.region_id:
        return cooperation
    if actor.is_office or actor.organisation_id in (cooperation.owner_id, cooperation.supplier_id):
        raise PermissionDenied(
            _("Benchmark cases are nominated by the city lead department of the scenario's region.")
        )
    raise NotFound(_("Cooperation not found."))
