"""Reads of annual plans: which part of which version each actor sees, planned vs released, candidates.

Who sees what: the office sees the working list (draft) and every version; a city sees its region's part
of the working list, a provincial department its own scenarios'; confirmed versions are public. Contact
details of a scenario that is not released yet are shown only to the office and to the part's own city
or department.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import NotFound, ValidationFailed
from scenariohub.core.personal import mask_phone
from scenariohub.plans.models import (
    YEAR_MAX,
    YEAR_MIN,
    AnnualPlan,
    ItemState,
    PlanItem,
    PlanVersion,
    PlanVersionItem,
)
from scenariohub.reference import selectors as ref
from scenariohub.reference.models import Region
from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES
from scenariohub.scenarios.models import PUBLIC_STATUSES, CooperationMode, Scenario, Status

DRAFT = "draft"


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NotFound(_("No plan for this year."))
    return year


def can_see_drafts(actor: Actor) -> bool:
    return actor.is_office or actor.role in (Role.CITY, Role.DEPARTMENT)


def scope_q(actor: Actor, *, prefix: str = "") -> Q:
    """The part of a plan an actor works on: everything (office), a region's non-provincial scenarios (city),
    an organisation's own (department). `prefix` reaches the scenario's columns from a related model."""
    if actor.is_office:
        return Q()
    if actor.role == Role.CITY:
        return Q(**{f"{prefix}region_id": actor.region_id}) & ~Q(**{f"{prefix}owner__type__in": PROVINCIAL_OWNER_TYPES})
    if actor.role == Role.DEPARTMENT:
        return Q(**{f"{prefix}owner_id": actor.organisation_id})
    return Q(pk__in=[])


def _in_scope(actor: Actor, *, region_id: str, owner_id: int, owner_type: str) -> bool:
    if actor.is_office:
        return True
    if actor.role == Role.CITY:
        return region_id == actor.region_id and owner_type not in PROVINCIAL_OWNER_TYPES
    if actor.role == Role.DEPARTMENT:
        return owner_id == actor.organisation_id
    return False


@dataclass
class PlanRow:
    """One line of the list, whether read live from a scenario (draft) or from a frozen version."""

    position: int
    scenario_id: int
    title: str
    owner_id: int
    owner_name: str
    owner_type: str
    region_id: str
    sector_id: str
    field_id: str
    kind: str
    purpose: str
    tech_requirements: str
    cooperation_mode: str
    budget_min: int | None
    budget_max: int | None
    contact_name: str
    contact_phone: str
    released: bool
    scenario_status: str
    # The phone is personal data: in full only for those in scope (core.personal), masked otherwise.
    contact_full: bool = False

    @property
    def is_provincial(self) -> bool:
        return self.owner_type in PROVINCIAL_OWNER_TYPES

    @property
    def region_name(self) -> str:
        return ref.region_names().get(self.region_id, self.region_id)

    @property
    def sector_name(self) -> str:
        return ref.sector_names().get(self.sector_id, self.sector_id)

    @property
    def field_name(self) -> str:
        return ref.field_names().get(self.field_id, self.field_id)

    @property
    def kind_name(self) -> str:
        return ref.kind_names().get(self.kind, self.kind)

    @property
    def cooperation_name(self) -> str:
        return str(CooperationMode(self.cooperation_mode).label) if self.cooperation_mode in CooperationMode.values else self.cooperation_mode

    @property
    def budget_label(self) -> str:
        low, high = self.budget_min, self.budget_max
        if low is None and high is None:
            return _("Negotiable")
        if high is None or low == high:
            return str(low if low is not None else high)
        if low is None:
            return f"≤{high}"
        return f"{low}–{high}"

    @property
    def status_label(self) -> str:
        return _("Released") if self.released else _("To be released")


@dataclass
class SummaryLine:
    key: str
    name: str
    planned: int = 0
    released: int = 0

    @property
    def rate(self) -> int | None:
        return round(100 * self.released / self.planned) if self.planned else None


@dataclass
class PlanView:
    year: int
    plan: AnnualPlan | None
    version: PlanVersion | None  # None: the working list (draft)
    rows: list[PlanRow]
    versions: list[PlanVersion]
    scoped: bool  # the actor sees only its part
    by_city: list[SummaryLine] = field(default_factory=list)
    by_department: list[SummaryLine] = field(default_factory=list)
    total: SummaryLine | None = None

    @property
    def is_draft(self) -> bool:
        return self.version is None


def _sort_key(row: PlanRow, positions: dict[str, int]) -> tuple:
    # Cities in the province's order, then provincial departments; within each, by owner and scenario.
    return (row.is_provincial, positions.get(row.region_id, 99), row.owner_name, row.scenario_id)


def _draft_rows(plan: AnnualPlan, actor: Actor, *, public_contacts: bool) -> list[PlanRow]:
    items = (
        PlanItem.objects.filter(plan=plan, state=ItemState.INCLUDED)
        .filter(scope_q(actor, prefix="scenario__"))
        .select_related("scenario", "scenario__owner")
    )
    rows = []
    for item in items:
        s = item.scenario
        rows.append(_row_from_scenario(s, plan.year, actor, public_contacts=public_contacts))
    return rows


def _phone(phone: str, *, shown: bool, full: bool) -> str:
    if not shown:
        return ""
    return phone if full else mask_phone(phone)


def _row_from_scenario(s: Scenario, year: int, actor: Actor, *, public_contacts: bool) -> PlanRow:
    full = _in_scope(actor, region_id=s.region_id, owner_id=s.owner_id, owner_type=s.owner.type)
    show_contact = public_contacts or s.status in PUBLIC_STATUSES or full
    return PlanRow(
        position=0, scenario_id=s.pk, title=s.title, owner_id=s.owner_id, owner_name=s.owner.name,
        owner_type=s.owner.type, region_id=s.region_id, sector_id=s.sector_id, field_id=s.field_id, kind=s.kind,
        purpose=s.purpose, tech_requirements=s.tech_requirements, cooperation_mode=s.cooperation_mode,
        budget_min=s.budget_min, budget_max=s.budget_max,
        contact_name=s.contact_name if show_contact else "",
        contact_phone=_phone(s.contact_phone, shown=show_contact, full=full),
        released=s.published_year == year, scenario_status=s.status, contact_full=show_contact and full,
    )


def _version_rows(version: PlanVersion, year: int, actor: Actor) -> list[PlanRow]:
    items = PlanVersionItem.objects.filter(version=version).select_related("scenario").order_by("position")
    rows = []
    for it in items:
        live = it.scenario
        full = _in_scope(actor, region_id=it.region_id, owner_id=it.owner_id, owner_type=it.owner_type)
        show_contact = live.status in PUBLIC_STATUSES or full
        rows.append(PlanRow(
            position=it.position, scenario_id=it.scenario_id, title=it.title, owner_id=it.owner_id,
            owner_name=it.owner_name, owner_type=it.owner_type, region_id=it.region_id, sector_id=it.sector_id,
            field_id=it.field_id, kind=it.kind, purpose=it.purpose, tech_requirements=it.tech_requirements,
            cooperation_mode=it.cooperation_mode, budget_min=it.budget_min, budget_max=it.budget_max,
            contact_name=it.contact_name if show_contact else "",
            contact_phone=_phone(it.contact_phone, shown=show_contact, full=full),
            released=live.published_year == year, scenario_status=live.status, contact_full=show_contact and full,
        ))
    return rows


def plan_summary(rows: list[PlanRow], *, regions: list[Region]) -> tuple[list[SummaryLine], list[SummaryLine], SummaryLine]:
    """Planned vs released: per city (every city listed, in the province's order) and per provincial department."""
    cities = {r.code: SummaryLine(key=r.code, name=r.name_zh) for r in regions}
    departments: dict[str, SummaryLine] = {}
    total = SummaryLine(key="", name=_("Total"))
    for row in rows:
        if row.is_provincial:
            line = departments.setdefault(str(row.owner_id), SummaryLine(key=str(row.owner_id), name=row.owner_name))
        else:
            line = cities.setdefault(row.region_id, SummaryLine(key=row.region_id, name=row.region_name))
        for target in (line, total):
            target.planned += 1
            target.released += int(row.released)
    return list(cities.values()), sorted(departments.values(), key=lambda d: d.name), total


def plan_get(*, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(year=year).first()


def plan_list_for_actor(*, actor: Actor) -> list[AnnualPlan]:
    qs = AnnualPlan.objects.all()
    if not can_see_drafts(actor):
        qs = qs.filter(last_version_number__gt=0)
    return list(qs.order_by("-year"))


def parse_version(raw) -> int | str | None:
    """`?version=` is a number, `draft`, or absent (the default view of the actor)."""
    if raw in (None, ""):
        return None
    raw = str(raw).strip()
    if raw == DRAFT:
        return DRAFT
    if raw.isdigit() and 0 < int(raw) < 100_000:
        return int(raw)
    raise ValidationFailed(_("Unknown version."), code="bad_filter", details={"version": [_("Unknown version.")]})


def plan_view_for_actor(*, actor: Actor, year, version=None) -> PlanView:
    """The plan as this actor may see it. `version`: a number, "draft", or None (drafts for the office and
    for cities and departments, else the latest confirmed version). Unconfirmed plans are 404 to the public."""
    year = check_year(year)
    plan = plan_get(year=year)
    drafts = can_see_drafts(actor)
    if plan is None:
        if actor.is_office:
            return _with_summary(PlanView(year=year, plan=None, version=None, rows=[], versions=[], scoped=False))
        raise NotFound(_("No plan for this year."))
    versions = list(plan.versions.select_related("confirmed_by").order_by("-number"))
    if version is None:
        version = DRAFT if drafts else (versions[0].number if versions else None)
    if version == DRAFT:
        if not drafts:
            raise NotFound(_("No plan for this year."))
        rows = _draft_rows(plan, actor, public_contacts=actor.is_office)
        view = PlanView(year=year, plan=plan, version=None, rows=rows, versions=versions, scoped=not actor.is_office)
    else:
        chosen = next((v for v in versions if v.number == version), None)
        if chosen is None:
            raise NotFound(_("No plan for this year.") if not versions else _("Version not found."))
        rows = _version_rows(chosen, year, actor)
        view = PlanView(year=year, plan=plan, version=chosen, rows=rows, versions=versions, scoped=False)
    positions = {r.code: r.position for r in Region.objects.all()}
    view.rows.sort(key=lambda r: _sort_key(r, positions))
    for i, row in enumerate(view.rows, start=1):
        row.position = i
    return _with_summary(view)


def _with_summary(view: PlanView) -> PlanView:
    regions = list(Region.objects.order_by("position"))
    cities, departments, total = plan_summary(view.rows, regions=regions)
    view.by_city, view.by_department, view.total = cities, departments, total
    return view


def plan_changed_items(*, actor: Actor, plan: AnnualPlan | None) -> list[PlanItem]:
    """Dropped and moved rows, with their reasons: the office's history of the working list."""
    if plan is None or not actor.is_office:
        return []
    return list(
        PlanItem.objects.filter(plan=plan).exclude(state=ItemState.INCLUDED)
        .select_related("scenario", "scenario__region", "changed_by").order_by("-changed_at", "-id")
    )


def plan_candidates(*, actor: Actor, year: int, limit: int = 300) -> QuerySet:
    """Scenarios the office may add to the year's plan: approved, or released that year, and in no plan."""
    if not actor.is_office:
        return Scenario.objects.none()
    in_plans = PlanItem.objects.filter(state=ItemState.INCLUDED).values("scenario_id")
    return (
        Scenario.objects.filter(Q(status=Status.APPROVED) | Q(published_year=year))
        .exclude(pk__in=in_plans)
        .select_related("region", "owner")
        .order_by("region__position", "title", "id")[:limit]
    )
