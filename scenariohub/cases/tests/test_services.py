"""Nomination rules (city of the region, piloted only, within the quota), the office's decisions, and the
dashboard's benchmark figure moving with a designation."""

import pytest
from django.utils import timezone

from scenariohub.cases import services
from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.cases.tests.helpers import WRITEUP, piloted_cooperation
from scenariohub.conftest import CHENGDU, as_actor
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.dashboard.selectors import targets_overview
from scenariohub.scenarios.models import ScenarioTransition, Status
from scenariohub.tracking.models import CooperationStatus

pytestmark = pytest.mark.django_db


def nominate(city, cooperation, **overrides):
    return services.case_nominate(
        actor=as_actor(city), cooperation_id=cooperation.pk, data={**WRITEUP, **overrides}
    )


def test_the_city_of_the_region_nominates_a_piloted_cooperation(chengdu_city, cooperation, quota):
    case = nominate(chengdu_city, cooperation)
    case.refresh_from_db()
    assert case.status == CaseStatus.NOMINATED and case.year == timezone.localdate().year
    assert case.region_id == CHENGDU and case.nominating_organisation == chengdu_city.organisation
    assert [(f.label, f.value) for f in case.figures.all()] == [
        ("漏检率", "下降 80%"),
        ("质检效率", "提升 35%"),
    ]
    assert AuditLog.objects.filter(action="cases.nominate", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    "who, error",
    [
        ("mianyang_city", NotFound),  # another city does not see Chengdu's cooperations
        ("office", PermissionDenied),  # the office decides; it does not nominate
        ("provider", PermissionDenied),  # the scenario owner is a party, not the nominator
        ("supplier", PermissionDenied),
        ("stranger", NotFound),
    ],
)
def test_only_the_city_of_the_region_nominates(request, who, error, cooperation, quota):
    with pytest.raises(error):
        nominate(request.getfixturevalue(who), cooperation)
    assert not BenchmarkCase.objects.exists()


def test_only_piloted_cooperations_can_be_nominated(provider, supplier, chengdu_city, quota):
    from scenariohub.matching import services as matching
    from scenariohub.matching.tests.factories import released_scenario
    from scenariohub.tracking import services as tracking

    scenario = released_scenario(provider.organisation)
    application = matching.application_create(
        actor=as_actor(supplier), scenario_id=scenario.pk, data={"proposal": "方案"}
    )
    matching.application_shortlist(actor=as_actor(provider), application_id=application.pk)
    agreed = tracking.cooperation_create(
        actor=as_actor(provider),
        application_id=application.pk,
        data={
            "parties": "甲乙",
            "signed_on": timezone.localdate().isoformat(),
            "amount": "1000",
            "duration_months": 3,
            "scope": "范围",
        },
    )
    with pytest.raises(InvalidTransition) as exc:
        nominate(chengdu_city, agreed)
    assert exc.value.code == "not_piloted"
    assert not BenchmarkCase.objects.exists()


def test_no_quota_set_means_no_nomination(chengdu_city, cooperation):
    with pytest.raises(Conflict) as exc:
        nominate(chengdu_city, cooperation)
    assert exc.value.code == "no_quota"


def test_the_quota_counts_pending_and_designated_but_not_declined(
    provider, supplier, chengdu_city, office, cooperation, quota
):
    first = nominate(chengdu_city, cooperation)
    second = nominate(chengdu_city, piloted_cooperation(provider, supplier))
    third_coop = piloted_cooperation(provider, supplier)
    with pytest.raises(Conflict) as exc:
        nominate(chengdu_city, third_coop)
    assert exc.value.code == "quota_exhausted"
    services.case_designate(actor=as_actor(office), case_id=first.pk)
    with pytest.raises(Conflict):  # a designated case keeps its place
        nominate(chengdu_city, third_coop)
    services.case_decline(actor=as_actor(office), case_id=second.pk, reason="材料不完整")
    third = nominate(chengdu_city, third_coop)  # the declined one freed its place
    assert third.status == CaseStatus.NOMINATED
    assert BenchmarkCase.objects.filter(status__in=["nominated", "designated"]).count() == quota.number


def test_a_cooperation_is_nominated_once(chengdu_city, cooperation, quota):
    nominate(chengdu_city, cooperation)
    with pytest.raises(Conflict) as exc:
        nominate(chengdu_city, cooperation)
    assert exc.value.code == "already_nominated"


