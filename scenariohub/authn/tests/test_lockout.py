"""Lockout after 5 consecutive wrong passwords, counted per account; cool-off; unlock by the office (page
and admin); at most 100 wrong passwords an hour; audit records. Frozen clock throughout."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.authn import policy
from scenariohub.authn.models import AccountSecurity, LoginFailure
from scenariohub.conftest import client_for
from scenariohub.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
# Tomorrow 09:00: near the real clock, so sessions and password ages made outside the frozen blocks agree.
T0 = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def attempt(username: str, password: str, ip: str = "10.1.1.1") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(LOGIN, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def fail(username: str, times: int, *, ip_prefix: str = "10.1.1.") -> object:
    response = None
    for i in range(times):
        _client, response = attempt(username, "wrong-Password-1", ip=f"{ip_prefix}{i % 200 + 1}")
    return response


def actions(user) -> list[str]:
    return list(
        AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_four_failures_then_the_right_password_logs_in_and_resets_the_count(provider):
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 4)
        assert AccountSecurity.objects.get(user=provider.user).failed_logins == 4
        client, response = attempt(provider.user.username, TEST_PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    state = AccountSecurity.objects.get(user=provider.user)
    assert state.failed_logins == 0 and state.locked_until is None
    assert actions(provider.user) == ["auth.login_failed"] * 4 + ["auth.login"]


def test_the_fifth_failure_locks_even_from_five_different_addresses(provider):
    with time_machine.travel(T0, tick=False):
        response = fail(provider.user.username, 5)  # five IPs: the count is the account's
        html = response.content.decode()
        assert response.status_code == 200
        assert (
            "账户连续登录失败次数过多，已被锁定" in html
            and (T0 + timedelta(minutes=30)).strftime("%Y-%m-%d 09:30") in html
        )
        state = AccountSecurity.objects.get(user=provider.user)
        assert state.locked_until == T0 + timedelta(minutes=30)
        # Locked: the right password is refused, without being checked.
        client, response = attempt(provider.user.username, TEST_PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    assert "已被锁定" in response.content.decode()
    assert actions(provider.user) == ["auth.login_failed"] * 5 + ["auth.lockout", "auth.login_refused"]
    lockout = AuditLog.objects.get(action="auth.lockout")
    assert lockout.organisation == provider.organisation and lockout.ip_address == "10.1.1.5"
    assert lockout.data["threshold"] == policy.LOCKOUT_THRESHOLD == 5


def test_the_cool_off_ends_the_lock(provider):
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
    with time_machine.travel(T0 + timedelta(minutes=29, seconds=59), tick=False):
        client, _response = attempt(provider.user.username, TEST_PASSWORD)
        assert not logged_in(client)
    with time_machine.travel(T0 + timedelta(minutes=30, seconds=1), tick=False):
        client, response = attempt(provider.user.username, TEST_PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    assert AccountSecurity.objects.get(user=provider.user).locked_until is None


def test_the_cool_off_is_configurable(provider, settings):
    settings.SCENARIOHUB_LOGIN_LOCKOUT_MINUTES = 5
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
    assert AccountSecurity.objects.get(user=provider.user).locked_until == T0 + timedelta(minutes=5)


def test_after_the_cool_off_five_more_failures_lock_again(provider):
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        fail(provider.user.username, 4)
        assert AccountSecurity.objects.get(user=provider.user).locked_until < T0 + timedelta(minutes=31)
        fail(provider.user.username, 1)
        assert AccountSecurity.objects.get(user=provider.user).locked_until == T0 + timedelta(minutes=61)


def test_a_wrong_username_is_recorded_and_locks_nothing(provider):
    with time_machine.travel(T0, tick=False):
        fail("nobody-here", 6)
    assert not LoginFailure.objects.exists()
    assert AccountSecurity.objects.get(user=provider.user).failed_logins == 0
    entries = AuditLog.objects.filter(action="auth.login_failed")
    assert entries.count() == 6 and {e.data["reason"] for e in entries} == {"unknown_user"}
    assert entries.first().data["username"] == "nobody-here" and entries.first().actor is None


def test_the_office_unlocks_from_its_page(provider, office):
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
        office_client = client_for(office)
        page = office_client.get(reverse("authn:security")).content.decode()
        assert provider.user.username in page and "解锁" in page
        response = office_client.post(reverse("authn:unlock", args=[provider.user.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("authn:security")
        assert "账户已解锁" in office_client.get(reverse("authn:security")).content.decode()
        client, _response = attempt(provider.user.username, TEST_PASSWORD)
    assert logged_in(client)
    unlock = AuditLog.objects.get(action="auth.unlock")
    assert unlock.actor == office.user and unlock.object_id == str(provider.user.pk)
    # Unlocking an account that is not locked changes and records nothing.
    with time_machine.travel(T0, tick=False):
        client_for(office).post(reverse("authn:unlock", args=[provider.user.pk]))
    assert AuditLog.objects.filter(action="auth.unlock").count() == 1


def test_only_the_office_may_unlock(provider, chengdu_city, anon_client, office):
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
        assert (
            client_for(chengdu_city).post(reverse("authn:unlock", args=[provider.user.pk])).status_code == 403
        )
        response = anon_client.post(reverse("authn:unlock", args=[provider.user.pk]))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert client_for(office).get(reverse("authn:unlock", args=[provider.user.pk])).status_code == 405
        assert client_for(office).post(reverse("authn:unlock", args=[999999])).status_code == 404
        # The city sees its own panel only, no list of locked accounts.
        assert (
            provider.user.username
            not in client_for(chengdu_city).get(reverse("authn:security")).content.decode()
        )
        assert AccountSecurity.objects.get(user=provider.user).locked_until is not None
    assert not AuditLog.objects.filter(action="auth.unlock").exists()


def test_the_admin_unlocks_with_an_action(provider, office):
    office.user.is_staff = office.user.is_superuser = True
    office.user.save()
    with time_machine.travel(T0, tick=False):
        fail(provider.user.username, 5)
        response = client_for(office).post(
            reverse("admin:authn_accountsecurity_changelist"),
            {"action": "unlock", "_selected_action": [provider.user.pk]},
        )
        assert response.status_code == 302
        assert AccountSecurity.objects.get(user=provider.user).locked_until is None
    assert AuditLog.objects.get(action="auth.unlock").actor == office.user


def test_never_more_than_100_failures_an_hour(provider, settings):
    # A one-minute cool-off would otherwise allow 5 guesses a minute: the hourly cap stops them at 100.
    settings.SCENARIOHUB_LOGIN_LOCKOUT_MINUTES = 1
    for round_ in range(20):
        with time_machine.travel(T0 + timedelta(minutes=2 * round_), tick=False):
            fail(provider.user.username, 5)
    assert LoginFailure.objects.filter(user=provider.user).count() == policy.FAILURES_PER_HOUR == 100
    at = T0 + timedelta(minutes=45)  # no cool-off running, but 100 failures in the last hour
    with time_machine.travel(at, tick=False):
        assert AccountSecurity.objects.get(user=provider.user).locked_until < at
        client, response = attempt(provider.user.username, TEST_PASSWORD)
        assert not logged_in(client)
        assert "近一小时内登录失败次数已达上限" in response.content.decode()
        fail(provider.user.username, 3)  # refused before any password check: not counted
    assert LoginFailure.objects.filter(user=provider.user).count() == 100
    assert AuditLog.objects.filter(action="auth.login_refused", data__reason="capped").count() == 4
    # An hour after the first round the oldest five age out of the window.
    with time_machine.travel(T0 + timedelta(minutes=60, seconds=1), tick=False):
        client, _response = attempt(provider.user.username, TEST_PASSWORD)
    assert logged_in(client)


def test_the_office_lifts_the_hourly_cap(provider, office, settings):
    settings.SCENARIOHUB_LOGIN_LOCKOUT_MINUTES = 1
    for round_ in range(20):
        with time_machine.travel(T0 + timedelta(minutes=2 * round_), tick=False):
            fail(provider.user.username, 5)
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        assert provider.user.username in client_for(office).get(reverse("authn:security")).content.decode()
        client_for(office).post(reverse("authn:unlock", args=[provider.user.pk]))
        client, _response = attempt(provider.user.username, TEST_PASSWORD)
    assert logged_in(client) and not LoginFailure.objects.filter(user=provider.user).exists()
