"""`seed_demo` and `demo_logins`: a small province, built once for the module through the real services."""

import io
from collections import Counter

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from scenariohub.accounts.models import Membership, Organisation, Role, User
from scenariohub.core.models import AuditLog
from scenariohub.scenarios import demo
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status

N = 60
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
LIFECYCLE_STATES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.PUBLISHED,
    Status.WITHDRAWN,
    Status.CLOSED,
}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scenarios", str(N), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back afterwards."""
    # The same weak hasher as every test (conftest), which module-scoped fixtures run before.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5]), transaction.atomic():
        output = seed("--if-empty")
        yield output
        transaction.set_rollback(True)


def history(scenario: Scenario) -> list[ScenarioTransition]:
    return list(scenario.transitions.select_related("organisation").order_by("created_at", "id"))


@pytest.mark.django_db
def test_organisations_and_logins(seeded):
    counts = Counter(Organisation.objects.values_list("type", flat=True))
    assert counts[Role.OFFICE] == 1
    assert counts[Role.CITY] == 21
    assert counts[Role.DEPARTMENT] >= 5
    assert counts[Role.PROVIDER] >= 40
    assert counts[Role.SUPPLIER] >= 30
    assert Organisation.objects.filter(type=Role.CITY).values("region").distinct().count() == 21
    assert not Organisation.objects.filter(
        type__in=[Role.PROVIDER, Role.SUPPLIER], credit_code__isnull=True
    ).exists()
    for org in Organisation.objects.exclude(credit_code=None):
        org.full_clean(validate_unique=False)  # the credit codes carry a valid check character

    # Every organisation can be logged into; memberships hold the organisation's role.
    assert not Organisation.objects.filter(memberships__isnull=True).exists()
    assert not Membership.objects.exclude(role=F("organisation__type")).exists()
    logins = {x.username: x for x in demo.demo_logins()}
    assert {
        "admin",
        "office",
        "department",
        "provider",
        "supplier",
        "chengdu",
        "mianyang",
        "liangshan",
    } <= set(logins)
    assert sum(1 for x in logins.values() if x.role == Role.CITY) == 21
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.memberships.get().organisation.type == Role.OFFICE
    # One hash for everyone, and it is the documented password.
    assert set(User.objects.filter(username__in=logins).values_list("password", flat=True)) == {
        admin.password
    }
    assert check_password(demo.DEMO_PASSWORD, admin.password)


@pytest.mark.django_db
def test_scenarios_reach_every_state_through_the_lifecycle(seeded):
    assert Scenario.objects.count() == N
    assert LIFECYCLE_STATES <= set(Scenario.objects.values_list("status", flat=True))
    assert "Demo data loaded" in seeded and f"{N} scenarios" in seeded
    now = timezone.now()
    for scenario in Scenario.objects.select_related("owner"):
        steps = history(scenario)
        assert steps[-1:] == [] or steps[-1].to_status == scenario.status
        times = [scenario.created_at] + [t.created_at for t in steps]
        assert times == sorted(times) and times[-1] <= now
        assert 2025 <= scenario.created_at.year <= 2026
        for a, b in zip(steps, steps[1:], strict=False):
            assert a.to_status == b.from_status
        # The audit log tells the same story at the same times: the creation, then every transition.
        audit = list(
            AuditLog.objects.filter(object_type="scenarios.scenario", object_id=str(scenario.pk)).order_by(
                "id"
            )
        )
        assert [a.action for a in audit] == ["scenario.create"] + [f"scenario.{t.action}" for t in steps]
        assert [a.created_at for a in audit] == times
        assert scenario.updated_at == times[-1]


@pytest.mark.django_db
def test_published_scenarios_were_submitted_approved_and_published_by_the_right_people(seeded):
    published = Scenario.objects.filter(status=Status.PUBLISHED).select_related("owner")
    assert published.exists()
    for scenario in published:
        steps = history(scenario)
        assert [t.action for t in steps[-3:]] == ["submit", "approve", "publish"]
        submit, approve, publish = steps[-3:]
        assert submit.organisation_id == scenario.owner_id
        if scenario.owner.type in (Role.OFFICE, Role.DEPARTMENT):
            assert approve.organisation.type == Role.OFFICE
        else:
            assert approve.organisation.type == Role.CITY
            assert approve.organisation.region_id == scenario.region_id
        assert publish.organisation.type == Role.OFFICE
        assert scenario.published_at == publish.created_at
        assert scenario.published_year == timezone.localtime(publish.created_at).year
        assert submit.created_at.date() < scenario.deadline


@pytest.mark.django_db
def test_returns_withdrawals_and_closures_carry_reasons(seeded):
    for t in ScenarioTransition.objects.filter(action__in=["return", "close"]):
        assert t.reason
    assert ScenarioTransition.objects.filter(action="return").exists()
    for scenario in Scenario.objects.filter(status=Status.WITHDRAWN):
        assert history(scenario)[-1].organisation_id == scenario.owner_id


@pytest.mark.django_db
def test_if_empty_is_a_no_op_the_second_time(seeded):
    before = (
        Scenario.objects.count(),
        ScenarioTransition.objects.count(),
        AuditLog.objects.count(),
        User.objects.count(),
    )
    assert "not loaded" in seed("--if-empty")
    assert (
        Scenario.objects.count(),
        ScenarioTransition.objects.count(),
        AuditLog.objects.count(),
        User.objects.count(),
    ) == before


@pytest.mark.django_db
def test_reset_reseeds_the_same_province(seeded):
    def snapshot():
        return sorted(
            (
                s.title,
                s.status,
                s.owner.name,
                s.created_at,
                tuple((t.action, t.created_at) for t in history(s)),
            )
            for s in Scenario.objects.select_related("owner")
        )

    before = snapshot()
    output = seed("--reset")
    assert "Deleted demo data" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_refuses_to_add_to_existing_scenarios(seeded):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--reset"):
        seed()


@pytest.mark.django_db
def test_demo_logins_prints_the_table(seeded):
    out = io.StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8123/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for username in ("admin", "office", "chengdu", "provider", "supplier", "department"):
        assert f"  {username} " in text
    assert demo.DEMO_PASSWORD in text
    assert "two-factor authentication" in text and "双因素认证" in text  # the office enrols at first login
    # Demo accounts joined in 2025, but their passwords are new: nobody starts on the forced change page.
    from scenariohub.authn.policy import password_expired

    for username in ("admin", "office", "chengdu", "department"):
        assert not password_expired(User.objects.get(username=username)), username


@pytest.mark.django_db
def test_demo_logins_without_demo_data(seeded):
    demo.demo_reset()
    assert not User.objects.exists() and not Organisation.objects.exists()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()
