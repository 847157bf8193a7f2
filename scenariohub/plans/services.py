"""Writes to annual plans: compile, add, drop, move to next year, confirm (freeze a version).

Only the provincial office edits plans. Each edit locks the plan row (serialising edits of one plan),
bumps its revision, makes it a draft again if it was confirmed, and writes an audit row with the reason.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from scenariohub.core.services import audit_record
from scenariohub.plans.models import AnnualPlan, ItemState, PlanItem, PlanStatus, PlanVersion, PlanVersionItem
from scenariohub.plans.selectors import DRAFT, check_year, plan_view_for_actor
from scenariohub.scenarios.models import Scenario, Status

REASON_MAX = 1000


def _require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office may edit the annual plan."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("A reason is required."), code="reason_required", details={"reason": [_("A reason is required.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("The reason is too long (1000 characters at most)."), details={"reason": [_("Too long.")]})
    return reason


def _audit(actor: Actor, action: str, plan: AnnualPlan, data: dict) -> None:
    audit_record(
        actor=actor.user, organisation=actor.organisation, action=action, obj=plan, data={"year": plan.year, **data},
        ip_address=actor.ip_address,
    )


def _lock_plan(year: int, actor: Actor, *, create: bool) -> AnnualPlan:
    if create:
        AnnualPlan.objects.get_or_create(year=year, defaults={"created_by": actor.user})
    plan = AnnualPlan.objects.select_for_update().filter(year=year).first()
    if plan is None:
        raise NotFound(_("No plan for this year."))
    return plan


def _touch(plan: AnnualPlan) -> None:
    """An edit: the working list differs from the last version now."""
    AnnualPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.DRAFT, revision=F("revision") + 1, updated_at=timezone.now()
    )
    plan.refresh_from_db()


def _eligible_q(year: int) -> Q:
    # Approved scenarios wait for a release; those released this year already count towards it.
    return Q(status=Status.APPROVED) | Q(published_year=year)


@dataclass
class CompileResult:
    plan: AnnualPlan
    added: list[int] = field(default_factory=list)


def plan_compile(*, actor: Actor, year: int) -> CompileResult:
    """Add every approved scenario (and every one released this year) that is in no plan yet.

    A scenario dropped from this year's list stays dropped: compiling again does not undo the office's
    decision (adding it back is an explicit `plan_item_add`).
    """
    _require_office(actor)
    year = check_year(year)
    try:
        with transaction.atomic():
            plan = _lock_plan(year, actor, create=True)
            in_plans = PlanItem.objects.filter(state=ItemState.INCLUDED).values("scenario_id")
            in_this = PlanItem.objects.filter(plan=plan).values("scenario_id")
            ids = list(
                Scenario.objects.filter(_eligible_q(year)).exclude(pk__in=in_plans).exclude(pk__in=in_this)
                .order_by("id").values_list("id", flat=True)
            )
            PlanItem.objects.bulk_create([
                PlanItem(plan=plan, scenario_id=sid, state=ItemState.INCLUDED, added_by=actor.user,
                         changed_by=actor.user) for sid in ids
            ])
            if ids:
                _touch(plan)
            _audit(actor, "plan.compile", plan, {"added": ids})
    except IntegrityError:
        # Another year's plan took one of these scenarios at the same moment.
        raise Conflict(_("The plans changed while compiling. Try again.")) from None
    return CompileResult(plan=plan, added=ids)


def _other_plan_year(scenario_id: int, plan: AnnualPlan) -> int | None:
    row = (
        PlanItem.objects.filter(scenario_id=scenario_id, state=ItemState.INCLUDED).exclude(plan=plan)
        .select_related("plan").first()
    )
    return row.plan.year if row else None


def _get_scenario(scenario_id) -> Scenario:
    scenario = Scenario.objects.filter(pk=scenario_id).first() if str(scenario_id).isdigit() else None
    if scenario is None:
        raise NotFound(_("Scenario not found."))
    return scenario


def _include(plan: AnnualPlan, scenario: Scenario, actor: Actor, reason: str) -> PlanItem:
    other = _other_plan_year(scenario.pk, plan)
    if other is not None:
        raise Conflict(
            _("This scenario is already in the %(year)s plan; move it from there instead.") % {"year": other},
            code="in_other_plan",
        )
    item = PlanItem.objects.filter(plan=plan, scenario=scenario).first()
    if item is not None and item.state == ItemState.INCLUDED:
        raise Conflict(_("This scenario is already in the plan."), code="already_in_plan")
    try:
        with transaction.atomic():
            if item is None:
                item = PlanItem.objects.create(
                    plan=plan, scenario=scenario, state=ItemState.INCLUDED, reason=reason, added_by=actor.user,
                    changed_by=actor.user,
                )
            else:
                item.state, item.reason, item.changed_by = ItemState.INCLUDED, reason, actor.user
                item.save(update_fields=["state", "reason", "changed_by", "changed_at"])
    except IntegrityError:
        raise Conflict(_("This scenario was just put in another plan. Reload and try again."), code="in_other_plan") from None
    return item


@transaction.atomic
def plan_item_add(*, actor: Actor, year: int, scenario_id: int, reason: str) -> PlanItem:
    _require_office(actor)
    year = check_year(year)
    reason = _reason(reason)
    scenario = _get_scenario(scenario_id)
    if not Scenario.objects.filter(_eligible_q(year), pk=scenario.pk).exists():
        raise InvalidTransition(
            _("Only approved scenarios, or scenarios released in %(year)s, can be in its plan.") % {"year": year},
            code="not_eligible",
        )
    plan = _lock_plan(year, actor, create=True)
    item = _include(plan, scenario, actor, reason)
    _touch(plan)
    _audit(actor, "plan.item_add", plan, {"scenario": scenario.pk, "reason": reason})
    return item


def _lock_included(plan: AnnualPlan, scenario_id) -> PlanItem:
    item = (
        PlanItem.objects.select_for_update().filter(plan=plan, scenario_id=scenario_id, state=ItemState.INCLUDED).first()
        if str(scenario_id).isdigit() else None
    )
    if item is None:
        raise NotFound(_("This scenario is not in the plan."))
    return item


@transaction.atomic
def plan_item_drop(*, actor: Actor, year: int, scenario_id: int, reason: str) -> PlanItem:
    _require_office(actor)
    year = check_year(year)
    reason = _reason(reason)
    plan = _lock_plan(year, actor, create=False)
    item = _lock_included(plan, scenario_id)
    item.state, item.reason, item.changed_by = ItemState.DROPPED, reason, actor.user
    item.save(update_fields=["state", "reason", "changed_by", "changed_at"])
    _touch(plan)
    _audit(actor, "plan.item_drop", plan, {"scenario": item.scenario_id, "reason": reason})
    return item


@transaction.atomic
def plan_item_move(*, actor: Actor, year: int, scenario_id: int, reason: str) -> PlanItem:
    """Move a scenario to next year's plan (created if need be). Plans are locked in year order."""
    _require_office(actor)
    year = check_year(year)
    check_year(year + 1)
    reason = _reason(reason)
    plan = _lock_plan(year, actor, create=False)
    following = _lock_plan(year + 1, actor, create=True)
    item = _lock_included(plan, scenario_id)
    item.state, item.reason, item.changed_by = ItemState.MOVED, reason, actor.user
    item.save(update_fields=["state", "reason", "changed_by", "changed_at"])
    moved = _include(following, item.scenario, actor, reason)
    _touch(plan)
    _touch(following)
    _audit(actor, "plan.item_move", plan, {"scenario": item.scenario_id, "to_year": year + 1, "reason": reason})
    _audit(actor, "plan.item_move_in", following, {"scenario": item.scenario_id, "from_year": year, "reason": reason})
    return moved


