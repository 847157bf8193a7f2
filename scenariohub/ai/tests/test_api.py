"""The AI API: classification, near-duplicates and recommendations (shapes, validation, access)."""

import pytest
from django.test import Client

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import OrganisationFactory, member
from scenariohub.ai import services
from scenariohub.conftest import CHENGDU, MIANYANG, client_for
from scenariohub.matching.models import Application, ApplicationStatus
from scenariohub.matching.tests.factories import SolutionFactory, SupplierProfileFactory
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

from .conftest import NEAR_DUPLICATE_CHENGDU, NEAR_DUPLICATE_MIANYANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform_engine")]


def indexed(**kwargs) -> Scenario:
    scenario = ScenarioFactory(**kwargs)
    services.scenario_index(scenario.pk)
    return scenario


# ---------------------------------------------------------------------------------------------- classify


def test_classify_answers_three_suggestions_best_first(anon_client):
    indexed(
        status=Status.PUBLISHED,
        title="养老院跌倒监测",
        purpose="毫米波雷达监测老人跌倒。",
        sector_id="livelihood",
        field_id="home-monitoring",
    )
    response = anon_client.post(
        "/api/v1/ai/classify",
        {"title": "社区独居老人跌倒报警", "text": "为独居老人安装毫米波雷达，跌倒后自动通知网格员。"},
        content_type="application/json",
    )
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert len(suggestions) == 3
    assert set(suggestions[0]) == {"sector", "field", "score", "sector_name", "field_name"}
    assert suggestions[0]["sector"] == "livelihood"
    assert suggestions[0]["sector_name"] == "人工智能+社会民生（养老康复）"
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1


