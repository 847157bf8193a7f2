"""Events API: shapes, the office's writes, holding, registrations, rotation, and who may do what."""

import datetime as dt

import pytest

from scenariohub.conftest import client_for
from scenariohub.events.models import EventRegistration, EventStatus, ReleaseEvent
from scenariohub.events.tests.factories import ReleaseEventFactory
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_list_and_detail(anon_client):
    held = ReleaseEventFactory(status=EventStatus.HELD, date=dt.date(2026, 1, 15), host_region_id="510100")
    ReleaseEventFactory(status=EventStatus.CANCELLED)
    ReleaseEventFactory(channel="online", host_region_id=None, date=dt.date(2027, 2, 1))
    body = anon_client.get(f"{API}/events").json()
    assert body["count"] == 2 and {e["status"] for e in body["items"]} == {"planned", "held"}
    assert anon_client.get(f"{API}/events", {"region": "510100"}).json()["count"] == 1
    assert anon_client.get(f"{API}/events", {"year": "2027", "channel": "online"}).json()["count"] == 1
    bad = anon_client.get(f"{API}/events", {"channel": "party"})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_filter"
    detail = anon_client.get(f"{API}/events/{held.pk}").json()
    assert detail["quarter"] == 1 and detail["released"] == [] and detail["seats"]["registered"] == 0
    assert anon_client.get(f"{API}/events/999999").status_code == 404


def test_office_creates_assigns_and_holds(office, provider):
    client = client_for(office)
    response = post(client, f"{API}/events", {"channel": "conference", "title": "发布会", "host_region": "510700",
                                              "date": "2026-01-15", "starts_at": "09:30:00"})
    assert response.status_code == 201, response.json()
    event_id = response.json()["id"]
    missing = post(client, f"{API}/events", {"channel": "conference", "title": "发布会", "date": "2026-01-15"})
    assert missing.status_code == 422 and "host_region" in missing.json()["details"]

    scenarios = [ScenarioFactory(owner=provider.organisation, status=Status.APPROVED) for _ in range(2)]
    assigned = post(client, f"{API}/events/{event_id}/scenarios", {"scenario_ids": [s.pk for s in scenarios]})
    assert assigned.status_code == 200 and sorted(assigned.json()["added"]) == sorted(s.pk for s in scenarios)

    held = post(client, f"{API}/events/{event_id}/hold")
    assert held.status_code == 200, held.json()
    assert held.json()["event"]["status"] == "held" and held.json()["event"]["released_count"] == 2
    again = post(client, f"{API}/events/{event_id}/hold").json()
    assert again["repeated"] and again["released"] == []
    detail = client.get(f"{API}/events/{event_id}").json()
    assert {r["id"] for r in detail["released"]} == {s.pk for s in scenarios}
    assert detail["released"][0]["released_at"] == "2026-01-15T01:30:00Z"  # 09:30 in Chengdu


def test_permissions(chengdu_city, supplier, anon_client, provider):
    event = ReleaseEventFactory(date=dt.date(2026, 1, 15))
    s = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    assert post(anon_client, f"{API}/events", {"title": "x", "date": "2026-01-01"}).status_code == 401
    assert post(client_for(chengdu_city), f"{API}/events/{event.pk}/hold").status_code == 403
    assert post(client_for(supplier), f"{API}/events/{event.pk}/scenarios", {"scenario_ids": [s.pk]}).status_code == 403
    assert Scenario.objects.get(pk=s.pk).status == Status.APPROVED
    assert client_for(chengdu_city).get(f"{API}/events/rotation").status_code == 403
    assert anon_client.get(f"{API}/events/rotation").status_code == 403


def test_registrations(supplier, chengdu_city):
    event = ReleaseEventFactory(capacity=1)
    response = post(client_for(supplier), f"{API}/events/{event.pk}/registrations")
    assert response.status_code == 201 and response.json()["status"] == "registered"
    assert post(client_for(supplier), f"{API}/events/{event.pk}/registrations").json()["code"] == "already_registered"
    assert post(client_for(chengdu_city), f"{API}/events/{event.pk}/registrations").status_code == 403
    reg_id = response.json()["id"]
    cancelled = client_for(supplier).delete(f"{API}/events/{event.pk}/registrations/{reg_id}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert EventRegistration.objects.get(pk=reg_id).status == "cancelled"


def test_rotation(office):
    body = client_for(office).get(f"{API}/events/rotation").json()
    assert body["count"] == 8 and body["items"][0]["source"] == "proposed"
    assert body["items"][0]["region"] == "510100"  # nobody has hosted: the lowest code first


def test_openapi_lists_the_routes(anon_client):
    paths = anon_client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/events", "/api/v1/events/{id}", "/api/v1/events/{id}/scenarios", "/api/v1/events/{id}/hold",
                 "/api/v1/events/{id}/registrations", "/api/v1/events/rotation", "/api/v1/plans/{year}"):
        assert path in paths
    assert ReleaseEvent.objects.count() == 0
