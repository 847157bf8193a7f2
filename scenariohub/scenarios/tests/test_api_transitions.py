"""Lifecycle steps through the API, per role: a representative table of allowed and refused moves.

Every row checks the answer and the database: status, version and the history row.
"""

import pytest
from django.test import Client

from scenariohub.conftest import client_for
from scenariohub.core.models import AuditLog
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.scenarios.tests.test_api_scenarios import API, assert_error, post_json, token_client

pytestmark = pytest.mark.django_db

# (who acts, whose scenario, its status, body, expected HTTP status, expected error code)
# fmt: off
TABLE = [
    # the owner submits and withdraws its own
    ("provider", "provider", Status.DRAFT, {"to": "submitted"}, 200, None),
    ("provider", "provider", Status.PUBLISHED, {"to": "withdrawn"}, 200, None),
    ("provider", "provider", Status.SUBMITTED, {"to": "approved"}, 403, "forbidden"),
    ("provider", "provider", Status.APPROVED, {"to": "published"}, 403, "forbidden"),
    ("provider", "provider", Status.PUBLISHED, {"to": "submitted"}, 409, "invalid_transition"),
    ("provider", "provider", Status.WITHDRAWN, {"to": "draft", "reason": "重新开放"}, 409, "invalid_transition"),
    # the city of the region reviews; another city does not even see the scenario
    ("chengdu_city", "provider", Status.SUBMITTED, {"to": "approved"}, 200, None),
    ("chengdu_city", "provider", Status.SUBMITTED, {"to": "draft", "reason": "请补充预算依据"}, 200, None),
    ("chengdu_city", "provider", Status.SUBMITTED, {"to": "draft"}, 422, "reason_required"),
    ("chengdu_city", "provider", Status.SUBMITTED, {"to": "draft", "reason": "   "}, 422, "reason_required"),
    ("chengdu_city", "provider", Status.SUBMITTED, {"to": "closed", "reason": "需求已满足"}, 200, None),
    ("chengdu_city", "provider", Status.APPROVED, {"to": "published"}, 403, "forbidden"),
    ("chengdu_city", "provider", Status.DRAFT, {"to": "submitted"}, 404, "not_found"),
    ("mianyang_city", "provider", Status.SUBMITTED, {"to": "approved"}, 404, "not_found"),
    ("chengdu_city", "department", Status.SUBMITTED, {"to": "approved"}, 404, "not_found"),
    # the office approves provincial scenarios, publishes, sends back
    ("office", "department", Status.SUBMITTED, {"to": "approved"}, 200, None),
    ("office", "provider", Status.APPROVED, {"to": "published"}, 200, None),
    ("office", "provider", Status.APPROVED, {"to": "draft", "reason": "与年度计划重复"}, 200, None),
    ("office", "provider", Status.PUBLISHED, {"to": "closed"}, 422, "reason_required"),
    ("office", "provider", Status.DRAFT, {"to": "submitted"}, 404, "not_found"),
    # others: a supplier reads released scenarios but changes none; another provider's draft is invisible
    ("supplier", "provider", Status.PUBLISHED, {"to": "withdrawn"}, 403, "forbidden"),
    ("other_provider", "provider", Status.DRAFT, {"to": "submitted"}, 404, "not_found"),
    ("other_provider", "provider", Status.PUBLISHED, {"to": "closed", "reason": "x"}, 403, "forbidden"),
]
# fmt: on


@pytest.mark.parametrize(("who", "owner", "status", "body", "expected", "code"), TABLE)
def test_transition_table(request, who, owner, status, body, expected, code):
    actor = request.getfixturevalue(who)
    owner_org = request.getfixturevalue(owner).organisation
    s = ScenarioFactory(owner=owner_org, status=status)
    response = post_json(client_for(actor), f"{API}/scenarios/{s.pk}/transitions", body)
    fresh = Scenario.objects.get(pk=s.pk)
    if expected == 200:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == body["to"] == fresh.status
        assert response.json()["version"] == fresh.version == 2
        row = ScenarioTransition.objects.get(scenario=s)
        assert (row.from_status, row.to_status, row.actor_id) == (status, body["to"], actor.user_id)
        assert row.reason == body.get("reason", "").strip()
        assert AuditLog.objects.filter(object_id=str(s.pk)).count() == 1
    else:
        assert_error(response, expected, code)
        assert (fresh.status, fresh.version) == (status, 1)
        assert not ScenarioTransition.objects.exists() and not AuditLog.objects.changes().exists()


def test_full_journey_with_tokens(provider, chengdu_city, office):
    s = ScenarioFactory(owner=provider.organisation)
    url = f"{API}/scenarios/{s.pk}/transitions"
    assert post_json(token_client(provider), url, {"to": "submitted"}).status_code == 200
    assert post_json(token_client(chengdu_city), url, {"to": "approved"}).status_code == 200
    assert post_json(token_client(office), url, {"to": "published"}).json()["status"] == "published"
    timeline = Client().get(url).json()
    assert [t["to_status"] for t in timeline["items"]] == ["submitted", "approved", "published"]
    assert timeline["count"] == 3
    s.refresh_from_db()
    assert s.published_at is not None and s.published_year is not None


def test_incomplete_draft_cannot_be_submitted(provider):
    s = ScenarioFactory(owner=provider.organisation, deadline=None)
    body = assert_error(
        post_json(client_for(provider), f"{API}/scenarios/{s.pk}/transitions", {"to": "submitted"}), 422
    )
    assert "deadline" in body["details"]
    assert Scenario.objects.get(pk=s.pk).status == Status.DRAFT


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "to"),
        ({"to": None}, "to"),
        ({"to": "deleted"}, "to"),
        ({"to": 5}, "to"),
        ({"to": "closed", "reason": 5}, "reason"),
        ({"to": "closed", "reason": "长" * 1001}, "reason"),
        ({"to": "closed", "reason": "a\x00"}, "reason"),
        ({"to": "closed", "why": "x"}, "why"),
    ],
)
def test_bad_transition_bodies_are_422(chengdu_city, provider, body, field):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    response = post_json(client_for(chengdu_city), f"{API}/scenarios/{s.pk}/transitions", body)
    assert field in assert_error(response, 422, "validation_error")["details"]
    assert (
        Scenario.objects.get(pk=s.pk).status == Status.SUBMITTED and not ScenarioTransition.objects.exists()
    )


def test_anonymous_cannot_transition(anon_client, provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    assert_error(post_json(anon_client, f"{API}/scenarios/{s.pk}/transitions", {"to": "withdrawn"}), 401)
    assert Scenario.objects.get(pk=s.pk).status == Status.PUBLISHED
