"""API v1 for scenarios: reads, writes, auth, CSRF and pinned query counts. Every write checks the database."""

import datetime as dt
import json
import secrets
import string

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scenariohub.accounts.models import ApiToken
from scenariohub.conftest import CHENGDU, MIANYANG, as_actor, client_for
from scenariohub.core.models import AuditLog
from scenariohub.scenarios.models import Scenario, ScenarioAttachment, ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


# ---------------------------------------------------------------------------------------------- helpers


def token_for(membership, *, revoked: bool = False) -> str:
    """A raw bearer token acting as `membership` (the accounts service when it exists, else a row)."""
    try:
        from scenariohub.accounts.services import api_token_create
    except ImportError:
        raw = secrets.token_urlsafe(32)
        row = ApiToken.objects.create(
            user=membership.user,
            membership=membership,
            name="test",
            prefix=raw[:8],
            key_hash=ApiToken.hash_key(raw),
        )
    else:
        row, raw = api_token_create(actor=as_actor(membership), name="test")
    if revoked:
        ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    return raw


def token_client(membership, **kwargs) -> Client:
    # CSRF checks on: a token client must not need them.
    return Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_for(membership, **kwargs)}"}
    )


def csrf_client(membership) -> tuple[Client, str]:
    """A signed-in browser session that enforces CSRF, and the token to send back in X-CSRFToken."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    client.cookies["csrftoken"] = secret
    return client, secret


def post_json(client, url, body, **kwargs):
    return client.post(url, json.dumps(body), content_type="application/json", **kwargs)


def put_json(client, url, body, **kwargs):
    return client.put(url, json.dumps(body), content_type="application/json", **kwargs)


def patch_json(client, url, body, **kwargs):
    return client.patch(url, json.dumps(body), content_type="application/json", **kwargs)


def valid_body(**overrides) -> dict:
    body = {
        "title": "产线外观缺陷智能检测",
        "sector": "manufacturing",
        "field": "machine-vision",
        "kind": "industrial",
        "purpose": "利用机器视觉对产线产品外观缺陷进行自动检测。",
        "tech_requirements": "缺陷检出率不低于99%，支持本地化部署。",
        "cooperation_mode": "pilot",
        "cooperation_note": "",
        "budget_min": 50,
        "budget_max": 200,
        "deadline": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "contact_name": "张伟",
        "contact_phone": "13800000000",
        "contact_email": "zhang@example.cn",
    }
    body.update(overrides)
    return body


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"code", "message", "details"}
    assert isinstance(body["message"], str) and body["message"]
    if code:
        assert body["code"] == code, body
    return body


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def published(owner, **kwargs):
    return ScenarioFactory(owner=owner, status=Status.PUBLISHED, **kwargs)


# ---------------------------------------------------------------------------------------------- list


def test_list_shape_and_names(anon_client, provider):
    s = published(provider.organisation, budget_min=10, budget_max=20)
    response = anon_client.get(f"{API}/scenarios")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == s.pk
    assert item["region"] == CHENGDU and item["region_name"] == "成都市"
    assert item["sector"] == "manufacturing" and item["sector_name"]
    assert item["field"] == "machine-vision" and item["field_name"]
    assert item["kind"] == "industrial" and item["kind_name"] == "产业类"
    assert item["status"] == "published" and item["status_name"]
    assert item["cooperation_mode"] == "pilot" and item["cooperation_mode_name"]
    assert item["owner_name"] == provider.organisation.name
    assert (item["budget_min"], item["budget_max"]) == (10, 20)
    assert item["version"] == 1 and item["published_at"] and item["deadline"]
    assert item["url"].endswith(f"/api/v1/scenarios/{s.pk}")
    assert "contact_phone" not in item  # contacts are on the detail only


def test_anonymous_sees_released_scenarios_only(anon_client, provider):
    visible = {
        published(provider.organisation).pk,
        ScenarioFactory(owner=provider.organisation, status=Status.MATCHING).pk,
    }
    for status in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.WITHDRAWN, Status.CLOSED):
        ScenarioFactory(owner=provider.organisation, status=status)
    response = anon_client.get(f"{API}/scenarios")
    assert ids(response) == visible
    assert response.json()["count"] == 2
    # Asking for drafts is not an error: there are just none to see.
    response = anon_client.get(f"{API}/scenarios", {"status": "draft"})
    assert response.status_code == 200 and response.json() == {"items": [], "count": 0}


def test_city_sees_its_regions_submitted_scenarios(
    chengdu_city, mianyang_city, provider, other_provider, department
):
    mine = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    ScenarioFactory(owner=other_provider.organisation, status=Status.SUBMITTED)  # Mianyang's
    ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)  # drafts are private
    ScenarioFactory(owner=department.organisation, region_id=CHENGDU, status=Status.SUBMITTED)  # provincial
    response = client_for(chengdu_city).get(f"{API}/scenarios", {"status": "submitted"})
    assert ids(response) == {mine.pk}
    assert (
        ids(client_for(mianyang_city).get(f"{API}/scenarios", {"status": "submitted", "region": CHENGDU}))
        == set()
    )


def test_provider_sees_own_drafts_not_others(provider, other_provider):
    mine = ScenarioFactory(owner=provider.organisation)
    ScenarioFactory(owner=other_provider.organisation)
    assert ids(client_for(provider).get(f"{API}/scenarios", {"status": "draft"})) == {mine.pk}


@pytest.mark.parametrize(
    ("param", "value", "match", "other"),
    [
        ("region", MIANYANG, {"region_id": MIANYANG}, {"region_id": CHENGDU}),
        ("sector", "emergency", {"sector_id": "emergency", "field_id": "safety-inspection"}, {}),
        (
            "field",
            "equipment-maintenance",
            {"field_id": "equipment-maintenance"},
            {"field_id": "machine-vision"},
        ),
        ("kind", "government", {"kind": "government"}, {"kind": "industrial"}),
        ("status", "matching", {"status": Status.MATCHING}, {}),
        ("q", "光伏 巡检", {"title": "光伏电站无人机巡检"}, {"title": "光伏组件清洗"}),
    ],
)
def test_each_filter(anon_client, provider, param, value, match, other):
    hit = ScenarioFactory(owner=provider.organisation, **{"status": Status.PUBLISHED, **match})
    ScenarioFactory(owner=provider.organisation, **{"status": Status.PUBLISHED, **other})
    response = anon_client.get(f"{API}/scenarios", {param: value})
    assert response.status_code == 200, response.content
    assert ids(response) == {hit.pk}
    assert response.json()["count"] == 1


def test_year_filter_uses_release_year(anon_client, provider):
    old = published(provider.organisation)
    Scenario.objects.filter(pk=old.pk).update(
        published_year=2025, published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )
    published(provider.organisation)  # this year's
    assert ids(anon_client.get(f"{API}/scenarios", {"year": "2025"})) == {old.pk}


def test_sort(anon_client, provider):
    b = published(provider.organisation, title="B 场景")
    a = published(provider.organisation, title="A 场景")
    items = anon_client.get(f"{API}/scenarios", {"sort": "title"}).json()["items"]
    assert [i["id"] for i in items] == [a.pk, b.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"sector": "astrology"}, "sector"),
        ({"field": "nope"}, "field"),
        ({"kind": "military"}, "kind"),
        ({"status": "deleted"}, "status"),
        ({"year": "19"}, "year"),
        ({"year": "²⁰²⁵"}, "year"),
        ({"sort": "random"}, "sort"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_unknown_filter_values_are_422_bad_filter(anon_client, params, field):
    body = assert_error(anon_client.get(f"{API}/scenarios", params), 422, "bad_filter")
    assert field in body["details"]


def test_pagination(anon_client, provider):
    created = [published(provider.organisation) for _ in range(25)]
    first = anon_client.get(f"{API}/scenarios").json()
    assert first["count"] == 25 and len(first["items"]) == 20  # default page size
    second = anon_client.get(f"{API}/scenarios", {"page": 2}).json()
    assert second["count"] == 25 and len(second["items"]) == 5
    assert {i["id"] for i in first["items"] + second["items"]} == {s.pk for s in created}
    small = anon_client.get(f"{API}/scenarios", {"page": 3, "page_size": 10}).json()
    assert len(small["items"]) == 5
    assert anon_client.get(f"{API}/scenarios", {"page": 99}).json() == {"items": [], "count": 25}
    assert len(anon_client.get(f"{API}/scenarios", {"page_size": 100}).json()["items"]) == 25


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
    ],
)
def test_bad_pagination_is_422(anon_client, params, field):
    body = assert_error(anon_client.get(f"{API}/scenarios", params), 422, "validation_error")
    assert field in body["details"]


def _count_list_queries(client, n_rows: int, owner) -> int:
    ScenarioFactory.create_batch(n_rows, owner=owner, status=Status.PUBLISHED)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/scenarios", {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["items"]) == Scenario.objects.count()
    return len(ctx.captured_queries)


def test_list_query_count_is_constant_anonymous(anon_client, provider):
    five = _count_list_queries(anon_client, 5, provider.organisation)
    fifty = _count_list_queries(anon_client, 45, provider.organisation)
    assert five == fifty == 2  # the page and the count


def test_list_query_count_is_constant_signed_in(provider, office):
    client = client_for(office)
    five = _count_list_queries(client, 5, provider.organisation)
    fifty = _count_list_queries(client, 45, provider.organisation)
    assert five == fifty


def test_list_query_count_is_constant_with_token(provider, chengdu_city):
    client = token_client(chengdu_city)
    five = _count_list_queries(client, 5, provider.organisation)
    fifty = _count_list_queries(client, 45, provider.organisation)
    assert five == fifty


# ---------------------------------------------------------------------------------------------- detail


def test_detail_has_attachments_timeline_and_actions(provider, chengdu_city, office, anon_client):
    s = ScenarioFactory(owner=provider.organisation)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scenariohub.scenarios import services

    pdf = SimpleUploadedFile("需求说明.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    attachment = services.scenario_attachment_add(actor=as_actor(provider), scenario_id=s.pk, uploaded=pdf)
    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_return(actor=as_actor(chengdu_city), scenario_id=s.pk, reason="预算依据不足")

    body = client_for(provider).get(f"{API}/scenarios/{s.pk}").json()
    assert body["id"] == s.pk and body["contact_phone"] == "13800000000"
    assert body["attachments"] == [
        {
            "id": attachment.pk,
            "name": "需求说明.pdf",
            "kind": "pdf",
            "size": attachment.size,
            "uploaded_at": body["attachments"][0]["uploaded_at"],
            "download_url": f"http://testserver/api/v1/scenarios/{s.pk}/attachments/{attachment.pk}",
        }
    ]
    assert [(t["from_status"], t["to_status"]) for t in body["timeline"]] == [
        ("draft", "submitted"),
        ("submitted", "draft"),
    ]
    assert body["timeline"][1]["reason"] == "预算依据不足"
    assert body["timeline"][1]["organisation_name"] == chengdu_city.organisation.name
    assert body["timeline"][1]["actor_name"] == str(chengdu_city.user)
    assert {a["to"] for a in body["actions"]} == {"submitted", "withdrawn"}

    download = client_for(provider).get(body["attachments"][0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]
    # The draft is the owner's: others neither see it nor download its files.
    assert_error(anon_client.get(f"{API}/scenarios/{s.pk}"), 404, "not_found")
    assert_error(anon_client.get(f"{API}/scenarios/{s.pk}/attachments/{attachment.pk}"), 404, "not_found")
    assert_error(client_for(office).get(f"{API}/scenarios/{s.pk}/attachments/999"), 404, "not_found")


def test_public_timeline_hides_reasons_and_names(provider, chengdu_city, office, anon_client, supplier):
    s = ScenarioFactory(owner=provider.organisation)
    from scenariohub.scenarios import services

    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_return(actor=as_actor(chengdu_city), scenario_id=s.pk, reason="内部意见")
    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_approve(actor=as_actor(chengdu_city), scenario_id=s.pk)
    services.scenario_publish(actor=as_actor(office), scenario_id=s.pk)
    for client in (anon_client, client_for(supplier)):
        body = client.get(f"{API}/scenarios/{s.pk}/transitions").json()
        assert body["count"] == 5
        assert all(t["reason"] is None and t["actor_name"] is None for t in body["items"])
        assert body["items"][1]["organisation_name"] == chengdu_city.organisation.name
    inside = client_for(chengdu_city).get(f"{API}/scenarios/{s.pk}/transitions").json()
    assert inside["items"][1]["reason"] == "内部意见"


def test_detail_404s(anon_client, provider, other_provider):
    draft = ScenarioFactory(owner=other_provider.organisation)
    for path in (
        f"/scenarios/{draft.pk}",
        f"/scenarios/{draft.pk}/transitions",
        "/scenarios/999999",
        "/scenarios/0",
        "/scenarios/-5",
        "/scenarios/99999999999999999999",
    ):
        assert_error(client_for(provider).get(API + path), 404, "not_found")
    assert_error(anon_client.get(f"{API}/scenarios/abc"), 422, "validation_error")


# ---------------------------------------------------------------------------------------------- create


def test_create_draft_with_session(provider):
    client, csrf = csrf_client(provider)
    response = post_json(client, f"{API}/scenarios", valid_body(), HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content
    body = response.json()
    s = Scenario.objects.get()
    assert body["id"] == s.pk and body["status"] == "draft" and body["version"] == 1
    assert (s.owner_id, s.region_id, s.created_by_id) == (provider.organisation_id, CHENGDU, provider.user_id)
    assert (s.sector_id, s.field_id, s.budget_min, s.budget_max) == (
        "manufacturing",
        "machine-vision",
        50,
        200,
    )
    assert AuditLog.objects.filter(action="scenario.create", object_id=str(s.pk)).count() == 1


def test_create_with_token_needs_no_csrf(department):
    response = post_json(token_client(department), f"{API}/scenarios", valid_body(region=MIANYANG))
    assert response.status_code == 201, response.content
    s = Scenario.objects.get()
    assert s.owner_id == department.organisation_id and s.region_id == MIANYANG


def test_city_creates_in_its_own_region(chengdu_city):
    response = post_json(client_for(chengdu_city), f"{API}/scenarios", valid_body(region=MIANYANG))
    assert response.status_code == 201
    assert Scenario.objects.get().region_id == CHENGDU


def test_create_refused_for_anonymous_and_suppliers(anon_client, supplier):
    assert_error(post_json(anon_client, f"{API}/scenarios", valid_body()), 401, "unauthorized")
    assert_error(post_json(client_for(supplier), f"{API}/scenarios", valid_body()), 403, "forbidden")
    assert not Scenario.objects.exists() and not AuditLog.objects.changes().exists()


BAD_BODIES = [
    ({"title": "长" * 101}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": 123}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"budget_max": 100_001}, "budget_max"),
    ({"budget_max": 10**30}, "budget_max"),
    ({"budget_min": -1}, "budget_min"),
    ({"budget_min": "50"}, "budget_min"),
    ({"budget_min": 1.5}, "budget_min"),
    ({"budget_min": True}, "budget_min"),
    ({"budget_min": 500, "budget_max": 100}, "budget_max"),
    ({"field": "robot-drone-rescue"}, "field"),  # an emergency field under manufacturing
    ({"sector": "astrology"}, "sector"),
    ({"field": "x" * 61}, "field"),
    ({"region": "999999"}, "region"),
    ({"kind": "military"}, "kind"),
    ({"cooperation_mode": "gift"}, "cooperation_mode"),
    ({"deadline": "2025-02-30"}, "deadline"),
    ({"deadline": "next week"}, "deadline"),
    ({"contact_email": "not-an-email"}, "contact_email"),
    ({"purpose": "长" * 2001}, "purpose"),
    ({"status": "published"}, "status"),  # unknown (read-only) keys are refused
    ({"owner": 1}, "owner"),
]


@pytest.mark.parametrize(("override", "field"), BAD_BODIES)
def test_create_bad_input_is_422_per_field_and_writes_nothing(provider, override, field):
    response = post_json(client_for(provider), f"{API}/scenarios", valid_body(**override))
    body = assert_error(response, 422)
    assert body["code"] == "validation_error"
    assert field in body["details"], body
    assert all(isinstance(m, str) and m for msgs in body["details"].values() for m in msgs)
    assert not Scenario.objects.exists() and not AuditLog.objects.changes().exists()


def test_missing_fields_are_reported_together(provider):
    body = assert_error(
        post_json(client_for(provider), f"{API}/scenarios", {"title": "x"}), 422, "validation_error"
    )
    assert {"sector", "field", "purpose", "tech_requirements", "cooperation_mode", "contact_name"} <= set(
        body["details"]
    )
    assert not Scenario.objects.exists()


def test_validation_messages_are_chinese_by_default_and_follow_accept_language(provider):
    client = client_for(provider)
    zh = post_json(client, f"{API}/scenarios", valid_body(budget_max=100_001)).json()
    [message] = zh["details"]["budget_max"]
    assert "100000" in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    en = post_json(
        client, f"{API}/scenarios", valid_body(budget_max=100_001), HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert en["details"]["budget_max"] == ["Ensure this value is less than or equal to 100000."]


# ---------------------------------------------------------------------------------------------- update


def test_put_updates_draft_and_bumps_version(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = put_json(
        client_for(provider), f"{API}/scenarios/{s.pk}", valid_body(title="新标题", version=1)
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    s.refresh_from_db()
    assert (s.title, s.version, s.region_id) == ("新标题", 2, CHENGDU)
    assert AuditLog.objects.filter(action="scenario.update").count() == 1


def test_patch_changes_only_sent_fields(provider):
    s = ScenarioFactory(owner=provider.organisation, budget_max=300)
    response = patch_json(
        token_client(provider), f"{API}/scenarios/{s.pk}", {"version": 1, "budget_min": None}
    )
    assert response.status_code == 200, response.content
    s.refresh_from_db()
    assert (s.budget_min, s.budget_max, s.version) == (None, 300, 2)


def test_stale_version_is_409(provider):
    s = ScenarioFactory(owner=provider.organisation)
    client = client_for(provider)
    assert patch_json(client, f"{API}/scenarios/{s.pk}", {"version": 1, "title": "第一次"}).status_code == 200
    assert_error(
        patch_json(client, f"{API}/scenarios/{s.pk}", {"version": 1, "title": "第二次"}), 409, "stale_version"
    )
    assert_error(put_json(client, f"{API}/scenarios/{s.pk}", valid_body(version=1)), 409, "stale_version")
    s.refresh_from_db()
    assert (s.title, s.version) == ("第一次", 2)


def test_update_requires_version(provider):
    s = ScenarioFactory(owner=provider.organisation)
    body = assert_error(patch_json(client_for(provider), f"{API}/scenarios/{s.pk}", {"title": "x"}), 422)
    assert "version" in body["details"]
    body = assert_error(put_json(client_for(provider), f"{API}/scenarios/{s.pk}", valid_body()), 422)
    assert "version" in body["details"]
    s.refresh_from_db()
    assert s.version == 1


def test_update_non_draft_is_409(provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    assert_error(
        patch_json(client_for(provider), f"{API}/scenarios/{s.pk}", {"version": 1, "title": "x"}),
        409,
        "not_editable",
    )
    s.refresh_from_db()
    assert s.title != "x" and s.version == 1


def test_update_of_others_scenarios(provider, other_provider):
    draft = ScenarioFactory(owner=other_provider.organisation)
    public = published(other_provider.organisation)
    client = client_for(provider)
    assert_error(
        patch_json(client, f"{API}/scenarios/{draft.pk}", {"version": 1, "title": "x"}), 404, "not_found"
    )
    assert_error(
        patch_json(client, f"{API}/scenarios/{public.pk}", {"version": 1, "title": "x"}), 403, "forbidden"
    )
    assert not Scenario.objects.filter(title="x").exists() and not AuditLog.objects.changes().exists()


def test_update_bad_input_writes_nothing(provider):
    s = ScenarioFactory(owner=provider.organisation)
    client = client_for(provider)
    for body in (
        {"version": 1, "budget_max": 100_001},
        {"version": 1, "title": None},
        {"version": 0},
        {"version": 1, "field": "robot-drone-rescue"},
        {"version": "1"},
        {"version": 10**20},
    ):
        assert_error(patch_json(client, f"{API}/scenarios/{s.pk}", body), 422)
    s.refresh_from_db()
    assert s.version == 1 and not AuditLog.objects.changes().exists()


# ---------------------------------------------------------------------------------------------- auth


def test_token_auth_acts_as_its_membership(provider):
    s = ScenarioFactory(owner=provider.organisation)
    client = token_client(provider)
    assert ids(client.get(f"{API}/scenarios", {"status": "draft"})) == {s.pk}
    me = client.get(f"{API}/me").json()
    assert me["auth"] == "token" and me["authenticated"] is True
    assert me["membership"]["organisation_id"] == provider.organisation_id
    assert me["membership"]["role"] == "provider" and me["membership"]["region"] == CHENGDU
    assert ApiToken.objects.get().last_used_at is not None


def test_revoked_and_bad_tokens_are_401(provider):
    for client in (
        token_client(provider, revoked=True),
        Client(headers={"Authorization": "Bearer not-a-token"}),
        Client(headers={"Authorization": "Bearer " + "x" * 500}),
        Client(headers={"Authorization": "Bearer "}),
    ):
        response = post_json(client, f"{API}/scenarios", valid_body())
        assert_error(response, 401, "invalid_token")
        assert response["WWW-Authenticate"].startswith("Bearer")
        # Reads too: a client with a broken token must not silently get the public view.
        assert_error(client.get(f"{API}/scenarios"), 401, "invalid_token")
    assert not Scenario.objects.exists()


def test_token_of_inactive_user_is_401(provider):
    client = token_client(provider)
    provider.user.is_active = False
    provider.user.save()
    assert_error(client.get(f"{API}/me"), 401, "invalid_token")


def test_session_writes_need_csrf(provider):
    client, csrf = csrf_client(provider)
    response = post_json(client, f"{API}/scenarios", valid_body())
    assert_error(response, 403, "csrf_failed")
    assert_error(
        post_json(client, f"{API}/scenarios", valid_body(), HTTP_X_CSRFTOKEN="x" * 32), 403, "csrf_failed"
    )
    assert not Scenario.objects.exists()
    s = ScenarioFactory(owner=provider.organisation)
    assert_error(
        patch_json(client, f"{API}/scenarios/{s.pk}", {"version": 1, "title": "x"}), 403, "csrf_failed"
    )
    assert_error(
        post_json(client, f"{API}/scenarios/{s.pk}/transitions", {"to": "submitted"}), 403, "csrf_failed"
    )
    s.refresh_from_db()
    assert (s.status, s.version) == (Status.DRAFT, 1)
    # Reads need no token, and with it the write goes through.
    assert client.get(f"{API}/scenarios").status_code == 200
    assert post_json(client, f"{API}/scenarios", valid_body(), HTTP_X_CSRFTOKEN=csrf).status_code == 201


def test_anonymous_write_is_401_not_csrf(provider):
    client = Client(enforce_csrf_checks=True)
    assert_error(post_json(client, f"{API}/scenarios", valid_body()), 401, "unauthorized")


def test_me(anon_client, chengdu_city):
    assert anon_client.get(f"{API}/me").json() == {
        "authenticated": False,
        "auth": "anonymous",
        "user": None,
        "membership": None,
    }
    me = client_for(chengdu_city).get(f"{API}/me").json()
    assert me["auth"] == "session" and me["user"]["username"] == "chengdu"
    assert me["membership"]["region_name"] == "成都市" and me["membership"]["role"] == "city"


def test_reference(anon_client):
    body = anon_client.get(f"{API}/reference").json()
    sectors = {s["code"]: s for s in body["sectors"]}
    assert "machine-vision" in {f["code"] for f in sectors["manufacturing"]["fields"]}
    assert {"code": CHENGDU, "name": "成都市"} in body["regions"]
    assert {"code": "government", "name": "政府管理类"} in body["kinds"]
    assert [s["code"] for s in body["statuses"]] == list(Status.values)
    assert "-published" in body["sorts"] and body["cooperation_modes"]


def test_wrong_method_is_refused(anon_client, provider):
    s = published(provider.organisation)
    assert anon_client.delete(f"{API}/scenarios/{s.pk}").status_code == 405
    assert Scenario.objects.filter(pk=s.pk).exists()


def test_attachment_files_missing_on_disk_are_404(provider):
    s = ScenarioFactory(owner=provider.organisation)
    a = ScenarioAttachment.objects.create(
        scenario=s, file="scenarios/gone", original_name="x.pdf", kind="pdf", size=1
    )
    assert_error(client_for(provider).get(f"{API}/scenarios/{s.pk}/attachments/{a.pk}"), 404, "not_found")


def test_transition_rows_written_through_api(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = post_json(client_for(provider), f"{API}/scenarios/{s.pk}/transitions", {"to": "submitted"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert (
        ScenarioTransition.objects.filter(scenario=s, to_status="submitted", actor=provider.user).count() == 1
    )