@transaction.atomic
def plan_confirm(*, actor: Actor, year: int, revision: int | None = None, note: str = "") -> PlanVersion:
    """Freeze the working list as the next version. `revision` is the one the office was looking at: if
    the list changed since, nothing is confirmed (StaleVersion)."""
    _require_office(actor)
    year = check_year(year)
    plan = _lock_plan(year, actor, create=False)
    if revision is not None and int(revision) != plan.revision:
        raise StaleVersion(_("The plan changed after you opened it. Review the changes, then confirm again."))
    if plan.status == PlanStatus.CONFIRMED:
        raise InvalidTransition(
            _("Nothing changed since version %(n)d was confirmed.") % {"n": plan.last_version_number},
            code="nothing_to_confirm",
        )
    view = plan_view_for_actor(actor=actor, year=year, version=DRAFT)
    number = plan.last_version_number + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, confirmed_by=actor.user, confirmed_at=timezone.now(), note=(note or "").strip()[:300],
        item_count=len(view.rows),
    )
    scenarios = Scenario.objects.in_bulk([r.scenario_id for r in view.rows])
    PlanVersionItem.objects.bulk_create([
        PlanVersionItem(
            version=version, position=row.position, scenario_id=row.scenario_id, title=row.title,
            owner_id=row.owner_id, owner_name=row.owner_name, owner_type=row.owner_type, region_id=row.region_id,
            sector_id=row.sector_id, field_id=row.field_id, kind=row.kind, purpose=row.purpose,
            tech_requirements=row.tech_requirements, cooperation_mode=row.cooperation_mode,
            budget_min=row.budget_min, budget_max=row.budget_max,
            # The office sees every contact, but take them from the row itself: the frozen copy is complete.
            contact_name=scenarios[row.scenario_id].contact_name, contact_phone=scenarios[row.scenario_id].contact_phone,
            scenario_status=row.scenario_status,
        )
        for row in view.rows
    ])
    touched = AnnualPlan.objects.filter(pk=plan.pk, revision=plan.revision).update(
        status=PlanStatus.CONFIRMED, last_version_number=number, updated_at=timezone.now()
    )
    if touched != 1:
        raise StaleVersion(_("The plan changed after you opened it. Review the changes, then confirm again."))
    _audit(actor, "plan.confirm", plan, {"version": number, "items": len(view.rows), "note": version.note})
    return version
