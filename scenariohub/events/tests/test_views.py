"""Event pages: public list and detail, the office's pages, permissions, registration buttons, rotation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scenariohub.conftest import client_for
from scenariohub.events.models import (
    EventRegistration,
    EventScenario,
    EventStatus,
    HostAvailability,
    ReleaseEvent,
    RotationOverride,
)
from scenariohub.events.tests.factories import ReleaseEventFactory
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
PAST = dt.date(2026, 1, 15)


def test_public_list_shows_planned_and_held_but_not_cancelled(anon_client, django_assert_max_num_queries):
    planned = ReleaseEventFactory(title="计划中的发布会")
    held = ReleaseEventFactory(title="已举办的发布会", status=EventStatus.HELD, date=PAST)
    cancelled = ReleaseEventFactory(title="已取消的发布会", status=EventStatus.CANCELLED)
    for _ in range(10):
        ReleaseEventFactory()
    with django_assert_max_num_queries(8):
        response = anon_client.get(reverse("events:event-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert planned.title in body and held.title in body and cancelled.title not in body
    assert anon_client.get(reverse("events:event-detail", args=[cancelled.pk])).status_code == 404
    assert anon_client.get(reverse("events:event-list"), {"channel": "nonsense"}).status_code == 200


def test_detail_shows_released_scenarios_only(anon_client, office, provider):
    event = ReleaseEventFactory(status=EventStatus.HELD, date=PAST)
    released = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, title="已发布的巡检场景")
    pending = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, title="尚未发布的场景")
    EventScenario.objects.create(event=event, scenario=released, released_at=timezone.now())
    EventScenario.objects.create(event=event, scenario=pending)
    body = anon_client.get(reverse("events:event-detail", args=[event.pk])).content.decode()
    assert released.title in body and pending.title not in body
    office_body = client_for(office).get(reverse("events:event-detail", args=[event.pk])).content.decode()
    assert pending.title in office_body  # the office's working list


def test_office_creates_assigns_and_holds(office, provider):
    client = client_for(office)
    response = client.post(reverse("events:event-create"), {
        "channel": "conference", "title": "2026年第一季度发布会", "host_region": "510700", "date": "2026-01-15",
        "starts_at": "09:30", "ends_at": "17:00", "venue": "绵阳", "capacity": "100",
    })
    event = ReleaseEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("events:event-detail", args=[event.pk])

    a = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, region_id="510100")
    b = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, region_id="510700")
    page = client.get(reverse("events:event-assign", args=[event.pk]), {"region": "510700"})
    assert b.title in page.content.decode() and a.title not in page.content.decode()
    client.post(reverse("events:event-assign", args=[event.pk]), {"scenario": [a.pk, b.pk]})
    assert EventScenario.objects.filter(event=event).count() == 2

    assert client.get(reverse("events:event-hold", args=[event.pk])).status_code == 200  # the confirmation page
    response = client.post(reverse("events:event-hold", args=[event.pk]))
    assert response.status_code == 302
    assert set(Scenario.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {Status.PUBLISHED}
    assert client.get(reverse("events:event-hold", args=[event.pk])).status_code == 200
    assert client.post(reverse("events:event-hold", args=[event.pk])).status_code == 302  # again: harmless


def test_create_form_reports_missing_host(office):
    response = client_for(office).post(reverse("events:event-create"), {
        "channel": "conference", "title": "无承办城市", "date": "2026-05-01"})
    assert response.status_code == 200 and not ReleaseEvent.objects.exists()
    assert "host_region" in response.context["form"].errors


@pytest.mark.parametrize("name", ["event-hold", "event-cancel", "event-edit", "event-assign"])
def test_city_and_supplier_cannot_manage(name, chengdu_city, supplier, anon_client):
    event = ReleaseEventFactory(date=PAST)
    url = reverse(f"events:{name}", args=[event.pk])
    for m in (chengdu_city, supplier):
        assert client_for(m).get(url).status_code == 403
        assert client_for(m).post(url, {"reason": "x", "scenario": []}).status_code == 403
    assert anon_client.post(url).status_code == 302  # to the login page
    assert ReleaseEvent.objects.get(pk=event.pk).status == EventStatus.PLANNED


def test_wrong_method(office):
    event = ReleaseEventFactory()
    assert client_for(office).get(reverse("events:event-register", args=[event.pk])).status_code == 405
    assert client_for(office).delete(reverse("events:event-detail", args=[event.pk])).status_code == 405


def test_cancel_needs_a_reason(office):
    event = ReleaseEventFactory()
    client = client_for(office)
    assert client.post(reverse("events:event-cancel", args=[event.pk]), {"reason": ""}).status_code == 200
    assert client.post(reverse("events:event-cancel", args=[event.pk]), {"reason": "场地调整"}).status_code == 302
    assert ReleaseEvent.objects.get(pk=event.pk).status == EventStatus.CANCELLED


def test_supplier_registers_and_cancels(supplier, chengdu_city):
    event = ReleaseEventFactory(capacity=10)
    client = client_for(supplier)
    body = client.get(reverse("events:event-detail", args=[event.pk])).content.decode()
    assert reverse("events:event-register", args=[event.pk]) in body
    assert reverse("events:event-register", args=[event.pk]) not in (
        client_for(chengdu_city).get(reverse("events:event-detail", args=[event.pk])).content.decode())
    client.post(reverse("events:event-register", args=[event.pk]))
    reg = EventRegistration.objects.get(user=supplier.user)
    assert reg.status == "registered"
    client.post(reverse("events:registration-cancel", args=[reg.pk]))
    assert EventRegistration.objects.get(pk=reg.pk).status == "cancelled"


def test_rotation_page(office, chengdu_city, supplier, anon_client):
    response = client_for(office).get(reverse("events:rotation"))
    assert response.status_code == 200 and len(response.context["rows"]) == 8
    assert client_for(supplier).get(reverse("events:rotation")).status_code == 403
    assert anon_client.get(reverse("events:rotation")).status_code == 302
    row = response.context["rows"][1]
    client_for(office).post(reverse("events:rotation-override"), {
        "year": row.year, "quarter": row.quarter, "region": "513400", "reason": "凉山州承办民族地区专场"})
    assert RotationOverride.objects.get(year=row.year, quarter=row.quarter).region_id == "513400"
    assert client_for(chengdu_city).post(reverse("events:rotation-override"), {
        "year": row.year, "quarter": row.quarter, "region": "510100", "reason": "x"}).status_code == 403


def test_pages_are_chinese_by_default(anon_client):
    ReleaseEventFactory()
    body = anon_client.get(reverse("events:event-list")).content.decode()
    assert "发布活动" in body


def test_city_sees_rotation_and_records_its_own_availability(chengdu_city):
    client = client_for(chengdu_city)
    assert client.get(reverse("events:rotation")).status_code == 200
    client.post(reverse("events:rotation-availability"), {"region": "510100", "kind": "unwilling"})
    client.post(reverse("events:rotation-availability"), {"region": "510700", "kind": "unwilling"})  # not its own
    assert list(HostAvailability.objects.values_list("region_id", flat=True)) == ["510100"]


def test_edit_planned_and_held_events(office):
    client = client_for(office)
    event = ReleaseEventFactory(capacity=10)
    data = {"channel": "conference", "title": "新标题", "host_region": "510100", "date": "2026-12-01", "venue": "成都"}
    assert client.post(reverse("events:event-edit", args=[event.pk]), data).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.host_region_id, str(event.date)) == ("新标题", "510100", "2026-12-01")
    held = ReleaseEventFactory(status=EventStatus.HELD, date=PAST)
    client.post(reverse("events:event-edit", args=[held.pk]), {**data, "livestream_url": "https://live.example.cn/1"})
    held.refresh_from_db()
    # Once held, the date and host are history: only the descriptive fields change.
    assert held.date == PAST and held.host_region_id == "510700"
    assert held.livestream_url == "https://live.example.cn/1" and held.title == "新标题"
