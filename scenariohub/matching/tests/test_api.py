"""API v1 of matching: happy paths, anonymous, no permission, bad input; the database checked after."""

import json

import pytest
from django.test import Client

from scenariohub.conftest import as_actor
from scenariohub.matching import services
from scenariohub.matching.models import Application, Criterion, Notification, Solution, Subscription
from scenariohub.matching.tests.conftest import token_client
from scenariohub.matching.tests.factories import SolutionFactory, SupplierProfileFactory
from scenariohub.scenarios.models import Status

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, path, body=None, method="post"):
    return getattr(client, method)(f"{API}{path}", data=json.dumps(body or {}), content_type="application/json")


SOLUTION = {"title": "视觉质检平台", "description": "缺陷检测。", "sector": "manufacturing",
            "fields": ["machine-vision"], "capabilities": ["缺陷检测", "边缘推理"], "maturity": "mature",
            "deployment_modes": ["on_prem", "edge"], "published": True}


# ---------------------------------------------------------------------------------------------- suppliers, solutions


def test_suppliers_and_solutions_are_public(anon_client, supplier, profile):
    SolutionFactory(supplier=supplier.organisation, title="公开方案")
    SolutionFactory(supplier=supplier.organisation, title="草稿方案", published=False)
    body = anon_client.get(f"{API}/suppliers").json()
    assert body["count"] == 1 and body["items"][0]["id"] == supplier.organisation_id
    assert body["items"][0]["verified"] is False
    assert anon_client.get(f"{API}/suppliers/{supplier.organisation_id}").status_code == 200
    titles = [s["title"] for s in anon_client.get(f"{API}/solutions").json()["items"]]
    assert titles == ["公开方案"]
    draft = Solution.objects.get(title="草稿方案")
    assert anon_client.get(f"{API}/solutions/{draft.pk}").status_code == 404
    assert token_client(supplier).get(f"{API}/solutions/{draft.pk}").status_code == 200


def test_supplier_filters_reject_unknown_codes(anon_client):
    response = anon_client.get(f"{API}/suppliers?sector=nope")
    assert response.status_code == 422 and response.json()["code"] == "bad_filter"
    assert anon_client.get(f"{API}/solutions?maturity=ancient").status_code == 422
    assert anon_client.get(f"{API}/suppliers/{2**64}").status_code in (404, 422)


def test_list_query_counts_do_not_grow_with_rows(anon_client, django_assert_max_num_queries):
    from scenariohub.accounts.models import Role
    from scenariohub.accounts.tests.factories import OrganisationFactory

    for _ in range(8):
        org = OrganisationFactory(type=Role.SUPPLIER)
        SupplierProfileFactory(organisation=org).fields.set(["machine-vision"])
        SolutionFactory(supplier=org)
    with django_assert_max_num_queries(6):
        assert anon_client.get(f"{API}/suppliers").json()["count"] == 8
    with django_assert_max_num_queries(7):
        assert anon_client.get(f"{API}/solutions").json()["count"] == 8


def test_solution_create_and_update_own(supplier, supplier2):
    client = token_client(supplier)
    response = post(client, "/solutions", SOLUTION)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["deployment_modes"] == ["on_prem", "edge"] and body["capabilities"] == ["缺陷检测", "边缘推理"]
    solution = Solution.objects.get(pk=body["id"])
    assert solution.supplier == supplier.organisation and solution.deploy_edge and not solution.deploy_cloud

    updated = post(client, f"/solutions/{solution.pk}", {**SOLUTION, "title": "视觉质检平台 2.0"}, method="put")
    assert updated.status_code == 200 and updated.json()["title"] == "视觉质检平台 2.0"
    # Another supplier: 403 on a published solution, unchanged in the database.
    assert post(token_client(supplier2), f"/solutions/{solution.pk}", SOLUTION, method="put").status_code == 403
    solution.refresh_from_db()
    assert solution.title == "视觉质检平台 2.0"


def test_solution_create_needs_auth_a_supplier_and_valid_codes(anon_client, provider, supplier):
    assert post(anon_client, "/solutions", SOLUTION).status_code == 401
    assert post(token_client(provider), "/solutions", SOLUTION).status_code == 403
    bad = post(token_client(supplier), "/solutions", {**SOLUTION, "fields": ["no-such-field"]})
    assert bad.status_code == 422 and "fields" in bad.json()["details"]
    extra = post(token_client(supplier), "/solutions", {**SOLUTION, "colour": "red"})
    assert extra.status_code == 422
    assert not Solution.objects.exists()


