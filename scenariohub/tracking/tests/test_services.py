"""The cooperation services through the real database: the lifecycle moves with them, each writes its
history and audit rows, and the checks refuse what they must."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.matching.models import Notification
from scenariohub.matching.services.applications import application_decline
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status
from scenariohub.tracking import services
from scenariohub.tracking.models import (
    Cooperation,
    CooperationStatus,
    FollowUp,
    Milestone,
    MilestoneStatus,
    PilotMetric,
    ProgressReport,
)
from scenariohub.tracking.tests.conftest import AGREEMENT, agree, apply_and_shortlist, metrics

pytestmark = pytest.mark.django_db


def _steps(scenario_id):
    return list(ScenarioTransition.objects.filter(scenario_id=scenario_id).values_list("action", "to_status"))


def test_agreement_from_a_shortlisted_application_moves_the_scenario_to_agreed(
    provider, supplier, consortium_member, chengdu_city, shortlisted
):
    cooperation = agree(provider, shortlisted)
    cooperation.refresh_from_db()
    assert (cooperation.status, cooperation.owner_id, cooperation.supplier_id) == (
        CooperationStatus.AGREED,
        provider.organisation_id,
        supplier.organisation_id,
    )
    assert cooperation.amount == Decimal("1250000.00") and cooperation.duration_months == 12
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.AGREED
    assert _steps(shortlisted.scenario_id)[-1] == ("agree", "agreed")
    assert AuditLog.objects.filter(action="cooperation.create", object_id=str(cooperation.pk)).count() == 1
    notified = set(
        Notification.objects.filter(verb=services.VERB_AGREED).values_list("recipient_id", flat=True)
    )
    assert notified == {supplier.user_id, consortium_member.user_id, chengdu_city.user_id}


def test_agreement_refused_for_an_application_not_shortlisted(provider, supplier, outsider_supplier):
    application = apply_and_shortlist(provider, supplier)
    application_decline(actor=as_actor(provider), application_id=application.pk, reason="方案不符合要求")
    with pytest.raises(InvalidTransition) as exc:
        agree(provider, application)
    assert exc.value.code == "not_shortlisted"
    assert not Cooperation.objects.exists()
    assert Scenario.objects.get(pk=application.scenario_id).status == Status.MATCHING


def test_only_the_owner_records_the_agreement(shortlisted, supplier, office, other_provider, chengdu_city):
    for persona, error in (
        (supplier, PermissionDenied),
        (office, PermissionDenied),
        (other_provider, NotFound),
        (chengdu_city, NotFound),
    ):
        with pytest.raises(error):
            agree(persona, shortlisted)
    assert not Cooperation.objects.exists()
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.MATCHING


def test_one_agreement_per_scenario(provider, shortlisted, agreed):
    with pytest.raises(Conflict):
        agree(provider, shortlisted)
    assert Cooperation.objects.count() == 1


def test_agreement_input_is_checked_all_at_once(provider, shortlisted):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        agree(
            provider, shortlisted, parties=" ", amount="-1", duration_months="0", signed_on=tomorrow, scope=""
        )
    assert set(exc.value.details) == {"parties", "amount", "duration_months", "signed_on", "scope"}
    assert not Cooperation.objects.exists()
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.MATCHING


def test_full_path_to_benchmark(provider, office, agreed):
    services.cooperation_start(actor=as_actor(provider), cooperation_id=agreed.pk, started_on="2026-03-10")
    services.pilot_accept(
        actor=as_actor(provider),
        cooperation_id=agreed.pk,
        data={"accepted_on": timezone.localdate(), "report": "验收通过。", "metrics": metrics()},
    )
    services.cooperation_designate_benchmark(
        actor=as_actor(office), cooperation_id=agreed.pk, reason="典型示范"
    )
    agreed.refresh_from_db()
    assert agreed.status == CooperationStatus.BENCHMARK
    assert agreed.started_on == dt.date(2026, 3, 10)
    assert Scenario.objects.get(pk=agreed.scenario_id).status == Status.BENCHMARK
    assert [a for a, _ in _steps(agreed.scenario_id)][-4:] == [
        "agree",
        "start_implementation",
        "accept_pilot",
        "designate",
    ]
    values = list(
        PilotMetric.objects.filter(acceptance__cooperation=agreed).values_list("name", "before", "after")
    )
    assert values == [
        ("缺陷检出率", Decimal("92"), Decimal("99.2")),
        ("单件检测时间", Decimal("1500"), Decimal("180")),
    ]


def test_pilot_requires_results_and_implementation(provider, agreed, implementing):
    with pytest.raises(ValidationFailed) as exc:
        services.pilot_accept(
            actor=as_actor(provider),
            cooperation_id=implementing.pk,
            data={
                "accepted_on": timezone.localdate(),
                "report": "验收通过。",
                "metrics": [{"name": "检出率", "before": "九十", "after": "99", "unit": "%"}],
            },
        )
    assert "metrics" in exc.value.details
    assert Cooperation.objects.get(pk=implementing.pk).status == CooperationStatus.IMPLEMENTING
    assert Scenario.objects.get(pk=implementing.scenario_id).status == Status.IMPLEMENTING


def test_designation_is_the_office_s_and_only_after_the_pilot(provider, chengdu_city, office, implementing):
    with pytest.raises(InvalidTransition):
        services.cooperation_designate_benchmark(actor=as_actor(office), cooperation_id=implementing.pk)
    services.pilot_accept(
        actor=as_actor(provider),
        cooperation_id=implementing.pk,
        data={"accepted_on": timezone.localdate(), "report": "验收通过。", "metrics": metrics()},
    )
    for persona in (provider, chengdu_city):
        with pytest.raises(PermissionDenied):
            services.cooperation_designate_benchmark(actor=as_actor(persona), cooperation_id=implementing.pk)
    assert Cooperation.objects.get(pk=implementing.pk).status == CooperationStatus.PILOTED


def test_city_terminates_a_failed_cooperation_with_a_reason(
    provider, chengdu_city, mianyang_city, implementing
):
    with pytest.raises(NotFound):
        services.cooperation_terminate(
            actor=as_actor(mianyang_city), cooperation_id=implementing.pk, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.cooperation_terminate(
            actor=as_actor(provider), cooperation_id=implementing.pk, reason="不做了"
        )
    with pytest.raises(ValidationFailed):
        services.cooperation_terminate(
            actor=as_actor(chengdu_city), cooperation_id=implementing.pk, reason=" "
        )
    services.cooperation_terminate(
        actor=as_actor(chengdu_city), cooperation_id=implementing.pk, reason="供应方退出"
    )
    implementing.refresh_from_db()
    assert (implementing.status, implementing.termination_reason) == (
        CooperationStatus.TERMINATED,
        "供应方退出",
    )
    assert Scenario.objects.get(pk=implementing.scenario_id).status == Status.CLOSED


def test_milestones_reports_and_followups(provider, supplier, chengdu_city, office, implementing):
    actor = as_actor(provider)
    milestone = services.milestone_add(
        actor=actor,
        cooperation_id=implementing.pk,
        data={"title": "完成数据采集", "planned_on": "2026-04-30"},
    )
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            actor=as_actor(supplier),
            cooperation_id=implementing.pk,
            data={"title": "x", "planned_on": "2026-04-30"},
        )
    services.milestone_update(
        actor=actor,
        milestone_id=milestone.pk,
        data={"title": "完成数据采集与标注", "planned_on": "2026-05-15", "status": "in_progress"},
    )
    services.milestone_complete(actor=actor, milestone_id=milestone.pk, done_on="2026-05-10")
    milestone.refresh_from_db()
    assert (milestone.title, milestone.status, milestone.done_on) == (
        "完成数据采集与标注",
        MilestoneStatus.DONE,
        dt.date(2026, 5, 10),
    )
    with pytest.raises(InvalidTransition):
        services.milestone_complete(actor=actor, milestone_id=milestone.pk, done_on="2026-05-11")

    report = services.progress_report_create(
        actor=actor,
        cooperation_id=implementing.pk,
        data={"percent_complete": "40", "text": "数据采集完成，模型训练中。", "reported_on": "2026-05-12"},
    )
    assert (report.percent_complete, report.author_id) == (40, provider.user_id)
    with pytest.raises(ValidationFailed) as exc:
        services.progress_report_create(
            actor=actor, cooperation_id=implementing.pk, data={"percent_complete": "140", "text": ""}
        )
    assert set(exc.value.details) == {"percent_complete", "text"}
    with pytest.raises(PermissionDenied):  # the city follows up, it does not report for the owner
        services.progress_report_create(
            actor=as_actor(chengdu_city),
            cooperation_id=implementing.pk,
            data={"percent_complete": "50", "text": "x"},
        )

    followup = services.followup_create(
        actor=as_actor(chengdu_city),
        cooperation_id=implementing.pk,
        data={"comment": "算力资源不足，进度可能延后。", "risk_level": "high"},
    )
    assert followup.is_open_risk
    with pytest.raises(PermissionDenied):
        services.followup_create(
            actor=as_actor(provider),
            cooperation_id=implementing.pk,
            data={"comment": "x", "risk_level": "low"},
        )
    services.followup_resolve(actor=as_actor(office), followup_id=followup.pk, resolution="已协调省算力平台")
    followup.refresh_from_db()
    assert followup.resolved and followup.resolved_by_id == office.user_id
    with pytest.raises(InvalidTransition):
        services.followup_resolve(actor=as_actor(chengdu_city), followup_id=followup.pk)
    assert ProgressReport.objects.count() == 1 and FollowUp.objects.count() == 1
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "milestone.add",
        "milestone.update",
        "milestone.complete",
        "progress_report.create",
        "followup.create",
        "followup.resolve",
    } <= actions


def test_rescheduling_a_milestone_clears_its_overdue_flag(provider, implementing):
    milestone = Milestone.objects.create(
        cooperation=implementing,
        title="部署",
        planned_on=dt.date(2026, 4, 1),
        overdue_flagged_at=timezone.now(),
    )
    services.milestone_update(
        actor=as_actor(provider),
        milestone_id=milestone.pk,
        data={"title": "部署", "planned_on": "2026-06-01"},
    )
    milestone.refresh_from_db()
    assert milestone.overdue_flagged_at is None


def test_agreement_data_defaults_are_stored_as_given(provider, shortlisted):
    cooperation = agree(provider, shortlisted, amount="88000.5")
    assert Cooperation.objects.get(pk=cooperation.pk).amount == Decimal("88000.50")
    assert AGREEMENT["parties"] == Cooperation.objects.get(pk=cooperation.pk).parties


def test_a_signed_application_can_no_longer_be_withdrawn_or_declined(provider, supplier, agreed):
    from scenariohub.matching.models import Application, ApplicationStatus
    from scenariohub.matching.services.applications import application_withdraw

    with pytest.raises(InvalidTransition):
        application_withdraw(actor=as_actor(supplier), application_id=agreed.application_id)
    with pytest.raises(InvalidTransition):
        application_decline(actor=as_actor(provider), application_id=agreed.application_id, reason="改选他家")
    assert Application.objects.get(pk=agreed.application_id).status == ApplicationStatus.SHORTLISTED
