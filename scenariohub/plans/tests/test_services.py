"""The annual plan: compile, add / drop / move with reasons, confirm into immutable versions."""

import pytest

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import OrganisationFactory
from scenariohub.conftest import as_actor
from scenariohub.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from scenariohub.core.models import AuditLog
from scenariohub.plans import selectors, services
from scenariohub.plans.models import AnnualPlan, ItemState, PlanItem, PlanStatus, PlanVersion, PlanVersionItem
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def scenarios(provider, other_provider, department):
    """Approved scenarios of two cities and a department, one released in YEAR, and some not eligible."""
    return {
        "chengdu": ScenarioFactory(owner=provider.organisation, status=Status.APPROVED),
        "mianyang": ScenarioFactory(owner=other_provider.organisation, status=Status.APPROVED),
        "department": ScenarioFactory(owner=department.organisation, status=Status.APPROVED),
        "released": ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, published_year=YEAR),
        "released_before": ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, published_year=YEAR - 1),
        "draft": ScenarioFactory(owner=provider.organisation, status=Status.DRAFT),
    }


def included(year):
    return set(PlanItem.objects.filter(plan__year=year, state=ItemState.INCLUDED).values_list("scenario_id", flat=True))


def test_compile_adds_approved_and_released_this_year_once(office, scenarios):
    result = services.plan_compile(actor=as_actor(office), year=YEAR)
    expected = {scenarios[k].pk for k in ("chengdu", "mianyang", "department", "released")}
    assert set(result.added) == expected == included(YEAR)
    assert services.plan_compile(actor=as_actor(office), year=YEAR).added == []  # nothing new
    # A scenario in one year's plan is not compiled into another's.
    assert services.plan_compile(actor=as_actor(office), year=YEAR + 1).added == []
    assert AuditLog.objects.filter(action="plan.compile").count() == 3


def test_edits_need_a_reason_and_are_audited(office, scenarios):
    actor = as_actor(office)
    services.plan_compile(actor=actor, year=YEAR)
    s = scenarios["mianyang"]
    with pytest.raises(ValidationFailed):
        services.plan_item_drop(actor=actor, year=YEAR, scenario_id=s.pk, reason="  ")
    services.plan_item_drop(actor=actor, year=YEAR, scenario_id=s.pk, reason="需求方调整")
    assert s.pk not in included(YEAR)
    assert PlanItem.objects.get(plan__year=YEAR, scenario=s).reason == "需求方调整"
    # Compiling again does not undo the drop; adding it back is explicit.
    services.plan_compile(actor=actor, year=YEAR)
    assert s.pk not in included(YEAR)
    services.plan_item_add(actor=actor, year=YEAR, scenario_id=s.pk, reason="重新纳入")
    assert s.pk in included(YEAR)

    services.plan_item_move(actor=actor, year=YEAR, scenario_id=s.pk, reason="条件尚不成熟")
    assert s.pk not in included(YEAR) and s.pk in included(YEAR + 1)
    assert PlanItem.objects.get(plan__year=YEAR, scenario=s).state == ItemState.MOVED
    with pytest.raises(Conflict):
        services.plan_item_add(actor=actor, year=YEAR, scenario_id=s.pk, reason="重复")
    assert {a.action for a in AuditLog.objects.filter(object_type="plans.annualplan")} >= {
        "plan.item_drop", "plan.item_add", "plan.item_move", "plan.item_move_in"}
    draft = ScenarioFactory(status=Status.DRAFT)
    with pytest.raises(InvalidTransition):
        services.plan_item_add(actor=actor, year=YEAR, scenario_id=draft.pk, reason="x")
    with pytest.raises(NotFound):
        services.plan_item_drop(actor=actor, year=YEAR, scenario_id=draft.pk, reason="x")


