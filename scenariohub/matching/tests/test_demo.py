"""The demo's matching stage: suppliers, plans, conferences, applications and talks, seeded once for the
module through the real services (with the later stages, as `seed_demo` runs them)."""

import datetime as dt
import io
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from scenariohub.accounts.models import Membership, Role
from scenariohub.conftest import client_for
from scenariohub.events.models import Channel, EventRegistration, EventScenario, EventStatus, ReleaseEvent
from scenariohub.matching.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Notification,
    Question,
    Score,
    Solution,
    Subscription,
    SupplierProfile,
    Talk,
    TalkOutcome,
)
from scenariohub.plans.models import AnnualPlan, PlanVersion
from scenariohub.scenarios import demo, demo_corpus
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status

N = 90
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
HORIZON = dt.datetime.combine(
    demo_corpus.AS_OF + dt.timedelta(days=demo.HORIZON_DAYS), dt.time(18), tzinfo=demo.TZ
)


@pytest.fixture(autouse=True)
def _emails():
    """The matching tests' personas are not wanted here: the demo has its own `supplier` and `provider`."""


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5]), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", "--scenarios", str(N), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def client_as(username: str):
    return client_for(Membership.objects.get(user__username=username))


def published_at(scenario_id: int):
    return ScenarioTransition.objects.get(scenario_id=scenario_id, to_status=Status.PUBLISHED).created_at


@pytest.mark.django_db
def test_counts_of_every_kind_and_the_summary(seeded):
    suppliers = Membership.objects.filter(role=Role.SUPPLIER).values("organisation").distinct().count()
    assert SupplierProfile.objects.count() == suppliers
    assert 0 < SupplierProfile.objects.filter(verified=True).count() < suppliers
    assert Solution.objects.filter(published=True).count() >= 2 * suppliers
    assert Subscription.objects.filter(user__username="supplier").values("frequency").distinct().count() == 2
    for model in (Application, Question, Score, Talk, EventRegistration):
        assert model.objects.exists(), model
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in ApplicationStatus}
    assert Application.objects.filter(members__isnull=False).exists()  # consortia
    assert Question.objects.exclude(answer="").exists() and Question.objects.filter(answer="").exists()
    assert Talk.objects.exclude(outcome=TalkOutcome.PENDING).exclude(minutes="").exists()
    assert "applications" in seeded and "talks" in seeded and "conferences" in seeded


@pytest.mark.django_db
def test_conferences_held_each_quarter_and_one_to_come(seeded):
    held = ReleaseEvent.objects.filter(channel=Channel.CONFERENCE, status=EventStatus.HELD)
    assert held.filter(date__year=2025).count() == 4
    assert held.filter(date__year=2026).count() == 3
    coming = ReleaseEvent.objects.get(channel=Channel.CONFERENCE, status=EventStatus.PLANNED)
    assert coming.date.year == 2026 and coming.date.month == 12
    # Hosts rotate: no city hosts twice in a row, and the coming one releases the approved scenarios.
    hosts = list(ReleaseEvent.objects.order_by("date").values_list("host_region_id", flat=True))
    assert len(set(hosts)) == len(hosts)
    assigned = set(EventScenario.objects.filter(event=coming).values_list("scenario__status", flat=True))
    assert assigned == {Status.APPROVED}
    assert coming.registrations.filter(user__username="supplier").exists()
    for event in held:
        assert event.held_at >= event.start_datetime and event.held_at < HORIZON
        assert event.created_at < event.start_datetime


@pytest.mark.django_db
def test_plans_confirmed_with_a_revision(seeded):
    assert set(AnnualPlan.objects.values_list("year", flat=True)) >= {2025, 2026}
    v2025 = PlanVersion.objects.filter(plan__year=2025)
    v2026 = PlanVersion.objects.filter(plan__year=2026).order_by("number")
    assert v2025.count() == 1 and v2026.count() == 2
    assert v2026[0].confirmed_at < v2026[1].confirmed_at < HORIZON
    assert v2026[1].item_count == v2026[0].item_count - 2  # two moved to 2027
    assert all(v.item_count > 0 for v in PlanVersion.objects.all())


