"""The HTMX fragments (suggestions, near-duplicates) and the office's status page."""

import pytest
from django.urls import reverse

from scenariohub.ai import services
from scenariohub.conftest import CHENGDU, MIANYANG, client_for
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

from .conftest import NEAR_DUPLICATE_CHENGDU, NEAR_DUPLICATE_MIANYANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform_engine")]


def test_suggestions_fragment_offers_buttons_that_fill_sector_and_field(provider):
    client = client_for(provider)
    page = client.post(
        reverse("ai:classify-suggest"),
        {"title": "森林火情识别", "purpose": "瞭望塔热成像发现山火烟点。"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-ai-sector="') == 3
    assert 'data-ai-sector="emergency"' in html and "人工智能+应急救援（公共安全）" in html
    assert "<script" not in html and "style=" not in html and "onclick" not in html
    assert client.get(reverse("ai:classify-suggest"), {"title": ""}).content.decode().strip() == ""


def test_duplicates_fragment_for_a_form_and_for_a_scenario_page(provider, other_provider, anon_client):
    released = ScenarioFactory(
        owner=provider.organisation,
        region_id=CHENGDU,
        status=Status.PUBLISHED,
        title="老旧小区电动自行车充电安全监管",
        purpose=NEAR_DUPLICATE_CHENGDU,
    )
    services.scenario_index(released.pk)
    draft = ScenarioFactory(
        owner=other_provider.organisation,
        region_id=MIANYANG,
        status=Status.DRAFT,
        title="老旧小区电动自行车充电安全监管",
        purpose=NEAR_DUPLICATE_MIANYANG,
    )
    client = client_for(other_provider)
    html = client.post(
        reverse("ai:duplicates"), {"title": draft.title, "purpose": draft.purpose, "field": "machine-vision"}
    ).content.decode()
    assert reverse("scenarios:detail", args=[released.pk]) in html and "成都市" in html
    on_page = client.get(reverse("ai:duplicates"), {"scenario": draft.pk}).content.decode()
    assert reverse("scenarios:detail", args=[released.pk]) in on_page
    # Someone else's draft is not found (404), and the released scenario does not list itself.
    assert anon_client.get(reverse("ai:duplicates"), {"scenario": draft.pk}).status_code == 404
    assert anon_client.get(reverse("ai:duplicates"), {"scenario": "x"}).status_code == 404
    assert anon_client.get(reverse("ai:duplicates"), {"scenario": released.pk}).content.decode().strip() == ""


def test_status_page_is_for_the_office(office, provider, anon_client):
    page = client_for(office).get(reverse("ai:status"))
    assert page.status_code == 200
    status = page.context["status"]
    assert status["engine"]["embedder"] == "use" and status["engine"]["available"] is True
    assert [k["kind"] for k in status["kinds"]] == ["scenario", "solution"]
    assert client_for(provider).get(reverse("ai:status")).status_code == 403
    assert anon_client.get(reverse("ai:status")).status_code == 302
