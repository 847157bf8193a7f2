"""The benchmark-case and quota API through HTTP: the same rules as the pages, the one error shape."""

import json

import pytest
from django.utils import timezone

from scenariohub.cases import services
from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.cases.tests.helpers import WRITEUP, png
from scenariohub.conftest import CHENGDU, as_actor, client_for
from scenariohub.scenarios.models import Status

pytestmark = pytest.mark.django_db
JSON = "application/json"


def body(cooperation, **overrides):
    return json.dumps({"cooperation_id": cooperation.pk, **WRITEUP, **overrides})


def test_nominate_and_read_back(chengdu_city, cooperation, quota):
    response = client_for(chengdu_city).post("/api/v1/benchmark-cases", body(cooperation), content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "nominated" and data["region"] == CHENGDU and data["sector"] == "manufacturing"
    assert data["figures"] == WRITEUP["figures"] and data["pdf_url"].endswith("/pdf/")
    assert BenchmarkCase.objects.get().title == WRITEUP["title"]


def test_nomination_refusals_keep_the_error_shape(
    chengdu_city, mianyang_city, office, anon_client, cooperation
):
    url = "/api/v1/benchmark-cases"
    assert anon_client.post(url, body(cooperation), content_type=JSON).status_code == 401
    assert (
        client_for(mianyang_city).post(url, body(cooperation), content_type=JSON).json()["code"]
        == "not_found"
    )
    forbidden = client_for(office).post(url, body(cooperation), content_type=JSON)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    no_quota = client_for(chengdu_city).post(url, body(cooperation), content_type=JSON)
    assert no_quota.status_code == 409 and no_quota.json()["code"] == "no_quota"
    BenchmarkQuota.objects.create(year=timezone.localdate().year, region_id=CHENGDU, number=1)
    bad = client_for(chengdu_city).post(url, body(cooperation, video_url="http://x.cn/v"), content_type=JSON)
    assert bad.status_code == 422 and "video_url" in bad.json()["details"]
    missing = client_for(chengdu_city).post(url, body(cooperation, title=""), content_type=JSON)
    assert missing.status_code == 422 and "title" in missing.json()["details"]
    assert not BenchmarkCase.objects.exists()


def test_visibility_list_and_detail(chengdu_city, mianyang_city, office, anon_client, cooperation, quota):
    case = services.case_nominate(actor=as_actor(chengdu_city), cooperation_id=cooperation.pk, data=WRITEUP)
    assert anon_client.get("/api/v1/benchmark-cases").json()["count"] == 0
    assert anon_client.get(f"/api/v1/benchmark-cases/{case.pk}").status_code == 404
    assert client_for(mianyang_city).get(f"/api/v1/benchmark-cases/{case.pk}").status_code == 404
    assert client_for(chengdu_city).get("/api/v1/benchmark-cases").json()["count"] == 1
    assert anon_client.get("/api/v1/benchmark-cases?region=nope").status_code == 422
    services.case_designate(actor=as_actor(office), case_id=case.pk)
    listed = anon_client.get("/api/v1/benchmark-cases?status=designated&region=510100").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == case.pk


def test_designate_and_decline_are_the_office_s(chengdu_city, office, provider, cooperation, quota):
    case = services.case_nominate(actor=as_actor(chengdu_city), cooperation_id=cooperation.pk, data=WRITEUP)
    url = f"/api/v1/benchmark-cases/{case.pk}"
    assert client_for(chengdu_city).post(url + "/designate", "{}", content_type=JSON).status_code == 403
    assert (
        client_for(provider)
        .post(url + "/decline", json.dumps({"reason": "x"}), content_type=JSON)
        .status_code
        == 403
    )
    no_reason = client_for(office).post(url + "/decline", "{}", content_type=JSON)
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    done = client_for(office).post(url + "/designate", json.dumps({"reason": "示范"}), content_type=JSON)
    assert done.status_code == 200 and done.json()["status"] == "designated"
    again = client_for(office).post(url + "/decline", json.dumps({"reason": "x"}), content_type=JSON)
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    cooperation.scenario.refresh_from_db()
    assert cooperation.scenario.status == Status.BENCHMARK


def test_patch_writeup_and_photo_upload(chengdu_city, provider, cooperation, quota):
    case = services.case_nominate(actor=as_actor(chengdu_city), cooperation_id=cooperation.pk, data=WRITEUP)
    url = f"/api/v1/benchmark-cases/{case.pk}"
    patched = client_for(chengdu_city).patch(url, json.dumps({"results": "成效更新"}), content_type=JSON)
    assert patched.status_code == 200 and patched.json()["results"] == "成效更新"
    assert (
        client_for(provider).patch(url, json.dumps({"results": "改"}), content_type=JSON).status_code == 403
    )
    fake = client_for(chengdu_city).post(url + "/photos", {"file": png(name="a.txt")})
    assert fake.status_code == 422
    photo = client_for(chengdu_city).post(url + "/photos", {"file": png(), "caption": "现场"})
    assert photo.status_code == 201 and photo.json()["photos"][0]["caption"] == "现场"
    case.refresh_from_db()
    assert case.results == "成效更新" and case.status == CaseStatus.NOMINATED


def test_quotas_read_by_anyone_set_by_the_office(office, chengdu_city, anon_client):
    year = timezone.localdate().year
    table = anon_client.get(f"/api/v1/benchmark-quotas?year={year}").json()
    # The 21 cities, then the provincial quota (the office's nominations of provincial scenarios).
    assert table["count"] == 22 and all(row["number"] is None for row in table["items"])
    assert table["items"][-1]["region"] == "provincial"
    url = f"/api/v1/benchmark-quotas/{year}/{CHENGDU}"
    assert client_for(chengdu_city).put(url, json.dumps({"number": 4}), content_type=JSON).status_code == 403
    assert client_for(office).put(url, json.dumps({"number": 101}), content_type=JSON).status_code == 422
    assert (
        client_for(office)
        .put(f"/api/v1/benchmark-quotas/{year}/999999", json.dumps({"number": 1}), content_type=JSON)
        .status_code
        == 404
    )
    ok = client_for(office).put(url, json.dumps({"number": 4}), content_type=JSON)
    assert ok.status_code == 200
    assert next(r for r in ok.json()["items"] if r["region"] == CHENGDU)["number"] == 4
    assert BenchmarkQuota.objects.get(year=year, region_id=CHENGDU).number == 4
