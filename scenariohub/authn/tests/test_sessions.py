"""Session rules: a new session id at login, logout deletes the server-side session, idle timeout 30 min
and absolute 12 h (configurable). Frozen clock."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.conftest import client_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WORKSPACE = reverse("scenarios:workspace")
# Tomorrow 09:00: near the real clock, so sessions and password ages made outside the frozen blocks agree.
T0 = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def test_login_gives_a_new_session_id_and_deletes_the_old_one(provider):
    client = Client()
    # An anonymous session exists before the login (e.g. a language or membership choice).
    session = client.session
    session["before_login"] = "yes"
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert Session.objects.filter(session_key=before).exists()
    response = client.post(LOGIN, {"username": provider.user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    after = session_key(client)
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).get_decoded()[SESSION_KEY] == str(provider.user.pk)


def test_logout_deletes_the_session_row(provider):
    client = Client()
    client.post(LOGIN, {"username": provider.user.username, "password": TEST_PASSWORD})
    key = session_key(client)
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, is anonymous.
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert replay.get(WORKSPACE).status_code == 302


def test_the_session_cookie_lasts_no_longer_than_the_absolute_limit():
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600


def test_idle_for_29_minutes_is_fine_31_minutes_ends_the_session(provider):
    with time_machine.travel(T0, tick=False):
        client = client_for(provider)
        key = session_key(client)
    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        assert client.get(WORKSPACE).status_code == 200
    # Activity moved the idle clock: 29 + 30 minutes from the start is still fine.
    with time_machine.travel(T0 + timedelta(minutes=58), tick=False):
        assert client.get(WORKSPACE).status_code == 200
    with time_machine.travel(T0 + timedelta(minutes=58 + 31), tick=False):
        response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fworkspace%2F"
    assert not Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY not in client.session
    with time_machine.travel(T0 + timedelta(minutes=90), tick=False):
        assert "会话已超时结束" in client.get(LOGIN).content.decode()


def test_the_idle_limit_is_configurable(provider, settings):
    settings.SCENARIOHUB_SESSION_IDLE_MINUTES = 10
    with time_machine.travel(T0, tick=False):
        client = client_for(provider)
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        assert client.get(WORKSPACE).status_code == 302


def test_twelve_hours_end_even_an_active_session(provider):
    with time_machine.travel(T0, tick=False):
        client = client_for(provider)
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes all day
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            assert client.get(WORKSPACE).status_code == 200, minutes
    with time_machine.travel(T0 + timedelta(hours=12, minutes=1), tick=False):
        response = client.get(WORKSPACE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_an_htmx_request_after_the_timeout_redirects_the_whole_page(provider):
    with time_machine.travel(T0, tick=False):
        client = client_for(provider)
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        response = client.get(WORKSPACE, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"] == LOGIN


def test_an_api_call_on_a_timed_out_session_is_anonymous(provider):
    with time_machine.travel(T0, tick=False):
        client = client_for(provider)
        assert client.get("/api/v1/me").json()["authenticated"] is True
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        body = client.get("/api/v1/me").json()
    assert body["authenticated"] is False