def test_classify_of_an_empty_text_is_empty(anon_client):
    response = anon_client.post("/api/v1/ai/classify", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "长" * 201}, "title"),
        ({"text": "长" * 5001}, "text"),
        ({"title": "ok", "sector": "manufacturing"}, "sector"),
        ({"title": 5}, "title"),
    ],
)
def test_classify_rejects_bad_input(anon_client, body, field):
    response = anon_client.post("/api/v1/ai/classify", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["details"]


def test_classify_accepts_the_limits_and_refuses_get(anon_client):
    ok = anon_client.post(
        "/api/v1/ai/classify", {"title": "长" * 200, "text": "长" * 5000}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert anon_client.get("/api/v1/ai/classify").status_code == 405


# ---------------------------------------------------------------------------------------------- duplicates


def test_duplicates_found_across_two_regions_without_leaking_drafts(anon_client, provider, other_provider):
    chengdu = indexed(
        owner=provider.organisation,
        region_id=CHENGDU,
        status=Status.PUBLISHED,
        title="老旧小区电动自行车充电安全监管",
        purpose=NEAR_DUPLICATE_CHENGDU,
        sector_id="livelihood",
        field_id="old-community-governance",
    )
    # The same need released by another city is found from Mianyang's text…
    body = {
        "title": "老旧小区电动自行车充电安全监管",
        "text": NEAR_DUPLICATE_MIANYANG,
        "field": "old-community-governance",
    }
    response = client_for(other_provider).post("/api/v1/ai/duplicates", body, content_type="application/json")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [chengdu.pk]
    assert items[0]["region"] == CHENGDU and items[0]["region_name"] == "成都市"
    assert items[0]["status"] == "published" and items[0]["similarity"] >= 0.7
    # …but a draft is nobody else's business: not indexed, and a stale index entry is filtered out too.
    Scenario.objects.filter(pk=chengdu.pk).update(status=Status.DRAFT)
    assert (
        anon_client.post("/api/v1/ai/duplicates", body, content_type="application/json").json()["items"] == []
    )
    own = (
        client_for(provider)
        .post("/api/v1/ai/duplicates", body, content_type="application/json")
        .json()["items"]
    )
    assert [i["id"] for i in own] == [chengdu.pk]  # its owner may see it


def test_duplicates_exclude_and_unrelated_text(anon_client):
    scenario = indexed(
        status=Status.PUBLISHED, title="老旧小区电动自行车充电安全监管", purpose=NEAR_DUPLICATE_CHENGDU
    )
    body = {"title": scenario.title, "text": NEAR_DUPLICATE_CHENGDU, "exclude": scenario.pk}
    assert (
        anon_client.post("/api/v1/ai/duplicates", body, content_type="application/json").json()["items"] == []
    )
    other = {"title": "景区客流监测", "text": "视频统计各入口客流，超过承载量时预警。"}
    assert (
        anon_client.post("/api/v1/ai/duplicates", other, content_type="application/json").json()["items"]
        == []
    )
    too_long = {"text": "长" * 5001}
    assert (
        anon_client.post("/api/v1/ai/duplicates", too_long, content_type="application/json").status_code
        == 422
    )


# ---------------------------------------------------------------------------------------------- recommendations


@pytest.fixture
def market(provider, supplier, supplier_profile):
    """A released machine-vision scenario of the provider (Chengdu), a matching solution of the Chengdu
    supplier with a track record, and an unrelated solution of another supplier."""
    scenario = indexed(
        owner=provider.organisation,
        region_id=CHENGDU,
        status=Status.PUBLISHED,
        title="钢板表面缺陷视觉检测",
        purpose="产线上识别钢板表面划痕、结疤等缺陷，替代人工目检。",
    )
    good = SolutionFactory(
        supplier=supplier.organisation,
        title="钢材表面缺陷检测一体机",
        description="深度学习识别钢板表面划痕与结疤，毫秒级判级。",
    )
    services.solution_index(good.pk)
    other_org = OrganisationFactory(type=Role.SUPPLIER, region_id=MIANYANG)
    unrelated = SolutionFactory(
        supplier=other_org,
        title="景区智能导览",
        description="游客路线推荐与讲解。",
        sector_id="commerce-tourism",
        fields=["smart-guide"],
    )
    services.solution_index(unrelated.pk)
    earlier = ScenarioFactory(status=Status.AGREED)
    Application.objects.create(
        scenario=earlier,
        supplier=supplier.organisation,
        proposal="方案",
        status=ApplicationStatus.SHORTLISTED,
    )
    return {"scenario": scenario, "good": good, "unrelated": unrelated}


@pytest.fixture
def supplier_profile(supplier):
    return SupplierProfileFactory(organisation=supplier.organisation)


def test_solutions_recommended_for_a_scenario_with_reasons(market, provider):
    response = client_for(provider).get(f"/api/v1/scenarios/{market['scenario'].pk}/recommendations")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["solution"]["id"] == market["good"].pk
    assert items[0]["supplier"]["region_name"] == "成都市"
    reasons = items[0]["reasons"]
    assert any(r.startswith("共同关键词：") and "划痕" in r for r in reasons), reasons
    assert "同一领域：机器视觉与检测" in reasons
    assert "同一地区：成都市" in reasons
    assert "业绩：入围 1 次，达成合作 1 次" in reasons
    assert items[0]["score"] > items[-1]["score"] or len(items) == 1


def test_scenario_recommendation_access(market, office, chengdu_city, mianyang_city, supplier, anon_client):
    url = f"/api/v1/scenarios/{market['scenario'].pk}/recommendations"
    assert client_for(office).get(url).status_code == 200
    assert client_for(chengdu_city).get(url).status_code == 200
    assert client_for(mianyang_city).get(url).status_code == 403
    assert client_for(supplier).get(url).status_code == 403
    assert anon_client.get(url).status_code == 401
    draft = ScenarioFactory(status=Status.DRAFT)
    assert client_for(office).get(f"/api/v1/scenarios/{draft.pk}/recommendations").status_code == 404
    assert client_for(office).get("/api/v1/scenarios/999999/recommendations").status_code == 404
    assert client_for(office).get(f"{url}?limit=0").status_code == 422


def test_scenarios_recommended_for_a_supplier_with_reasons(market, supplier):
    Application.objects.all().delete()
    response = client_for(supplier).get(f"/api/v1/suppliers/{supplier.organisation_id}/recommendations")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["scenario"]["id"] == market["scenario"].pk
    reasons = items[0]["reasons"]
    assert "匹配您的方案：钢材表面缺陷检测一体机" in reasons
    assert "同一领域：机器视觉与检测" in reasons
    # A scenario the supplier has applied to is not recommended again.
    Application.objects.create(scenario=market["scenario"], supplier=supplier.organisation, proposal="方案")
    again = client_for(supplier).get(f"/api/v1/suppliers/{supplier.organisation_id}/recommendations").json()
    assert market["scenario"].pk not in [i["scenario"]["id"] for i in again["items"]]


def test_supplier_recommendation_access(market, supplier, office, provider, anon_client):
    url = f"/api/v1/suppliers/{supplier.organisation_id}/recommendations"
    assert client_for(office).get(url).status_code == 200
    assert client_for(provider).get(url).status_code == 403
    other = member(org_type=Role.SUPPLIER, name="另一家供应商")
    assert client_for(other).get(url).status_code == 403
    assert anon_client.get(url).status_code == 401
    assert (
        client_for(office).get(f"/api/v1/suppliers/{provider.organisation_id}/recommendations").status_code
        == 404
    )


def test_recommendations_work_without_any_index(provider, supplier, supplier_profile):
    scenario = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    solution = SolutionFactory(supplier=supplier.organisation)
    items = client_for(provider).get(f"/api/v1/scenarios/{scenario.pk}/recommendations").json()["items"]
    assert [i["solution"]["id"] for i in items] == [solution.pk]  # same field, found by the database
    assert "同一领域：机器视觉与检测" in items[0]["reasons"]


def test_csrf_is_not_needed_to_read(market, provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.user)
    assert client.get(f"/api/v1/scenarios/{market['scenario'].pk}/recommendations").status_code == 200


def test_suppliers_for_a_scenario_as_the_matching_hook_wants_them(market, supplier, provider):
    from scenariohub.ai.selectors import recommend_suppliers_for_scenario

    profile_only = member(org_type=Role.SUPPLIER, region=MIANYANG, name="只有档案的供应商")
    SupplierProfileFactory(organisation=profile_only.organisation).fields.set(["machine-vision"])
    recs = recommend_suppliers_for_scenario(scenario=market["scenario"], limit=5)
    assert [r.object.organisation_id for r in recs] == [
        supplier.organisation_id,
        profile_only.organisation_id,
    ]
    assert recs[0].reasons[0] == "方案：钢材表面缺陷检测一体机"
    assert recs[1].reasons == ["同一领域：机器视觉与检测"]
    assert recs[0].score > recs[1].score
