"""Demonstration zones through the real stack: a small province (成都, 绵阳, 自贡) scored by hand from the
platform's own rows and the office's inputs and compared criterion by criterion; weight changes, ties and
missing inputs; a decided year that does not move; permissions and bad input through pages and the API."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from scenariohub.cases.models import CaseStatus
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import Conflict, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.events.models import EventStatus
from scenariohub.events.tests.factories import ReleaseEventFactory
from scenariohub.matching.tests.factories import api_token
from scenariohub.publicity.models import NewsItem
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.support.models import SupportApplication
from scenariohub.support.tests.factories import adoption, benchmark_case, cooperation
from scenariohub.tracking.models import CooperationStatus
from scenariohub.zones import selectors, services
from scenariohub.zones.models import ZoneInput, ZoneScore, ZoneSelection, ZoneYear

pytestmark = pytest.mark.django_db

YEAR = 2026
CD, MY, ZG = "510100", "510700", "510300"  # 成都, 绵阳, 自贡 (official order: 成都 1st, 自贡 2nd, 绵阳 …)
WEIGHTS = {"policy": 30, "procurement": 25, "concentration": 20, "publicity": 15, "benchmark": 10}


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


def released(owner, region, year, n):
    for _ in range(n):
        ScenarioFactory(
            owner=owner,
            region_id=region,
            status="published",
            published_at=at(year, 4, 1),
            published_year=year,
        )


def news(region, when, published=True):
    NewsItem.objects.create(
        title="动态",
        summary="摘要",
        body="<p>正文</p>",
        region_id=region,
        published=published,
        published_at=when,
    )


@pytest.fixture
def province(provider, other_provider, supplier):
    """成都 and 绵阳 with data of every kind, noise that must not count, and 自贡 with nothing at all."""
    cd_owner, my_owner, sup = provider.organisation, other_provider.organisation, supplier.organisation
    # Policy: one support measure granted in 2026 for a Chengdu cooperation (plus a refused one, not counted).
    cd_coop = cooperation(
        cd_owner,
        sup,
        status=CooperationStatus.BENCHMARK,
        region=CD,
        signed_on=dt.date(2026, 3, 1),
        amount=D("3000000"),
    )  # 300 万元
    SupportApplication.objects.create(
        measure="innovation_voucher",
        applicant=cd_owner,
        cooperation=cd_coop,
        region_id=CD,
        year=YEAR,
        summary="券",
        amount_requested=D("10"),
        status="granted",
        amount_granted=D("10"),
        decided_at=at(2026, 6, 1),
    )
    SupportApplication.objects.create(
        measure="bond_project",
        applicant=cd_owner,
        cooperation=cd_coop,
        region_id=CD,
        year=YEAR,
        summary="债",
        amount_requested=D("10"),
        status="refused",
        decision_reason="不符合",
        decided_at=at(2026, 6, 1),
    )
    # Procurement: agreements (yuan → 万元) and adoptions (万元) in the year.
    cooperation(
        my_owner,
        sup,
        status=CooperationStatus.IMPLEMENTING,
        region=MY,
        signed_on=dt.date(2026, 2, 1),
        amount=D("5000000"),
    )  # 500 万元
    cooperation(
        my_owner,
        sup,
        status=CooperationStatus.TERMINATED,
        region=MY,
        signed_on=dt.date(2026, 2, 1),
        amount=D("9000000"),
    )  # terminated: left out
    cooperation(
        my_owner,
        sup,
        status=CooperationStatus.AGREED,
        region=MY,
        signed_on=dt.date(2025, 12, 31),
        amount=D("9000000"),
    )  # last year
    adoption(sup, cd_owner, region=CD, amount=D("100"), adopted_on=dt.date(2026, 5, 1))
    adoption(sup, my_owner, region=MY, amount=D("70"), adopted_on=dt.date(2025, 5, 1))  # last year
    # Concentration: scenarios first released in 2026.
    released(cd_owner, CD, 2026, 4)
    released(my_owner, MY, 2026, 2)
    released(my_owner, MY, 2025, 3)
    # Publicity: a held conference hosted in 2026, a published news item; a cancelled conference, a draft item.
    ReleaseEventFactory(host_region_id=CD, date=dt.date(2026, 3, 20), status=EventStatus.HELD)
    ReleaseEventFactory(host_region_id=MY, date=dt.date(2026, 6, 20), status=EventStatus.CANCELLED)
    news(CD, at(2026, 7, 1))
    news(MY, at(2026, 7, 1), published=False)
    # Benchmark: the designated Chengdu case; a nominated Mianyang one does not count.
    benchmark_case(cd_coop, status=CaseStatus.DESIGNATED, year=YEAR)
    my_piloted = cooperation(
        my_owner,
        sup,
        status=CooperationStatus.PILOTED,
        region=MY,
        signed_on=dt.date(2024, 1, 1),
        amount=D("1"),
    )
    benchmark_case(my_piloted, status=CaseStatus.NOMINATED, year=YEAR)


def enter(office, *rows):
    return services.zone_inputs_set(
        actor=as_actor(office), year=YEAR, rows=[{"region": r, "kind": k, "value": v} for r, k, v in rows]
    )


def by_region(zone_year):
    return {s.region: s for s in selectors.zone_ranking(zone_year=zone_year).rows}


def test_small_province_by_hand(province, office):
    services.zone_weights_set(actor=as_actor(office), year=YEAR, weights=WEIGHTS)
    enter(
        office,
        (CD, "policy_documents", "2"),
        (CD, "media_items", "1"),
        (MY, "policy_documents", "1"),
        (MY, "procurement_outside", "100"),
    )
    scores = by_region(ZoneYear.objects.get(year=YEAR))
    cd, my, zg = scores[CD], scores[MY], scores[ZG]
    # Components as counted from the rows above.
    assert cd.criteria["policy"].components == {"support_granted": 1, "policy_documents": 2}
    assert cd.criteria["procurement"].components == {
        "agreement_amount": D("300.00"),
        "adoption_amount": 100,
        "procurement_outside": 0,
    }
    assert my.criteria["procurement"].components == {
        "agreement_amount": D("500.00"),
        "adoption_amount": 0,
        "procurement_outside": 100,
    }
    assert cd.criteria["publicity"].components == {"conferences_hosted": 1, "news_items": 1, "media_items": 1}
    # Raw by criterion:        policy  procurement  concentration  publicity  benchmark
    #   成都                       3        400            4            3          1
    #   绵阳                       1        600            2            0          0
    assert [cd.criteria[k].raw for k in WEIGHTS] == [3, 400, 4, 3, 1]
    assert [my.criteria[k].raw for k in WEIGHTS] == [1, 600, 2, 0, 0]
    # Scaled by the best: 成都 procurement 400/600 = 66.67; 绵阳 policy 1/3 = 33.33, concentration 2/4 = 50.
    assert [cd.criteria[k].scaled for k in WEIGHTS] == [100, D("66.67"), 100, 100, 100]
    assert [my.criteria[k].scaled for k in WEIGHTS] == [D("33.33"), 100, 50, 0, 0]
    # Weighted: 成都 30 + 16.67 + 20 + 15 + 10 = 91.67; 绵阳 10.00 (33.33×0.3=9.999) + 25 + 10 = 45.00.
    assert [cd.criteria[k].weighted for k in WEIGHTS] == [
        D("30.00"),
        D("16.67"),
        D("20.00"),
        D("15.00"),
        D("10.00"),
    ]
    assert [my.criteria[k].weighted for k in WEIGHTS] == [D("10.00"), D("25.00"), D("10.00"), 0, 0]
    assert (cd.total, my.total, zg.total) == (D("91.67"), D("45.00"), 0)
    assert (cd.rank, my.rank, zg.rank) == (1, 2, 3)
    # Every other region ties with 自贡 at 0, sharing rank 3, listed in the official order.
    rows = selectors.zone_ranking(zone_year=ZoneYear.objects.get(year=YEAR)).rows
    assert len(rows) == 21 and all(r.rank == 3 and r.tied for r in rows[2:])
    assert [r.position for r in rows[2:]] == sorted(r.position for r in rows[2:])
    # Missing inputs count as zero and are named.
    assert cd.missing == ("procurement_outside",)
    assert my.missing == ("media_items",)
    assert zg.missing == ("policy_documents", "procurement_outside", "media_items")


def test_a_weight_change_recomputes_and_bad_weights_are_refused(province, office):
    zone_year = selectors.zone_year_get_for_actor(actor=as_actor(office), year=YEAR)
    assert zone_year.pk is None and zone_year.weights == dict.fromkeys(WEIGHTS, 20)  # the default
    scores = by_region(zone_year)
    assert scores[CD].rank == 1
    services.zone_weights_set(
        actor=as_actor(office),
        year=YEAR,
        weights={"policy": 0, "procurement": 100, "concentration": 0, "publicity": 0, "benchmark": 0},
    )
    scores = by_region(ZoneYear.objects.get(year=YEAR))
    # No office inputs here: 绵阳 500 万元, 成都 300 + 100 = 400 → 80.00.
    assert (scores[MY].rank, scores[MY].total, scores[CD].rank, scores[CD].total) == (
        1,
        D("100.00"),
        2,
        D("80.00"),
    )
    for bad in (
        {**WEIGHTS, "policy": 31},
        {**WEIGHTS, "policy": -1, "procurement": 56},
        {**WEIGHTS, "policy": "x"},
        {k: v for k, v in WEIGHTS.items() if k != "benchmark"},
    ):
        with pytest.raises(ValidationFailed):
            services.zone_weights_set(actor=as_actor(office), year=YEAR, weights=bad)
    assert ZoneYear.objects.get(year=YEAR).weights["procurement"] == 100
    assert AuditLog.objects.filter(action="zones.weights_set").count() == 1


def test_inputs_are_all_or_nothing_audited_and_clearable(office):
    with pytest.raises(ValidationFailed) as exc:
        enter(
            office, (CD, "policy_documents", "2"), (MY, "media_items", "-1"), ("999999", "media_items", "1")
        )
    assert set(exc.value.details) == {f"{MY}.media_items", "999999.media_items"}
    assert not ZoneInput.objects.exists()
    assert enter(office, (CD, "policy_documents", "2"), (MY, "media_items", "3.5")) == 2
    assert (
        enter(office, (CD, "policy_documents", "2"), (MY, "media_items", None)) == 1
    )  # cleared: missing again
    assert list(ZoneInput.objects.values_list("region_id", "kind", "value")) == [
        (CD, "policy_documents", D("2.00"))
    ]
    logs = AuditLog.objects.filter(action="zones.input_set").order_by("pk")
    assert [(x.data["region"], x.data["before"], x.data["after"]) for x in logs] == [
        (CD, None, "2.00"),
        (MY, None, "3.50"),
        (MY, "3.50", None),
    ]
    assert by_region(ZoneYear.objects.get(year=YEAR))[MY].criteria["publicity"].missing == ("media_items",)


def test_selection_and_a_decided_year_does_not_move(province, office, supplier, other_provider):
    actor = as_actor(office)
    services.zone_weights_set(actor=actor, year=YEAR, weights=WEIGHTS)
    with pytest.raises(ValidationFailed):  # national needs provincial first
        services.zone_select(actor=actor, year=YEAR, region=CD, level="national", reason="领先")
    with pytest.raises(ValidationFailed):
        services.zone_select(actor=actor, year=YEAR, region=CD, level="provincial", reason=" ")
    with pytest.raises(ValidationFailed) as exc:
        services.zone_year_decide(actor=actor, year=YEAR)
    assert exc.value.code == "nothing_selected"
    services.zone_select(actor=actor, year=YEAR, region=CD, level="provincial", reason="五项指标均领先")
    services.zone_select(actor=actor, year=YEAR, region=CD, level="national", reason="标杆案例突出")
    with pytest.raises(Conflict):
        services.zone_select(actor=actor, year=YEAR, region=CD, level="provincial", reason="again")
    before = {
        s.region: (s.rank, s.total, s.criteria["procurement"].raw)
        for s in by_region(ZoneYear.objects.get(year=YEAR)).values()
    }
    services.zone_year_decide(actor=actor, year=YEAR, note="经链长办会议研究")
    zy = ZoneYear.objects.get(year=YEAR)
    assert zy.status == "decided" and ZoneScore.objects.filter(zone_year=zy).count() == 21
    # Data changes after the decision: a big new agreement for 绵阳, more scenarios, a new designated case.
    cooperation(
        other_provider.organisation,
        supplier.organisation,
        status=CooperationStatus.AGREED,
        region=MY,
        signed_on=dt.date(2026, 11, 1),
        amount=D("90000000"),
    )
    released(other_provider.organisation, MY, 2026, 10)
    live = {x.region: x for x in selectors.zone_live_scores(zone_year=zy)}
    assert live[MY].criteria["procurement"].raw == D("9500.00") != before[MY][2]  # the live figures did move…
    after = {s.region: (s.rank, s.total, s.criteria["procurement"].raw) for s in by_region(zy).values()}
    assert after == before  # …the decided ranking did not
    # Weights, inputs, selections and a second decision are refused.
    for call in (
        lambda: services.zone_weights_set(
            actor=actor, year=YEAR, weights={**WEIGHTS, "policy": 10, "procurement": 45}
        ),
        lambda: enter(office, (MY, "policy_documents", "9")),
        lambda: services.zone_select(actor=actor, year=YEAR, region=MY, level="provincial", reason="补选"),
        lambda: services.zone_unselect(actor=actor, year=YEAR, selection_id=ZoneSelection.objects.first().pk),
        lambda: services.zone_year_decide(actor=actor, year=YEAR),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "year_decided"
    assert by_region(ZoneYear.objects.get(year=YEAR)) == by_region(zy)
    assert AuditLog.objects.filter(action="zones.year_decided").count() == 1
    assert ZoneYear.objects.get(year=YEAR).weights == WEIGHTS


def test_removing_a_provincial_zone_removes_its_national_recommendation(office):
    actor = as_actor(office)
    services.zone_select(actor=actor, year=YEAR, region=CD, level="provincial", reason="领先")
    services.zone_select(actor=actor, year=YEAR, region=CD, level="national", reason="领先")
    provincial = ZoneSelection.objects.get(level="provincial")
    services.zone_unselect(actor=actor, year=YEAR, selection_id=provincial.pk, reason="重新研究")
    assert not ZoneSelection.objects.exists()
    assert AuditLog.objects.filter(action="zones.unselected").count() == 1


def test_only_the_office_writes(chengdu_city, department, provider):
    for m in (chengdu_city, department):
        with pytest.raises(PermissionDenied):
            services.zone_weights_set(actor=as_actor(m), year=YEAR, weights=WEIGHTS)
        with pytest.raises(PermissionDenied):
            services.zone_select(actor=as_actor(m), year=YEAR, region=CD, level="provincial", reason="x")
    from scenariohub.core.errors import NotFound

    with pytest.raises(NotFound):  # an open year does not exist for a provider
        services.zone_weights_set(actor=as_actor(provider), year=YEAR, weights=WEIGHTS)
    assert not ZoneYear.objects.exists()


# ------------------------------------------------------------------------------------------ pages


def test_pages(province, office, chengdu_city, provider, anon_client):
    url = reverse("zones:ranking-detail", args=[YEAR])
    assert anon_client.get(url).status_code == 404  # open year: not public
    assert client_for(provider).get(url).status_code == 404
    page = client_for(chengdu_city).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "政策落实" in html and "合作协议金额" in html and "由链长办录入" in html and "缺失" in html
    assert "设置权重" not in html  # no office actions for the city
    assert client_for(chengdu_city).get(reverse("zones:weights-edit", args=[YEAR])).status_code == 403
    assert anon_client.get(reverse("zones:weights-edit", args=[YEAR])).status_code == 302
    weights_url = reverse("zones:weights-edit", args=[YEAR])
    bad = client_for(office).post(weights_url, {**WEIGHTS, "policy": 50})
    assert bad.status_code == 200 and "各项权重之和须为100，当前为120" in bad.content.decode()
    assert client_for(office).post(weights_url, WEIGHTS).status_code == 302
    assert ZoneYear.objects.get(year=YEAR).weights == WEIGHTS
    inputs_url = reverse("zones:inputs-edit", args=[YEAR])
    assert client_for(office).get(inputs_url).status_code == 200
    bad = client_for(office).post(inputs_url, {f"v_{CD}_policy_documents": "-2"})
    assert bad.status_code == 200 and not ZoneInput.objects.exists()
    ok = client_for(office).post(inputs_url, {f"v_{CD}_policy_documents": "2", "source": "成都市报送材料"})
    assert ok.status_code == 302
    assert ZoneInput.objects.get().source == "成都市报送材料"
    sel = reverse("zones:selection-create", args=[YEAR])
    assert (
        client_for(chengdu_city).post(sel, {"region": CD, "level": "provincial", "reason": "x"}).status_code
        == 403
    )
    assert (
        client_for(office).post(sel, {"region": CD, "level": "provincial", "reason": "领先"}).status_code
        == 302
    )
    decide = reverse("zones:year-decide", args=[YEAR])
    assert client_for(office).post(decide, {"note": "n"}).status_code == 200  # not confirmed
    assert ZoneYear.objects.get(year=YEAR).status == "open"
    assert client_for(office).post(decide, {"note": "n", "confirm": "on"}).status_code == 302
    public = anon_client.get(url)
    assert public.status_code == 200 and 'id="frozen-note"' in public.content.decode()
    assert "领先" in public.content.decode()
    assert str(office.user) not in public.content.decode()  # the public sees the decision, not the officials
    assert str(office.user) in client_for(chengdu_city).get(url).content.decode()
    assert client_for(office).get(reverse("zones:year-list")).status_code == 200
    assert str(YEAR) in anon_client.get(reverse("zones:year-list")).content.decode()
    assert anon_client.get(reverse("zones:ranking-detail", args=[1999])).status_code == 404


# ------------------------------------------------------------------------------------------ API


def call(client, method, url, token=None, data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(
        url, json.dumps(data) if data is not None else None, content_type="application/json", **headers
    )


def test_api(province, office, chengdu_city, client, anon_client):
    token, city = api_token(office), api_token(chengdu_city)
    url = f"/api/v1/zones/{YEAR}"
    assert call(anon_client, "get", url).status_code == 404
    live = call(client, "get", url, city).json()
    assert (live["status"], live["frozen"], live["count"]) == ("open", False, 21)
    assert call(client, "put", f"{url}/weights", city, WEIGHTS).status_code == 403
    assert call(anon_client, "put", f"{url}/weights", None, WEIGHTS).status_code == 401
    bad = call(client, "put", f"{url}/weights", token, {**WEIGHTS, "policy": 29})
    assert (
        bad.status_code == 422
        and bad.json()["code"] == "validation_error"
        and "__all__" in bad.json()["details"]
    )
    assert call(client, "put", f"{url}/weights", token, {**WEIGHTS, "policy": 30.5}).status_code == 422
    done = call(client, "put", f"{url}/weights", token, WEIGHTS)
    assert done.status_code == 200 and done.json()["weights"] == WEIGHTS
    inputs = call(
        client,
        "put",
        f"{url}/inputs",
        token,
        {
            "items": [
                {"region": CD, "kind": "policy_documents", "value": "2"},
                {"region": CD, "kind": "media_items", "value": "1"},
                {"region": MY, "kind": "policy_documents", "value": "1"},
                {"region": MY, "kind": "procurement_outside", "value": "100"},
            ]
        },
    )
    assert inputs.json() == {"changed": 4}
    bad = call(
        client,
        "put",
        f"{url}/inputs",
        token,
        {"items": [{"region": CD, "kind": "media_items", "value": "abc"}]},
    )
    assert bad.status_code == 422 and f"{CD}.media_items" in bad.json()["details"]
    ranking = call(client, "get", url, token).json()
    first = ranking["items"][0]
    assert (first["region"], first["rank"], first["total"], first["tied"]) == (CD, 1, "91.67", False)
    procurement = next(c for c in first["criteria"] if c["code"] == "procurement")
    assert (procurement["raw"], procurement["scaled"], procurement["weighted"]) == (
        "400.00",
        "66.67",
        "16.67",
    )
    outside = next(x for x in procurement["components"] if x["code"] == "procurement_outside")
    assert outside["missing"] is True and outside["office_input"] is True and outside["source"]
    sel = call(
        client,
        "post",
        f"{url}/selections",
        token,
        {"region": MY, "level": "provincial", "reason": "采购量大"},
    )
    assert sel.status_code == 201 and sel.json()["level"] == "provincial"
    assert (
        call(
            client, "post", f"{url}/selections", token, {"region": MY, "level": "county", "reason": "x"}
        ).status_code
        == 422
    )
    assert (
        call(
            client, "post", f"{url}/selections", city, {"region": MY, "level": "provincial", "reason": "x"}
        ).status_code
        == 403
    )
    assert call(client, "delete", f"{url}/selections/99999", token).status_code == 404
    decided = call(client, "post", f"{url}/decide", token, {"note": "会议研究"})
    assert decided.status_code == 200 and decided.json()["frozen"] is True
    again = call(client, "post", f"{url}/decide", token, {})
    assert again.status_code == 409 and again.json()["code"] == "year_decided"
    public = call(anon_client, "get", url).json()
    assert public["items"][0]["total"] == "91.67" and [s["region"] for s in public["selections"]] == [MY]
    assert public["selections"][0]["selected_by"] is None  # who selected is for the working roles
    assert call(client, "get", url, city).json()["selections"][0]["selected_by"] == str(office.user)
    assert call(anon_client, "get", "/api/v1/zones").json()["items"][0]["year"] == YEAR
    assert call(anon_client, "get", "/api/v1/zones/3000").status_code == 404


def test_the_ranking_costs_the_same_queries_whatever_the_data(
    office, provider, supplier, django_assert_num_queries
):
    """One query per component, whatever the number of regions, cooperations or scenarios."""
    api_client, url = client_for(office), reverse("zones:ranking-detail", args=[YEAR])
    services.zone_weights_set(actor=as_actor(office), year=YEAR, weights=WEIGHTS)
    api_client.get(url)  # warm the session and the reference caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        assert api_client.get(url).status_code == 200
    for region in (CD, MY, ZG):
        released(provider.organisation, region, YEAR, 3)
        cooperation(
            provider.organisation, supplier.organisation, region=region, signed_on=dt.date(2026, 4, 1)
        )
        enter(office, (region, "policy_documents", "1"))
    services.zone_select(actor=as_actor(office), year=YEAR, region=CD, level="provincial", reason="领先")
    with django_assert_num_queries(len(empty)):
        assert api_client.get(url).status_code == 200


def test_ranking_xlsx(province, office, chengdu_city, anon_client):
    from io import BytesIO

    from openpyxl import load_workbook

    services.zone_weights_set(actor=as_actor(office), year=YEAR, weights=WEIGHTS)
    enter(
        office,
        (CD, "policy_documents", "2"),
        (CD, "media_items", "1"),
        (MY, "policy_documents", "1"),
        (MY, "procurement_outside", "100"),
    )
    url = reverse("zones:ranking-export", args=[YEAR])
    assert anon_client.get(url).status_code == 404  # the open year is not public, in any format
    response = client_for(chengdu_city).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    ws = load_workbook(BytesIO(response.content)).active
    assert "工作稿" in ws["A1"].value
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["名次", "地区", "总分"] and "产品采购数量（权重25%） · 折算分" in headers
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[0][:3] == (1, "成都市", 91.67)
    assert rows[0][3:6] == (3.0, 100.0, 30.0)  # policy: raw, scaled, weighted
    assert rows[1][:3] == (2, "绵阳市", 45.0)
    assert rows[2][0] == "并列第3" and rows[2][-2] == "出台政策文件数、平台外采购金额（万元）、媒体宣传报道数"
    assert len(rows) == 21