@pytest.mark.django_db
def test_times_in_order_and_states_consistent(seeded):
    apps = Application.objects.select_related("scenario")
    assert apps.exists()
    for app in apps:
        scenario = app.scenario
        assert published_at(scenario.pk) < app.created_at < HORIZON
        if scenario.deadline:
            assert app.created_at.astimezone(demo.TZ).date() <= scenario.deadline
        # Applied to: the scenario left `published` (the service moved it) and never came back.
        assert scenario.status != Status.PUBLISHED
        steps = list(ApplicationTransition.objects.filter(application=app).order_by("created_at", "id"))
        assert steps[0].action == "submit" and steps[-1].to_status == app.status
        assert all(a.created_at < b.created_at for a, b in pairwise(steps))
        if app.decided_at:
            assert app.created_at < app.decided_at < HORIZON
    for talk in Talk.objects.select_related("application"):
        assert talk.application.status == ApplicationStatus.SHORTLISTED
        assert talk.application.decided_at < talk.created_at < talk.scheduled_at
        if talk.outcome != TalkOutcome.PENDING:
            assert talk.scheduled_at < talk.updated_at < HORIZON and talk.minutes
    for q in Question.objects.exclude(answered_at=None):
        assert published_at(q.scenario_id) < q.created_at < q.answered_at < HORIZON
    for p in SupplierProfile.objects.filter(verified=True):
        assert p.created_at < p.verified_at < HORIZON
    # Every e-mail copy counts as sent at its historic time: committing the seed mails nobody.
    assert not Notification.objects.filter(emailed_at=None).exists()
    assert not Notification.objects.filter(created_at__gte=HORIZON).exists()


@pytest.mark.django_db
def test_some_open_scenarios_left_without_applications(seeded):
    published = Scenario.objects.filter(status=Status.PUBLISHED)
    assert published.filter(applications__isnull=True).exists()


@pytest.mark.django_db
def test_pages_show_the_data(seeded, client):
    profile = SupplierProfile.objects.filter(verified=True).select_related("organisation").first()
    solution = Solution.objects.filter(supplier=profile.organisation).first()
    assert profile.organisation.name in client.get(reverse("matching:supplier-list")).content.decode()
    page = client.get(reverse("matching:supplier-detail", args=[profile.organisation_id]))
    assert page.status_code == 200 and solution.title in page.content.decode()
    event = ReleaseEvent.objects.filter(status=EventStatus.HELD).first()
    assert event.title in client.get(reverse("events:event-list")).content.decode()
    page = client.get(reverse("events:event-detail", args=[event.pk]))
    assert page.status_code == 200 and event.venue in page.content.decode()

    office = client_as("office")
    page = office.get(reverse("plans:plan-detail", args=[2026]))
    assert page.status_code == 200
    item = PlanVersion.objects.filter(plan__year=2026).order_by("-number").first().items.first()
    assert item.title in page.content.decode()

    talk = Talk.objects.exclude(minutes="").select_related("application__scenario__owner").first()
    client = client_for(Membership.objects.filter(organisation=talk.application.scenario.owner).first())
    page = client.get(reverse("matching:talk-detail", args=[talk.pk]))
    assert page.status_code == 200 and talk.minutes[:20] in page.content.decode()
    page = client.get(reverse("matching:scenario-applications", args=[talk.application.scenario_id]))
    assert page.status_code == 200 and talk.application.supplier.name in page.content.decode()


@pytest.mark.django_db
def test_reset_deletes_the_stage_and_a_second_seed_works(seeded):
    demo.demo_reset()
    for model in (Application, Talk, Question, Solution, SupplierProfile, ReleaseEvent, PlanVersion, AnnualPlan):
        assert not model.objects.exists(), model
    with override_settings(PASSWORD_HASHERS=[MD5]):
        call_command("seed_demo", "--scenarios", "40", stdout=io.StringIO())
    assert ReleaseEvent.objects.filter(status=EventStatus.HELD).count() == 7
    assert Application.objects.exists()