# ---------------------------------------------------------------------------------------------- applications


def test_application_lifecycle_over_the_api(scenario, provider, supplier, supplier2, other_provider):
    supplier_api = token_client(supplier)
    response = post(supplier_api, "/applications", {"scenario": scenario.pk, "proposal": "方案"})
    assert response.status_code == 201, response.json()
    app_id = response.json()["id"]
    scenario.refresh_from_db()
    assert scenario.status == Status.MATCHING

    again = post(supplier_api, "/applications", {"scenario": scenario.pk, "proposal": "再来一次"})
    assert again.status_code == 409 and again.json()["code"] == "already_applied"

    assert [a["id"] for a in supplier_api.get(f"{API}/applications").json()["items"]] == [app_id]
    assert token_client(supplier2).get(f"{API}/applications/{app_id}").status_code == 404
    assert token_client(supplier2).get(f"{API}/applications").json()["count"] == 0

    owner_api = token_client(provider)
    listing = owner_api.get(f"{API}/scenarios/{scenario.pk}/applications").json()
    assert listing["count"] == 1 and [c["name"] for c in listing["criteria"]][0] == "技术方案"
    assert token_client(other_provider).get(f"{API}/scenarios/{scenario.pk}/applications").status_code == 403
    assert supplier_api.get(f"{API}/scenarios/{scenario.pk}/applications").status_code == 403

    assert post(token_client(other_provider), f"/applications/{app_id}/shortlist").status_code == 404
    assert post(supplier_api, f"/applications/{app_id}/shortlist").status_code == 403
    no_reason = post(owner_api, f"/applications/{app_id}/decline", {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    shortlisted = post(owner_api, f"/applications/{app_id}/shortlist")
    assert shortlisted.status_code == 200 and shortlisted.json()["status"] == "shortlisted"
    assert Application.objects.get(pk=app_id).status == "shortlisted"

    talk = post(owner_api, f"/applications/{app_id}/talks",
                {"scheduled_at": "2030-01-02T10:00:00+08:00", "online_link": "https://meet.example.cn/x"})
    assert talk.status_code == 201, talk.json()
    assert [t["id"] for t in supplier_api.get(f"{API}/talks").json()["items"]] == [talk.json()["id"]]
    assert token_client(supplier2).get(f"{API}/talks").json()["count"] == 0

    withdrawn = post(supplier_api, f"/applications/{app_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert [h["action"] for h in withdrawn.json()["history"]] == ["submit", "shortlist", "withdraw"]


def test_application_errors(provider, supplier, anon_client):
    from scenariohub.matching.tests.factories import released_scenario

    closed = released_scenario(provider.organisation, days_left=-2)
    supplier_api = token_client(supplier)
    late = post(supplier_api, "/applications", {"scenario": closed.pk, "proposal": "方案"})
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"
    open_one = released_scenario(provider.organisation)
    crowd = post(supplier_api, "/applications",
                 {"scenario": open_one.pk, "proposal": "方案", "members": [101, 102, 103, 104, 105]})
    assert crowd.status_code == 422 and "members" in crowd.json()["details"]
    assert post(anon_client, "/applications", {"scenario": open_one.pk, "proposal": "x"}).status_code == 401
    assert post(token_client(provider), "/applications", {"scenario": open_one.pk, "proposal": "x"}).status_code == 403
    assert post(supplier_api, "/applications", {"scenario": 999999, "proposal": "x"}).status_code == 404
    assert not Application.objects.exists()


def test_scores_over_the_api_lock_after_a_decision(scenario, provider, supplier, provider_colleague):
    application = services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk,
                                              data={"proposal": "方案"})
    services.reviewer_invite(actor=as_actor(provider), scenario_id=scenario.pk, membership_id=provider_colleague.pk)
    scores = {str(c.pk): 7 for c in Criterion.objects.filter(scenario=scenario)}
    reviewer = token_client(provider_colleague)
    assert post(reviewer, f"/applications/{application.pk}/scores", {"scores": scores}, method="put").status_code == 200
    bad = post(reviewer, f"/applications/{application.pk}/scores", {"scores": {**scores, "0": 3}}, method="put")
    assert bad.status_code == 422
    services.application_decline(actor=as_actor(provider), application_id=application.pk, reason="不匹配")
    locked = post(reviewer, f"/applications/{application.pk}/scores", {"scores": scores}, method="put")
    assert locked.status_code == 409 and locked.json()["code"] == "scores_locked"
    row = token_client(provider).get(f"{API}/scenarios/{scenario.pk}/applications").json()["items"][0]
    assert row["total"] == 70.0


# ---------------------------------------------------------------------------------------------- questions


def test_questions_over_the_api(scenario, provider, supplier, supplier2, anon_client):
    asked = post(token_client(supplier), f"/scenarios/{scenario.pk}/questions", {"text": "数据能否出园区？"})
    assert asked.status_code == 201 and asked.json()["mine"] is True
    qid = asked.json()["id"]
    assert post(token_client(supplier2), f"/questions/{qid}/answer", {"answer": "x"}).status_code == 404
    answered = post(token_client(provider), f"/questions/{qid}/answer", {"answer": "不能。"})
    assert answered.status_code == 200 and answered.json()["asker_name"] == supplier.organisation.name
    services.application_create(actor=as_actor(supplier2), scenario_id=scenario.pk, data={"proposal": "方案"})
    seen = token_client(supplier2).get(f"{API}/scenarios/{scenario.pk}/questions").json()["items"]
    assert [(q["text"], q["answer"], q["asker_name"], q["mine"]) for q in seen] == [
        ("数据能否出园区？", "不能。", None, False)]
    assert anon_client.get(f"{API}/scenarios/{scenario.pk}/questions").json()["count"] == 0
    assert post(anon_client, f"/scenarios/{scenario.pk}/questions", {"text": "?"}).status_code == 401


# ---------------------------------------------------------------------------------------------- notifications


def test_notifications_are_private_and_marked_read(scenario, provider, supplier):
    services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk, data={"proposal": "方案"})
    owner_api = token_client(provider)
    body = owner_api.get(f"{API}/notifications").json()
    assert body["count"] == 1 and body["unread"] == 1 and body["items"][0]["verb"] == "application_new"
    note_id = body["items"][0]["id"]
    assert post(token_client(supplier), f"/notifications/{note_id}/read").status_code == 404
    assert post(owner_api, f"/notifications/{note_id}/read").json()["read_at"] is not None
    assert owner_api.get(f"{API}/notifications?unread=true").json()["count"] == 0
    assert post(owner_api, "/notifications/read-all").json() == {"marked": 0}
    assert Client().get(f"{API}/notifications").status_code == 401
    assert Notification.objects.get(pk=note_id).read_at is not None


# ---------------------------------------------------------------------------------------------- subscriptions


def test_subscription_crud_is_private(supplier, supplier2, provider):
    api = token_client(supplier)
    created = post(api, "/subscriptions", {"name": "视觉", "fields": ["machine-vision"], "regions": ["510100"],
                                           "keywords": "质检 巡检", "frequency": "immediate"})
    assert created.status_code == 201, created.json()
    sid = created.json()["id"]
    assert created.json()["fields"] == ["machine-vision"]
    assert api.get(f"{API}/subscriptions").json()["count"] == 1
    assert token_client(supplier2).get(f"{API}/subscriptions/{sid}").status_code == 404
    updated = post(api, f"/subscriptions/{sid}", {"name": "视觉2", "frequency": "daily"}, method="put")
    assert updated.status_code == 200 and updated.json()["fields"] == [] and updated.json()["frequency"] == "daily"
    assert post(api, "/subscriptions", {"name": "x", "regions": ["999999"]}).status_code == 422
    assert post(token_client(provider), "/subscriptions", {"name": "x"}).status_code == 403
    assert token_client(supplier2).delete(f"{API}/subscriptions/{sid}").status_code == 404
    assert api.delete(f"{API}/subscriptions/{sid}").status_code == 204
    assert not Subscription.objects.exists()


def test_openapi_lists_the_matching_paths(anon_client):
    paths = anon_client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/suppliers", "/api/v1/solutions/{id}", "/api/v1/applications/{id}/decline",
                 "/api/v1/scenarios/{id}/applications", "/api/v1/subscriptions/{id}", "/api/v1/notifications"):
        assert path in paths
