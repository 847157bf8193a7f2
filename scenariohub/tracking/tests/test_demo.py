"""The demo's delivery stage (`scenariohub.tracking.demo.seed`): a small province seeded once for the module
through the real services, then checked for what reviewers see after publication."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.test.utils import override_settings

from scenariohub.accounts.models import Membership
from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.conftest import client_for
from scenariohub.dashboard.selectors import targets_overview
from scenariohub.matching import tasks
from scenariohub.matching.models import Application, ApplicationStatus, Notification
from scenariohub.promotion.models import Adoption, PromotedProduct
from scenariohub.promotion.selectors import FLAGS
from scenariohub.publicity.models import NewsItem
from scenariohub.scenarios import demo
from scenariohub.scenarios.demo_corpus import AS_OF
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.support.models import ApplicationStatus as SupportStatus
from scenariohub.support.models import SupportApplication
from scenariohub.tracking.models import (
    Cooperation,
    CooperationStatus,
    FollowUp,
    Milestone,
    MilestoneStatus,
    PilotAcceptance,
    ProgressReport,
)
from scenariohub.tracking.selectors import milestones_overdue
from scenariohub.zones.models import YearStatus, ZoneScore, ZoneYear

N = 120
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
# demo_seed's end of history (the real clock is later than it whenever this suite runs after 2026-11-27).
NOW = dt.datetime.combine(AS_OF + dt.timedelta(days=demo.HORIZON_DAYS), dt.time(18), tzinfo=demo.TZ)
SCENARIO_STATUS = {
    CooperationStatus.AGREED: Status.AGREED,
    CooperationStatus.IMPLEMENTING: Status.IMPLEMENTING,
    CooperationStatus.PILOTED: Status.PILOTED,
    CooperationStatus.BENCHMARK: Status.BENCHMARK,
    CooperationStatus.TERMINATED: Status.CLOSED,
}
# Planned dates, deadlines and scheduled talks may lie ahead; the times of what happened may not.
PLANNED = ("planned_on", "deadline", "scheduled_at")
APPS = ("tracking", "cases", "promotion", "publicity", "zones", "support", "matching", "scenarios", "core")


def _seed(n: int = N) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scenarios", str(n), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5]), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


def _fingerprint() -> list[tuple]:
    return sorted(
        Cooperation.objects.values_list(
            "scenario__title", "supplier__name", "status", "signed_on", "started_on", "amount"
        )
    )


def _client(username: str) -> Client:
    return client_for(Membership.objects.get(user__username=username))


def _login_of(organisation) -> str:
    return organisation.memberships.select_related("user").first().user.username


@pytest.mark.django_db
def test_every_kind_is_made_and_counted(seeded):
    assert "cooperations" in seeded and "benchmark cases" in seeded and "news" in seeded
    statuses = set(Cooperation.objects.values_list("status", flat=True))
    assert statuses == set(CooperationStatus.values)
    assert 10 <= Cooperation.objects.count() <= 30  # fewer when matching took the scenarios first
    assert Milestone.objects.filter(status=MilestoneStatus.DONE).exists()
    assert ProgressReport.objects.exists() and FollowUp.objects.exclude(risk_level="none").exists()
    assert PilotAcceptance.objects.filter(metrics__isnull=False).exists()
    assert Application.objects.filter(status=ApplicationStatus.DECLINED).exists()
    for year in (2025, 2026):
        assert BenchmarkQuota.objects.filter(year=year, region__isnull=False).count() == 21
    cases = set(BenchmarkCase.objects.values_list("year", "status"))
    assert {(2025, CaseStatus.DESIGNATED), (2026, CaseStatus.DESIGNATED), (2026, CaseStatus.DECLINED)} <= cases
    assert PromotedProduct.objects.exists()
    assert Adoption.objects.values("region").distinct().count() >= 3
    assert 5 <= NewsItem.objects.filter(published=True).count() <= 8
    assert set(SupportApplication.objects.values_list("status", flat=True)) == {
        SupportStatus.GRANTED,
        SupportStatus.REFUSED,
        SupportStatus.SUBMITTED,
    }
    assert SupportApplication.objects.values("measure").distinct().count() >= 4


@pytest.mark.django_db
def test_nothing_is_stamped_after_the_end_of_the_history(seeded):
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.fields:
                if field.name in PLANNED:
                    continue
                if isinstance(field, models.DateTimeField):
                    late = model.objects.filter(**{f"{field.name}__gt": NOW})
                    assert not late.exists(), f"{model.__name__}.{field.name}"
                elif isinstance(field, models.DateField):
                    late = model.objects.filter(**{f"{field.name}__gt": NOW.date()})
                    assert not late.exists(), f"{model.__name__}.{field.name}"


@pytest.mark.django_db
def test_each_cooperation_follows_its_scenario_in_order(seeded):
    for cooperation in Cooperation.objects.select_related("scenario", "application"):
        scenario = cooperation.scenario
        assert scenario.status == SCENARIO_STATUS[cooperation.status]
        history = list(scenario.transitions.order_by("created_at", "id"))
        times = [t.created_at for t in history]
        assert times == sorted(times)
        published = next(t.created_at for t in history if t.to_status == Status.PUBLISHED)
        applications = list(scenario.applications.all())
        assert len(applications) >= 2
        for application in applications:
            assert published < application.created_at <= application.decided_at
            if scenario.deadline:
                assert application.created_at.astimezone(demo.TZ).date() <= scenario.deadline
        shortlisted = cooperation.application
        assert shortlisted.status == ApplicationStatus.SHORTLISTED
        assert shortlisted.decided_at.astimezone(demo.TZ).date() <= cooperation.signed_on
        agreed = next(t for t in history if t.to_status == Status.AGREED)
        assert agreed.created_at.astimezone(demo.TZ).date() == cooperation.signed_on
        assert cooperation.created_at == agreed.created_at
        if cooperation.started_on:
            assert cooperation.started_on >= cooperation.signed_on
        for milestone in cooperation.milestones.all():
            assert milestone.created_at >= agreed.created_at
            if milestone.done_on:
                assert cooperation.signed_on <= milestone.done_on < NOW.date()
        for report in cooperation.reports.all():
            assert cooperation.signed_on <= report.reported_on
        for followup in cooperation.followups.all():
            assert agreed.created_at < followup.created_at
            if followup.resolved_at:
                assert followup.created_at < followup.resolved_at
        if cooperation.status in (CooperationStatus.PILOTED, CooperationStatus.BENCHMARK):
            acceptance = cooperation.acceptance
            assert acceptance.accepted_on >= cooperation.started_on
            assert acceptance.metrics.count() >= 1
        if cooperation.status == CooperationStatus.TERMINATED:
            assert cooperation.termination_reason and cooperation.terminated_at > agreed.created_at
        assert scenario.updated_at == times[-1]


@pytest.mark.django_db
def test_one_or_two_milestones_are_overdue_for_the_daily_command(seeded):
    overdue = milestones_overdue(today=NOW.date())
    assert 1 <= overdue.count() <= 2
    assert not overdue.filter(overdue_flagged_at__isnull=False).exists()


@pytest.mark.django_db
def test_cases_follow_pilots_and_decisions_follow_nominations(seeded):
    for case in BenchmarkCase.objects.select_related("cooperation__acceptance", "cooperation"):
        pilot = case.cooperation.acceptance
        assert case.nominated_at > pilot.created_at
        assert case.nominated_at.astimezone(demo.TZ).year == case.year
        if case.status == CaseStatus.NOMINATED:
            assert case.decided_at is None
            continue
        assert case.nominated_at < case.decided_at < NOW
        assert (case.status == CaseStatus.DESIGNATED) == (case.cooperation.status == CooperationStatus.BENCHMARK)
        if case.status == CaseStatus.DECLINED:
            assert case.decision_reason
    for year in (2025, 2026):
        benchmarks = next(t.actual for t in targets_overview(year=year, fresh=True).targets if t.metric.code == "benchmarks")
        assert benchmarks == BenchmarkCase.objects.filter(year=year, status=CaseStatus.DESIGNATED).count() > 0
    assert BenchmarkCase.objects.filter(year=2026, status=CaseStatus.DESIGNATED).count() < 10


@pytest.mark.django_db
def test_flags_only_with_a_designated_case_and_grants_within_requests(seeded):
    for product in PromotedProduct.objects.all():
        assert product.evidence_cooperations.exists()
        if any(getattr(product, flag) for flag in FLAGS):
            assert product.evidence_cases.filter(status=CaseStatus.DESIGNATED).exists()
        for adoption in product.adoptions.all():
            assert adoption.organisation_id != product.solution.supplier_id
            assert product.entered_at.astimezone(demo.TZ).date() <= adoption.adopted_on <= NOW.date()
    for application in SupportApplication.objects.exclude(amount_granted=None):
        assert Decimal(0) < application.amount_granted <= application.amount_requested
    assert not SupportApplication.objects.filter(status=SupportStatus.REFUSED, decision_reason="").exists()
    zone_2025, zone_2026 = ZoneYear.objects.get(year=2025), ZoneYear.objects.get(year=2026)
    assert zone_2025.status == YearStatus.DECIDED and zone_2026.status == YearStatus.OPEN
    assert ZoneScore.objects.filter(zone_year=zone_2025).count() == 21
    assert not ZoneScore.objects.filter(zone_year=zone_2026).exists()


@pytest.mark.django_db
def test_no_mail_is_left_to_send(seeded):
    """The stage's notifications carry their historic time as sent: the commit-time task sends nothing."""
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert ids
    mail.outbox.clear()
    assert tasks.notification_send_emails(notification_ids=ids) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_pages_show_the_delivery(seeded):
    case = BenchmarkCase.objects.filter(status=CaseStatus.DESIGNATED).select_related("cooperation").first()
    anonymous = Client()
    page = anonymous.get("/cases/")
    assert page.status_code == 200 and case.title in page.content.decode()
    assert anonymous.get(f"/cases/{case.pk}/").status_code == 200
    news = NewsItem.objects.filter(published=True).first()
    page = anonymous.get("/news/")
    assert page.status_code == 200 and news.title in page.content.decode()
    product = PromotedProduct.objects.select_related("solution").first()
    page = anonymous.get("/promotion/")
    assert page.status_code == 200 and product.solution.title in page.content.decode()
    assert anonymous.get("/zones/2025/").status_code == 200

    cooperation = case.cooperation
    owner = _client(_login_of(cooperation.owner))
    page = owner.get(f"/tracking/{cooperation.pk}/")
    assert page.status_code == 200 and cooperation.scenario.title in page.content.decode()
    office = _client("office")
    page = office.get("/tracking/")
    assert page.status_code == 200 and cooperation.scenario.title in page.content.decode()
    pending = SupportApplication.objects.filter(status=SupportStatus.SUBMITTED).first()
    page = office.get("/support/applications/")
    assert page.status_code == 200 and pending.applicant.name in page.content.decode()
    assert office.get("/dashboard/?year=2025").status_code == 200


@pytest.mark.django_db
def test_reset_removes_the_stage_and_a_second_seed_is_the_same(seeded):
    before = _fingerprint()
    with transaction.atomic():
        demo.demo_reset()
        assert not Cooperation.objects.exists() and not Scenario.objects.exists()
        assert not BenchmarkCase.objects.exists() and not NewsItem.objects.exists()
        assert not ZoneYear.objects.exists() and not SupportApplication.objects.exists()
        with override_settings(PASSWORD_HASHERS=[MD5]):
            _seed()
        assert _fingerprint() == before
        transaction.set_rollback(True)
