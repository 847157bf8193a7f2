"""Plan pages and API: the public sees confirmed versions only, cities their part, the office edits."""

import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.plans import services
from scenariohub.plans.models import AnnualPlan, ItemState, PlanItem, PlanVersion
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def two_cities(provider, other_provider):
    return (ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, title="成都的场景"),
            ScenarioFactory(owner=other_provider.organisation, status=Status.APPROVED, title="绵阳的场景"))


def test_office_compiles_edits_and_confirms_through_the_page(office, two_cities):
    client = client_for(office)
    url = reverse("plans:plan-detail", args=[YEAR])
    assert client.get(url).status_code == 200  # no plan yet: the office may start one
    client.post(reverse("plans:plan-compile", args=[YEAR]))
    assert PlanItem.objects.filter(plan__year=YEAR).count() == 2
    chengdu, mianyang = two_cities
    client.post(reverse("plans:plan-item-move", args=[YEAR, mianyang.pk]), {"reason": "推迟到明年"})
    assert PlanItem.objects.get(plan__year=YEAR + 1, scenario=mianyang).state == ItemState.INCLUDED
    plan = AnnualPlan.objects.get(year=YEAR)
    client.post(reverse("plans:plan-confirm", args=[YEAR]), {"revision": plan.revision})
    assert PlanVersion.objects.get(plan=plan).number == 1
    page = client.get(url, {"version": "1"})
    assert page.status_code == 200 and chengdu.title in page.content.decode()
    client.post(reverse("plans:plan-item-drop", args=[YEAR, chengdu.pk]), {"reason": ""})  # refused: no reason
    assert PlanItem.objects.get(plan__year=YEAR, scenario=chengdu).state == ItemState.INCLUDED


def test_public_sees_only_confirmed_plans(anon_client, office, two_cities):
    url = reverse("plans:plan-detail", args=[YEAR])
    assert anon_client.get(url).status_code == 404
    services.plan_compile(actor=as_actor(office), year=YEAR)
    assert anon_client.get(url).status_code == 404
    assert anon_client.get(url, {"version": "draft"}).status_code == 404
    assert anon_client.get("/api/v1/plans/2026").status_code == 404
    services.plan_confirm(actor=as_actor(office), year=YEAR)
    page = anon_client.get(url)
    assert page.status_code == 200 and two_cities[0].title in page.content.decode()
    body = anon_client.get("/api/v1/plans/2026").json()
    assert body["count"] == 2 and body["version"]["number"] == 1 and not body["draft"]


def test_city_sees_its_part_and_cannot_edit(chengdu_city, office, two_cities):
    services.plan_compile(actor=as_actor(office), year=YEAR)
    client = client_for(chengdu_city)
    page = client.get(reverse("plans:plan-detail", args=[YEAR])).content.decode()
    assert two_cities[0].title in page and two_cities[1].title not in page
    body = client.get("/api/v1/plans/2026").json()
    assert body["draft"] and body["scoped"] and [i["title"] for i in body["items"]] == [two_cities[0].title]
    for name, args in (("plan-compile", [YEAR]), ("plan-confirm", [YEAR]),
                       ("plan-item-drop", [YEAR, two_cities[0].pk])):
        assert client.post(reverse(f"plans:{name}", args=args), {"reason": "x", "revision": 1}).status_code == 403
    assert PlanItem.objects.filter(state=ItemState.INCLUDED).count() == 2
    assert not PlanVersion.objects.exists()


def test_anonymous_edit_redirects_to_login(anon_client):
    response = anon_client.post(reverse("plans:plan-compile", args=[YEAR]))
    assert response.status_code == 302 and not AnnualPlan.objects.exists()


def test_plan_detail_query_count(office, provider, django_assert_max_num_queries):
    for _ in range(30):
        ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    services.plan_compile(actor=as_actor(office), year=YEAR)
    services.plan_confirm(actor=as_actor(office), year=YEAR)
    client = client_for(office)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:plan-detail", args=[YEAR]), {"version": "1"}).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:plan-detail", args=[YEAR])).status_code == 200


def test_plan_list(anon_client, office, two_cities):
    services.plan_compile(actor=as_actor(office), year=YEAR)
    assert str(YEAR) not in anon_client.get(reverse("plans:plan-list")).content.decode()
    services.plan_confirm(actor=as_actor(office), year=YEAR)
    assert reverse("plans:plan-detail", args=[YEAR]) in anon_client.get(reverse("plans:plan-list")).content.decode()
    assert client_for(office).get(reverse("plans:plan-list"), {"year": "2027"})["Location"] == reverse(
        "plans:plan-detail", args=[2027])