def test_confirm_freezes_a_version_and_later_edits_open_a_new_draft(office, scenarios):
    actor = as_actor(office)
    services.plan_compile(actor=actor, year=YEAR)
    plan = AnnualPlan.objects.get(year=YEAR)
    v1 = services.plan_confirm(actor=actor, year=YEAR, revision=plan.revision, note="第一批")
    assert (v1.number, v1.item_count, v1.confirmed_by_id) == (1, 4, office.user_id)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.last_version_number == 1
    with pytest.raises(InvalidTransition):
        services.plan_confirm(actor=actor, year=YEAR)  # nothing changed

    # The frozen copy keeps what the scenario said, even after the scenario changes.
    chengdu = scenarios["chengdu"]
    Scenario.objects.filter(pk=chengdu.pk).update(title="改名后的场景", contact_phone="028-00000000")
    frozen = PlanVersionItem.objects.get(version=v1, scenario=chengdu)
    assert frozen.title == chengdu.title and frozen.contact_phone == chengdu.contact_phone
    assert [i.position for i in v1.items.order_by("position")] == [1, 2, 3, 4]

    services.plan_item_drop(actor=actor, year=YEAR, scenario_id=scenarios["department"].pk, reason="部门撤回")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.draft_number == 2
    with pytest.raises(StaleVersion):
        services.plan_confirm(actor=actor, year=YEAR, revision=plan.revision - 1)
    v2 = services.plan_confirm(actor=actor, year=YEAR, revision=plan.revision)
    assert v2.number == 2 and v2.item_count == 3
    assert PlanVersionItem.objects.filter(version=v1).count() == 4  # version 1 unchanged
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [2, 1]


def test_planned_vs_released_by_city_and_department(office, scenarios):
    actor = as_actor(office)
    services.plan_compile(actor=actor, year=YEAR)
    view = selectors.plan_view_for_actor(actor=actor, year=YEAR, version="draft")
    cities = {line.key: (line.planned, line.released) for line in view.by_city}
    assert len(view.by_city) == 21
    assert cities["510100"] == (2, 1) and cities["510700"] == (1, 0) and cities["510300"] == (0, 0)
    assert [(d.name, d.planned, d.released) for d in view.by_department] == [("四川省应急管理厅", 1, 0)]
    assert (view.total.planned, view.total.released) == (4, 1)
    # Cities first in the province's order, then departments.
    assert [r.region_id for r in view.rows][-1] == "510100" and view.rows[-1].is_provincial


def test_who_sees_what(office, chengdu_city, department, supplier, scenarios):
    services.plan_compile(actor=as_actor(office), year=YEAR)
    chengdu_rows = selectors.plan_view_for_actor(actor=as_actor(chengdu_city), year=YEAR).rows
    assert {r.scenario_id for r in chengdu_rows} == {scenarios["chengdu"].pk, scenarios["released"].pk}
    dept_rows = selectors.plan_view_for_actor(actor=as_actor(department), year=YEAR).rows
    assert {r.scenario_id for r in dept_rows} == {scenarios["department"].pk}
    with pytest.raises(NotFound):  # unconfirmed: not public
        selectors.plan_view_for_actor(actor=as_actor(supplier), year=YEAR)
    services.plan_confirm(actor=as_actor(office), year=YEAR)
    public = selectors.plan_view_for_actor(actor=as_actor(supplier), year=YEAR)
    assert public.version.number == 1 and len(public.rows) == 4
    contacts = {r.scenario_id: r.contact_phone for r in public.rows}
    assert contacts[scenarios["released"].pk] and not contacts[scenarios["chengdu"].pk]  # not released yet
    with pytest.raises(NotFound):
        selectors.plan_view_for_actor(actor=as_actor(supplier), year=YEAR, version="draft")


def test_only_the_office_edits(chengdu_city, department, scenarios):
    for m in (chengdu_city, department):
        with pytest.raises(PermissionDenied):
            services.plan_compile(actor=as_actor(m), year=YEAR)
        with pytest.raises(PermissionDenied):
            services.plan_confirm(actor=as_actor(m), year=YEAR)
    assert not AnnualPlan.objects.exists()


def test_a_provincial_owner_in_a_city_region_is_the_departments(office, chengdu_city):
    dept = OrganisationFactory(type=Role.DEPARTMENT, region_id="510100", name="四川省经济和信息化厅")
    s = ScenarioFactory(owner=dept, status=Status.APPROVED)
    services.plan_compile(actor=as_actor(office), year=YEAR)
    assert selectors.plan_view_for_actor(actor=as_actor(chengdu_city), year=YEAR).rows == []
    view = selectors.plan_view_for_actor(actor=as_actor(office), year=YEAR)
    assert view.by_department[0].name == dept.name and view.rows[0].scenario_id == s.pk
