"""Reads of benchmark cases: the one access helper, the showcase's filters, review queues, quota usage."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.cases.models import QUOTA_STATUSES, BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES

# The quota table's row for the provincial quota (the BenchmarkQuota without a region); also the form field's
# suffix on the quota page and the `region` the quota service takes for it.
PROVINCIAL = "provincial"


def is_provincial_cooperation(cooperation) -> bool:
    """A provincial department's or the office's scenario: no city reviews it, the office nominates it."""
    return cooperation.owner.type in PROVINCIAL_OWNER_TYPES  # the scenario's owner, copied at agreement


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
        q |= Q(region_id=actor.region_id, provincial=False)
    return q


def case_may_see(actor: Actor, case: BenchmarkCase) -> bool:
    if case.status == CaseStatus.DESIGNATED or actor.is_office:
        return True
    if actor.is_anonymous:
        return False
    if actor.role == Role.CITY and actor.region_id == case.region_id and not case.provincial:
        return True
    return actor.organisation_id in (case.cooperation.owner_id, case.cooperation.supplier_id)


def case_may_edit(actor: Actor, case: BenchmarkCase) -> bool:
    """The write-up is the nominator's: the city lead department of the case's region, or the office for a
    provincial scenario's case."""
    if case.provincial:
        return actor.is_office
    return actor.role == Role.CITY and actor.region_id == case.region_id


def case_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> BenchmarkCase:
    """404 for a case the actor may not see, 403 when `write` and the actor may see but not edit it."""
    case = _base().filter(pk=pk).first()
    if case is None or not case_may_see(actor, case):
        raise NotFound(_("Benchmark case not found."))
    if write and not case_may_edit(actor, case):
        raise PermissionDenied(
            _("Only the city lead department (or, for a provincial scenario, the office) that nominated the case may change its write-up.")
        )
    return case


def case_history(case: BenchmarkCase) -> list[BenchmarkCase]:
    """The earlier, declined nominations of the case's cooperation, newest first (each row is kept)."""
    return list(
        BenchmarkCase.objects.filter(cooperation_id=case.cooperation_id, nominated_at__lte=case.nominated_at)
        .exclude(pk=case.pk)
        .select_related("decided_by")
        .order_by("-nominated_at", "-id")
    )


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
        qs = _base().filter(region_id=actor.region_id, provincial=False)
    else:
        raise PermissionDenied(
            _("Only city lead departments and the provincial office review benchmark cases.")
        )
    # "nominated" sorts after "designated" and "declined": descending puts the open nominations first.
    return qs.order_by("-status", "-nominated_at", "-id")


def _quota_q(region: str) -> Q:
    """The quota row of a city (a region code) or the provincial one (PROVINCIAL)."""
    return Q(region__isnull=True) if region == PROVINCIAL else Q(region_id=region)


def _used_q(region: str) -> Q:
    """The cases that use a place of that quota: a city's are its region's cases that are not provincial."""
    return Q(provincial=True) if region == PROVINCIAL else Q(region_id=region, provincial=False)


def quota_for(*, year: int, region: str) -> BenchmarkQuota | None:
    return BenchmarkQuota.objects.filter(_quota_q(region), year=year).first()


def quota_used(*, year: int, region: str) -> int:
    return BenchmarkCase.objects.filter(_used_q(region), year=year, status__in=QUOTA_STATUSES).count()


def quota_table(*, year: int) -> list[dict]:
    """Every region with its quota for the year (None when unset) and the places used, then the provincial
    quota (region PROVINCIAL): the office's page."""
    quotas = {
        code or PROVINCIAL: n
        for code, n in BenchmarkQuota.objects.filter(year=year).values_list("region_id", "number")
    }
    used: dict[str, int] = {}
    rows = (
        BenchmarkCase.objects.filter(year=year, status__in=QUOTA_STATUSES)
        .values("region_id", "provincial")
        .annotate(n=Count("id"))
        .values_list("region_id", "provincial", "n")
        .order_by()
    )
    for code, provincial, n in rows:
        key = PROVINCIAL if provincial else code
        used[key] = used.get(key, 0) + n
    names = {**ref.region_names(), PROVINCIAL: _("Provincial departments and the office (provincial quota)")}
    return [
        {"region": code, "region_name": name, "number": quotas.get(code), "used": used.get(code, 0)}
        for code, name in names.items()
    ]


def _open_case_exists():
    return Exists(
        BenchmarkCase.objects.filter(cooperation_id=OuterRef("pk")).exclude(status=CaseStatus.DECLINED)
    )


def nominable_cooperations(*, actor: Actor):
    """What the actor can nominate: piloted cooperations without a case awaiting a decision or designated
    (a declined one may be nominated again). A city: its region's, not the provincial scenarios'; the
    office: the provincial scenarios'."""
    from scenariohub.tracking.models import Cooperation, CooperationStatus

    qs = Cooperation.objects.select_related("scenario", "supplier", "owner").filter(
        status=CooperationStatus.PILOTED
    )
    if actor.role == Role.CITY:
        qs = qs.filter(scenario__region_id=actor.region_id).exclude(owner__type__in=PROVINCIAL_OWNER_TYPES)
    elif actor.is_office:
        qs = qs.filter(owner__type__in=PROVINCIAL_OWNER_TYPES)
    else:
        return Cooperation.objects.none()
    return qs.filter(~_open_case_exists()).order_by("-signed_on", "-id")


def nomination_target(*, actor: Actor, cooperation_id: int):
    """The cooperation a city is about to nominate: 404 for a cooperation the actor may not see (another
    city's, a stranger's), 403 for one it sees but may not nominate (the office, the parties)."""
    from scenariohub.tracking.models import Cooperation

    cooperation = (
        Cooperation.objects.select_related("scenario", "supplier", "owner").filter(pk=cooperation_id).first()
    )
    if cooperation is None:
        raise NotFound(_("Cooperation not found."))
    provincial = is_provincial_cooperation(cooperation)
    if provincial and actor.is_office:
        return cooperation
    if not provincial and actor.role == Role.CITY and actor.region_id == cooperation.scenario.region_id:
        return cooperation
    if provincial and actor.role == Role.CITY and actor.region_id == cooperation.scenario.region_id:
        raise PermissionDenied(
            _("A provincial department's or the office's scenario is nominated by the provincial office.")
        )
    if actor.is_office or actor.organisation_id in (cooperation.owner_id, cooperation.supplier_id):
        raise PermissionDenied(
            _("Benchmark cases are nominated by the city lead department of the scenario's region.")
        )
    raise NotFound(_("Cooperation not found."))


def last_declined(cooperation) -> BenchmarkCase | None:
    """The cooperation's latest declined case, which a new nomination follows (and starts from)."""
    return (
        BenchmarkCase.objects.filter(cooperation=cooperation, status=CaseStatus.DECLINED)
        .prefetch_related("figures")
        .order_by("-nominated_at", "-id")
        .first()
    )