def test_writeup_is_checked_all_at_once_and_video_must_be_https(chengdu_city, cooperation, quota):
    with pytest.raises(ValidationFailed) as exc:
        nominate(
            chengdu_city,
            cooperation,
            title="",
            video_url="http://video.example.cn/a.mp4",
            figures=[{"label": "效率", "value": ""}],
        )
    assert set(exc.value.details) == {"title", "video_url", "figures"}
    with pytest.raises(ValidationFailed):
        nominate(chengdu_city, cooperation, video_url="javascript:alert(1)")
    assert not BenchmarkCase.objects.exists()


def test_designation_moves_scenario_cooperation_and_the_dashboard_benchmark_figure(
    chengdu_city, office, cooperation, quota
):
    year = timezone.localdate().year
    before = targets_overview(year=year, fresh=True).target("benchmarks").actual
    case = nominate(chengdu_city, cooperation)
    case = services.case_designate(actor=as_actor(office), case_id=case.pk, reason="示范效应突出")
    assert case.status == CaseStatus.DESIGNATED and case.decided_by == office.user and case.decided_at
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.BENCHMARK
    assert cooperation.scenario.status == Status.BENCHMARK
    step = ScenarioTransition.objects.get(scenario=cooperation.scenario, to_status=Status.BENCHMARK)
    assert step.action == "designate" and step.actor == office.user
    assert targets_overview(year=year, fresh=True).target("benchmarks").actual == before + 1
    assert AuditLog.objects.filter(action="cases.designate", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    "who, error",
    [
        ("chengdu_city", PermissionDenied),
        ("provider", PermissionDenied),
        ("mianyang_city", NotFound),
        ("stranger", NotFound),
    ],
)
def test_only_the_office_decides(request, who, error, chengdu_city, cooperation, quota):
    case = nominate(chengdu_city, cooperation)
    actor = as_actor(request.getfixturevalue(who))
    with pytest.raises(error):
        services.case_designate(actor=actor, case_id=case.pk)
    with pytest.raises(error):
        services.case_decline(actor=actor, case_id=case.pk, reason="不行")
    case.refresh_from_db()
    assert case.status == CaseStatus.NOMINATED
    assert not ScenarioTransition.objects.filter(to_status=Status.BENCHMARK).exists()


def test_decline_needs_a_reason_and_a_decided_case_stays_decided(chengdu_city, office, cooperation, quota):
    case = nominate(chengdu_city, cooperation)
    with pytest.raises(ValidationFailed):
        services.case_decline(actor=as_actor(office), case_id=case.pk, reason="  ")
    services.case_decline(actor=as_actor(office), case_id=case.pk, reason="示范性不足")
    with pytest.raises(InvalidTransition):
        services.case_designate(actor=as_actor(office), case_id=case.pk)
    case.refresh_from_db()
    cooperation.refresh_from_db()
    assert case.status == CaseStatus.DECLINED and case.decision_reason == "示范性不足"
    assert cooperation.status == CooperationStatus.PILOTED


def test_the_writeup_is_the_city_s_and_only_while_nominated(
    chengdu_city, office, provider, cooperation, quota
):
    case = nominate(chengdu_city, cooperation)
    services.case_update(
        actor=as_actor(chengdu_city), case_id=case.pk, data={"results": "良品率提升至 98.5%。", "figures": []}
    )
    case.refresh_from_db()
    assert (
        case.results == "良品率提升至 98.5%。"
        and case.figures.count() == 0
        and case.title == WRITEUP["title"]
    )
    with pytest.raises(PermissionDenied):
        services.case_update(actor=as_actor(provider), case_id=case.pk, data={"title": "改"})
    services.case_designate(actor=as_actor(office), case_id=case.pk)
    with pytest.raises(InvalidTransition):
        services.case_update(actor=as_actor(chengdu_city), case_id=case.pk, data={"title": "改"})


def test_quota_is_set_by_the_office_and_not_below_what_is_used(office, chengdu_city, cooperation):
    year = timezone.localdate().year
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=as_actor(chengdu_city), year=year, region=CHENGDU, number=5)
    services.quota_set(actor=as_actor(office), year=year, region=CHENGDU, number=1)
    nominate(chengdu_city, cooperation)
    with pytest.raises(ValidationFailed) as exc:
        services.quota_set(actor=as_actor(office), year=year, region=CHENGDU, number=0)
    assert exc.value.code == "quota_below_used"
    services.quota_set(actor=as_actor(office), year=year, region=CHENGDU, number=3)
    assert BenchmarkQuota.objects.get(year=year, region_id=CHENGDU).number == 3
    assert AuditLog.objects.filter(action="cases.quota_set").count() == 2
    with pytest.raises(ValidationFailed):
        services.quota_set(actor=as_actor(office), year=year, region="999999", number=1)
