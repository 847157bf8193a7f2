"""Staff passwords expire after PASSWORD_MAX_AGE_DAYS (default 90): every page leads to the change form
until the password is changed, then everything opens again. Frozen clock."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import TEST_PASSWORD, member
from scenariohub.authn import policy
from scenariohub.authn.models import AccountSecurity
from scenariohub.conftest import client_for
from scenariohub.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WORKSPACE = reverse("scenarios:workspace")
EXPIRED = reverse("authn:password-expired")
# Tomorrow 09:00: near the real clock, so sessions and password ages made outside the frozen blocks agree.
T0 = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
NEW_PASSWORD = "Jinjiang-River-2026"


def login(user) -> tuple[Client, object]:
    client = Client()
    return client, client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})


def test_a_new_account_is_not_expired(chengdu_city, office, department):
    # seed_demo and the office create accounts with a password: the age counts from date_joined.
    for m in (chengdu_city, office, department):
        assert not policy.password_expired(m.user)


def test_a_changed_password_restarts_the_clock(chengdu_city):
    with time_machine.travel(T0, tick=False):
        chengdu_city.user.set_password(NEW_PASSWORD)
        chengdu_city.user.save()
    assert AccountSecurity.objects.get(user=chengdu_city.user).password_changed_at == T0
    assert not policy.password_expired(chengdu_city.user, now=T0 + timedelta(days=90))
    assert policy.password_expired(chengdu_city.user, now=T0 + timedelta(days=90, seconds=1))


def test_expired_staff_password_forces_a_change_then_opens_everything(chengdu_city):
    with time_machine.travel(T0, tick=False):
        chengdu_city.user.set_password(TEST_PASSWORD)
        chengdu_city.user.save()
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        client, response = login(chengdu_city.user)
        # The login succeeds; every page then leads to the change form, keeping where one was going.
        assert response.status_code == 302
        response = client.get(WORKSPACE)
        assert response.status_code == 302 and response["Location"] == f"{EXPIRED}?next=%2Fworkspace%2F"
        assert client.get("/scenarios/new/").status_code == 302
        api = client.get("/api/v1/me")
        assert api.status_code == 403 and api.json()["code"] == "password_expired" and api.json()["message"]
        page = client.get(f"{EXPIRED}?next=/workspace/").content.decode()
        assert "您的密码已过期" in page
        # A weak or unchanged new password is refused.
        weak = client.post(
            EXPIRED,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "abcdefghij",
                "new_password2": "abcdefghij",
                "next": "/workspace/",
            },
        )
        assert weak.status_code == 200 and "密码须至少包含以下 3 类字符" in weak.content.decode()
        same = client.post(
            EXPIRED,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": TEST_PASSWORD,
                "new_password2": TEST_PASSWORD,
                "next": "/workspace/",
            },
        )
        assert same.status_code == 200 and "新密码不能与当前密码相同" in same.content.decode()
        assert client.get(WORKSPACE).status_code == 302
        done = client.post(
            EXPIRED,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
                "next": "/workspace/",
            },
        )
        assert done.status_code == 302 and done["Location"] == "/workspace/"
        assert client.get(WORKSPACE).status_code == 200
        assert client.get("/api/v1/me").json()["authenticated"] is True
        assert client.get(EXPIRED).status_code == 302  # nothing to change any more
    chengdu_city.user.refresh_from_db()
    assert chengdu_city.user.check_password(NEW_PASSWORD)
    assert AccountSecurity.objects.get(user=chengdu_city.user).password_changed_at == T0 + timedelta(days=91)
    entry = AuditLog.objects.get(action="auth.password_change")
    assert entry.actor == chengdu_city.user and entry.data == {"expired": True}


def test_providers_and_suppliers_passwords_do_not_expire(provider, supplier):
    for m in (provider, supplier):
        with time_machine.travel(T0 + timedelta(days=400), tick=False):
            client, _response = login(m.user)
            assert client.get(WORKSPACE).status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICE, Role.CITY, Role.DEPARTMENT, Role.AUDITOR])
def test_every_staff_role_expires(role):
    m = member(
        org_type=Role.OFFICE if role == Role.AUDITOR else role,
        region=None if role == Role.OFFICE else "510100",
    )
    if role == Role.AUDITOR:
        m.role = Role.AUDITOR
        m.save()
    assert policy.password_expired(m.user, now=m.user.date_joined + timedelta(days=91))
    assert not policy.password_expired(m.user, now=m.user.date_joined + timedelta(days=89))


def test_the_age_is_configurable_and_0_turns_it_off(chengdu_city, settings):
    later = chengdu_city.user.date_joined + timedelta(days=31)
    settings.SCENARIOHUB_PASSWORD_MAX_AGE_DAYS = 30
    assert policy.password_expired(chengdu_city.user, now=later)
    settings.SCENARIOHUB_PASSWORD_MAX_AGE_DAYS = 0
    assert not policy.password_expired(chengdu_city.user, now=later + timedelta(days=3650))


def test_the_expired_page_needs_login(anon_client):
    response = anon_client.get(EXPIRED)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_ordinary_change_page_is_audited_and_restarts_the_clock(chengdu_city):
    client = client_for(chengdu_city)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AccountSecurity.objects.get(user=chengdu_city.user).password_changed_at is not None
    assert AuditLog.objects.get(action="auth.password_change").data == {"expired": False}
