"""CSRF on every form: no page view is exempt, every page route refuses a POST without the token, and a
sample of real forms works with the token and fails without it (Client(enforce_csrf_checks=True))."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from scenariohub.accounts.models import ApiToken
from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.conftest import client_for
from scenariohub.core.tests.routes import page_routes
from scenariohub.scenarios.models import Scenario
from scenariohub.scenarios.tests.test_views_workspace import form_data

pytestmark = pytest.mark.django_db
API_PREFIX = "api-v1"


def _callbacks(patterns, namespace=""):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            ns = p.namespace or namespace
            if ns != API_PREFIX:  # ninja checks CSRF itself for cookie sessions (tested below)
                yield from _callbacks(p.url_patterns, ns)
        else:
            yield f"{namespace}:{p.name}" if namespace else str(p.name or p.pattern), p.callback


def test_no_page_view_is_csrf_exempt():
    exempt = [
        name for name, view in _callbacks(get_resolver().url_patterns) if getattr(view, "csrf_exempt", False)
    ]
    assert exempt == []


def _sample_value(route: str, name: str) -> str:
    converter = re.search(rf"<(\w+):{name}>", route)
    return "1" if converter and converter.group(1) == "int" else ("xlsx" if name == "fmt" else "x")


def test_every_page_route_refuses_a_post_without_the_token(office):
    client = client_for(office)  # signed in with the second factor, so no redirect comes before the check
    client.handler.enforce_csrf_checks = True
    checked = []
    for route in page_routes():
        if route.is_regex:
            continue  # the admin's regex catch-alls; the admin's own views are covered by the exempt check
        url = route.url(**{p: _sample_value(route.route, p) for p in route.params})
        response = client.post(url, {"title": "x"})
        assert response.status_code == 403, (route.name, url, response.status_code)
        checked.append(route.name)
    assert len(checked) > 50  # the walk found the site, not an empty list


def _token(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_login_form(provider):
    url = reverse("accounts:login")
    client = Client(enforce_csrf_checks=True)
    assert client.post(url, {"username": "provider", "password": TEST_PASSWORD}).status_code == 403
    assert "_auth_user_id" not in client.session
    token = _token(client, url)
    response = client.post(
        url, {"username": "provider", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(provider.user_id)


def _logged_in(membership) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    return client


def test_scenario_form(provider):
    client, url = _logged_in(provider), reverse("scenarios:create")
    assert client.post(url, form_data()).status_code == 403
    assert not Scenario.objects.exists()
    response = client.post(url, {**form_data(), "csrfmiddlewaretoken": _token(client, url)})
    assert response.status_code == 302 and Scenario.objects.count() == 1


def test_token_form(provider):
    client, url = _logged_in(provider), reverse("accounts:token-list")
    assert client.post(url, {"name": "对接"}).status_code == 403
    assert not ApiToken.objects.exists()
    response = client.post(url, {"name": "对接", "csrfmiddlewaretoken": _token(client, url)})
    assert response.status_code in (200, 302) and ApiToken.objects.count() == 1


def test_api_with_a_session_needs_the_token(provider):
    client = _logged_in(provider)
    body = {k: v for k, v in form_data().items() if k not in ("budget_min", "budget_max")}
    refused = client.post("/api/v1/scenarios", body, content_type="application/json")
    assert refused.status_code == 403 and {"code", "message"} <= set(refused.json())
    assert not Scenario.objects.exists()
    token = _token(client, reverse("scenarios:workspace"))
    accepted = client.post(
        "/api/v1/scenarios", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
