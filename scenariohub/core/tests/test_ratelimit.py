"""Rate limits on login, search and export: per client, per account for logins, 429 in Chinese for pages
and in the API's JSON error shape, with Retry-After."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from scenariohub.conftest import client_for
from scenariohub.core.ratelimit import Rate, hit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    cache.clear()
    settings.SCENARIOHUB_RATE_LIMITS_ENABLED = True
    settings.SCENARIOHUB_RATE_LIMITS = {
        "login": "3/m",
        "login_account": "4/h",
        "search": "2/m",
        "export": "2/10m",
    }
    yield settings.SCENARIOHUB_RATE_LIMITS
    cache.clear()


@pytest.mark.parametrize(("text", "count", "seconds"), [("20/m", 20, 60), ("100/h", 100, 3600), ("10/15m", 10, 900),
                                                         (" 5 / s ", 5, 1), ("1/d", 1, 86400)])  # fmt: skip
def test_rate_parse(text, count, seconds):
    assert Rate.parse(text) == Rate(count, seconds)


@pytest.mark.parametrize("text", ["", "20", "0/m", "x/m", "20/w", "-1/m"])
def test_rate_parse_rejects(text):
    with pytest.raises(ImproperlyConfigured):
        Rate.parse(text)


def test_the_window_ends():
    limit = Rate(2, 60)
    assert [hit("t", "a", limit, now=120.0) for _ in range(3)] == [0, 0, 60]
    assert hit("t", "a", limit, now=150.0) == 30  # still the same window
    assert hit("t", "b", limit, now=150.0) == 0  # another client has its own count
    assert hit("t", "a", limit, now=180.0) == 0  # a new window


def test_catalogue_search_is_limited_per_client_with_a_chinese_page(provider):
    anon = Client()
    url = reverse("scenarios:catalogue")
    assert [anon.get(url, {"q": "巡检"}).status_code for _ in range(2)] == [200, 200]
    blocked = anon.get(url, {"q": "质检"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    text = blocked.content.decode()
    assert "请求过于频繁" in text and "Traceback" not in text
    assert anon.get(url).status_code == 200  # browsing without a search is not counted
    assert client_for(provider).get(url, {"q": "巡检"}).status_code == 200  # a signed-in account counts apart


def test_api_search_gets_the_json_error(provider):
    client = client_for(provider)
    for _ in range(2):
        assert client.get("/api/v1/scenarios", {"q": "巡检"}).status_code == 200
    response = client.get("/api/v1/scenarios", {"q": "巡检"})
    assert response.status_code == 429 and response["Retry-After"]
    body = response.json()
    assert body["code"] == "rate_limited" and set(body) == {"code", "message"}
    assert "请求过于频繁" in body["message"]


def test_login_is_limited_per_ip_and_per_account(provider):
    url = reverse("accounts:login")
    same_ip = Client(REMOTE_ADDR="10.0.0.1")
    codes = [same_ip.post(url, {"username": f"nobody{i}", "password": "wrong-password-1"}).status_code
             for i in range(4)]  # fmt: skip
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    # One account from many addresses: the per-account count stops it too.
    codes = [Client(REMOTE_ADDR=f"10.0.1.{i}").post(url, {"username": "Provider", "password": "bad-pass-xx"}).status_code
             for i in range(5)]  # fmt: skip
    assert codes[:4] == [200] * 4 and codes[4] == 429
    assert Client(REMOTE_ADDR="10.0.2.1").get(url).status_code == 200  # showing the form is not an attempt


def test_exports_are_limited(provider):
    client = client_for(provider)
    url = reverse("exchange:export-csv")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    assert client.get(reverse("exchange:export-xlsx")).status_code == 429  # one budget for every export


def test_off_switch(settings, provider):
    settings.SCENARIOHUB_RATE_LIMITS_ENABLED = False
    client = client_for(provider)
    assert {client.get("/api/v1/scenarios", {"q": "x"}).status_code for _ in range(5)} == {200}
