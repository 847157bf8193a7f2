"""API v1 of cooperation tracking through HTTP: happy paths, anonymous, no permission (404 unseen, 403
seen but not allowed), bad input; the database checked after each call."""

import json

import pytest
from django.utils import timezone

from scenariohub.matching.tests.conftest import token_client
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.tracking.models import Cooperation, CooperationStatus, FollowUp, Milestone, ProgressReport
from scenariohub.tracking.tests.conftest import metrics

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, path, body=None, method="post"):
    return getattr(client, method)(
        f"{API}{path}", data=json.dumps(body or {}), content_type="application/json"
    )


AGREEMENT = {
    "parties": "成都智造示范工厂、蜀智科技有限公司",
    "signed_on": "2026-03-02",
    "amount": "1250000.00",
    "duration_months": 12,
    "scope": "缺陷检测系统研发与部署。",
}


def test_owner_records_an_agreement_and_walks_it_to_piloted(provider, shortlisted):
    client = token_client(provider)
    response = post(client, "/cooperations", {"application": shortlisted.pk, **AGREEMENT})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["supplier"]["name"]) == (
        "agreed",
        "1250000.00",
        "蜀智科技有限公司",
    )
    assert [m["name"] for m in body["members"]] == ["天府算法科技有限公司"]
    pk = body["id"]
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.AGREED

    assert (
        post(client, f"/cooperations/{pk}/start", {"started_on": "2026-03-10"}).json()["status"]
        == "implementing"
    )
    created = post(
        client, f"/cooperations/{pk}/milestones", {"title": "数据采集", "planned_on": "2026-04-30"}
    )
    assert created.status_code == 201 and created.json()["overdue"] is (
        timezone.localdate().isoformat() > "2026-04-30"
    )
    mid = created.json()["id"]
    done = post(client, f"/milestones/{mid}/complete", {"done_on": "2026-04-28"}).json()
    assert (done["status"], done["done_on"]) == ("done", "2026-04-28")
    report = post(client, f"/cooperations/{pk}/reports", {"percent_complete": 60, "text": "模型训练中。"})
    assert report.status_code == 201 and ProgressReport.objects.get().percent_complete == 60
    pilot = post(
        client,
        f"/cooperations/{pk}/pilot",
        {"accepted_on": timezone.localdate().isoformat(), "report": "验收通过。", "metrics": metrics()},
    )
    assert pilot.status_code == 200, pilot.content
    assert pilot.json()["acceptance"]["metrics"][0] == {
        "name": "缺陷检出率",
        "before": "92.0000",
        "after": "99.2000",
        "unit": "%",
    }
    assert Cooperation.objects.get(pk=pk).status == CooperationStatus.PILOTED
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.PILOTED


def test_anonymous_gets_401(anon_client, agreed):
    assert anon_client.get(f"{API}/cooperations").status_code == 401
    assert anon_client.get(f"{API}/cooperations/{agreed.pk}").status_code == 401
    assert post(anon_client, f"/cooperations/{agreed.pk}/start").status_code == 401


def test_supplier_sees_only_its_own_cooperations_and_reports(
    supplier, consortium_member, outsider_supplier, provider, implementing
):
    post(
        token_client(provider),
        f"/cooperations/{implementing.pk}/reports",
        {"percent_complete": 30, "text": "进行中"},
    )
    for persona in (supplier, consortium_member):
        client = token_client(persona)
        assert client.get(f"{API}/cooperations").json()["count"] == 1
        reports = client.get(f"{API}/cooperations/{implementing.pk}/reports").json()
        assert [r["percent_complete"] for r in reports["items"]] == [30]
    outsider = token_client(outsider_supplier)
    assert outsider.get(f"{API}/cooperations").json() == {"items": [], "count": 0}
    response = outsider.get(f"{API}/cooperations/{implementing.pk}/reports")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_city_sees_only_its_region(chengdu_city, mianyang_city, office, implementing):
    assert token_client(chengdu_city).get(f"{API}/cooperations?region=510100").json()["count"] == 1
    assert token_client(office).get(f"{API}/cooperations?status=implementing").json()["count"] == 1
    assert token_client(office).get(f"{API}/cooperations?status=agreed").json()["count"] == 0
    other = token_client(mianyang_city)
    assert other.get(f"{API}/cooperations").json()["count"] == 0
    assert other.get(f"{API}/cooperations/{implementing.pk}").status_code == 404
    assert post(other, f"/cooperations/{implementing.pk}/followups", {"comment": "x"}).status_code == 404


def test_seen_but_not_allowed_is_403(supplier, chengdu_city, implementing):
    response = post(
        token_client(supplier),
        f"/cooperations/{implementing.pk}/milestones",
        {"title": "x", "planned_on": "2026-05-01"},
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = post(
        token_client(chengdu_city),
        f"/cooperations/{implementing.pk}/reports",
        {"percent_complete": 10, "text": "x"},
    )
    assert response.status_code == 403
    assert not Milestone.objects.exists() and not ProgressReport.objects.exists()


def test_city_follows_up_and_resolves(chengdu_city, provider, implementing):
    client = token_client(chengdu_city)
    response = post(
        client, f"/cooperations/{implementing.pk}/followups", {"comment": "进度滞后", "risk_level": "high"}
    )
    assert response.status_code == 201
    listed = client.get(f"{API}/cooperations?risk=true").json()
    assert [c["has_open_risk"] for c in listed["items"]] == [True]
    fid = response.json()["id"]
    assert post(client, f"/followups/{fid}/resolve", {"resolution": "已协调"}).json()["resolved"] is True
    assert FollowUp.objects.get(pk=fid).resolved_by_id == chengdu_city.user_id
    assert post(client, f"/followups/{fid}/resolve", {}).status_code == 409


def test_bad_input_is_422_and_nothing_is_written(provider, shortlisted, agreed):
    client = token_client(provider)
    response = post(client, f"/cooperations/{agreed.pk}/reports", {"percent_complete": 120, "text": ""})
    assert response.status_code == 422 and set(response.json()["details"]) >= {"percent_complete", "text"}
    assert token_client(provider).get(f"{API}/cooperations?status=bogus").status_code == 422
    assert token_client(provider).get(f"{API}/cooperations?year=20x6").status_code == 422
    response = token_client(provider).get(f"{API}/cooperations?region=999999")
    assert response.status_code == 422 and "region" in response.json()["details"]
    response = post(
        client,
        f"/cooperations/{agreed.pk}/pilot",
        {"accepted_on": "2026-04-01", "report": "x", "metrics": metrics()},
    )
    assert response.status_code == 409  # not implementing yet
    assert not ProgressReport.objects.exists()
    assert Cooperation.objects.get(pk=agreed.pk).status == CooperationStatus.AGREED


def test_agreement_refusals(supplier, provider, office, shortlisted, agreed):
    response = post(token_client(supplier), "/cooperations", {"application": shortlisted.pk, **AGREEMENT})
    assert response.status_code == 403
    response = post(token_client(provider), "/cooperations", {"application": shortlisted.pk, **AGREEMENT})
    assert response.status_code == 409 and response.json()["code"] == "already_agreed"
    response = post(token_client(provider), "/cooperations", {"application": 999999, **AGREEMENT})
    assert response.status_code == 404
    assert Cooperation.objects.count() == 1


def test_generic_scenario_transition_api_refuses_the_cooperation_steps(provider, shortlisted):
    response = post(
        token_client(provider), f"/scenarios/{shortlisted.scenario_id}/transitions", {"to": "agreed"}
    )
    assert response.status_code == 409 and response.json()["code"] == "not_directly"
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.MATCHING
