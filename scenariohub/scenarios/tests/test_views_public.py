"""Public pages: home, catalogue (filters, HTMX, pagination, query count), detail and attachment downloads."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenariohub.conftest import MIANYANG, client_for
from scenariohub.scenarios.models import ScenarioAttachment, ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("scenarios:catalogue")


def published(provider, **kwargs):
    return ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, **kwargs)


def attach(scenario, name="方案.pdf", content=b"%PDF-1.7 test"):
    attachment = ScenarioAttachment(scenario=scenario, original_name=name, kind="pdf", size=len(content))
    attachment.file.save("x", ContentFile(content), save=False)
    attachment.save()
    return attachment


# ---------------------------------------------------------------------------------------------- home


def test_home_shows_latest_published_only(anon_client, provider):
    shown = published(provider, title="光伏板智能巡检")
    ScenarioFactory(owner=provider.organisation, title="尚未提交的草稿")
    page = anon_client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert shown.title in html and "尚未提交的草稿" not in html
    assert reverse("scenarios:detail", args=[shown.pk]) in html
    assert "四川省人工智能应用场景平台" in html


def test_home_refuses_post(anon_client):
    assert anon_client.post(reverse("home")).status_code == 405


# ----------------------------------------------------------------------------------------- catalogue


def test_catalogue_lists_published_with_count(anon_client, provider):
    a, b = published(provider), published(provider)
    ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED, title="已提交未发布")
    page = anon_client.get(CATALOGUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "共 2 个场景" in html
    assert a.title in html and b.title in html and "已提交未发布" not in html


def test_catalogue_filters_by_region_sector_field_and_chinese_keyword(anon_client, provider, other_provider):
    hit = published(provider, title="锅炉燃烧智能优化", sector_id="manufacturing", field_id="energy-chemical")
    published(provider, title="机器视觉质检", sector_id="manufacturing", field_id="machine-vision")
    published(other_provider, title="绵阳锅炉燃烧优化", sector_id="manufacturing", field_id="energy-chemical")
    html = anon_client.get(
        CATALOGUE, {"region": "510100", "sector": "manufacturing", "field": "energy-chemical", "q": "锅炉"}
    ).content.decode()
    assert "共 1 个场景" in html
    assert hit.title in html and "机器视觉质检" not in html and "绵阳锅炉燃烧优化" not in html
    # The chosen values stay selected in the form.
    assert '<option value="energy-chemical" selected>' in html


def test_catalogue_ignores_unknown_codes_instead_of_failing(anon_client, provider):
    published(provider)
    page = anon_client.get(CATALOGUE, {"region": "999999", "sector": "space", "year": "abc", "sort": "x", "page": "zz"})
    assert page.status_code == 200
    assert "共 1 个场景" in page.content.decode()


def test_catalogue_drops_a_field_of_another_sector(anon_client, provider):
    published(provider, sector_id="manufacturing", field_id="machine-vision")
    html = anon_client.get(CATALOGUE, {"sector": "manufacturing", "field": "forest-fire"}).content.decode()
    assert "共 1 个场景" in html


def test_catalogue_htmx_request_gets_only_the_results(anon_client, provider):
    s = published(provider)
    page = anon_client.get(CATALOGUE, {"q": s.title}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "共 1 个场景" in html and s.title in html
    assert "HX-Request" in page["Vary"]


def test_catalogue_htmx_history_restore_gets_the_whole_page(anon_client, provider):
    page = anon_client.get(CATALOGUE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in page.content.decode()


def test_catalogue_pagination_keeps_the_filters(anon_client, provider):
    for _ in range(21):
        published(provider, sector_id="manufacturing", field_id="machine-vision")
    html = anon_client.get(CATALOGUE, {"sector": "manufacturing", "q": "智能"}).content.decode()
    assert "共 21 个场景" in html
    assert "?sector=manufacturing&amp;q=%E6%99%BA%E8%83%BD&amp;page=2" in html
    second = anon_client.get(CATALOGUE, {"sector": "manufacturing", "q": "智能", "page": 2}).content.decode()
    assert second.count('class="card scenario-card"') == 1


def test_catalogue_refuses_post(anon_client):
    assert anon_client.post(CATALOGUE).status_code == 405


def test_catalogue_query_count_does_not_grow_with_rows(anon_client, provider, other_provider):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert anon_client.get(CATALOGUE, {"sort": "title"}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        published(provider)
    five = count_queries()
    for i in range(45):
        published(other_provider if i % 2 else provider, sector_id="emergency", field_id="forest-fire")
    assert count_queries() == five


def test_field_options_are_narrowed_to_the_sector(anon_client):
    html = anon_client.get(reverse("scenarios:field-options"), {"sector": "manufacturing"}).content.decode()
    assert 'value="machine-vision"' in html and 'value="forest-fire"' not in html
    everything = anon_client.get(reverse("scenarios:field-options"), {"sector": "nonsense"}).content.decode()
    assert 'value="machine-vision"' in everything and 'value="forest-fire"' in everything and "<optgroup" in everything


# -------------------------------------------------------------------------------------------- detail


def test_detail_of_published_shows_fields_timeline_and_no_buttons_for_anonymous(anon_client, provider, chengdu_city):
    s = published(provider, cooperation_note="开放测试场地")
    ScenarioTransition.objects.create(scenario=s, action="approve", from_status="submitted", to_status="approved",
                                      actor=chengdu_city.user, organisation=chengdu_city.organisation,
                                      reason="内部意见", created_at=s.published_at)
    page = anon_client.get(reverse("scenarios:detail", args=[s.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("场景用途", "技术要求", "合作方式", "申报截止日期", "联系人", "开放测试场地"):
        assert label in html
    assert "成都市经济和信息化局" in html  # the organisation of the history row
    assert "内部意见" not in html  # reasons are for members, not the public
    assert reverse("scenarios:transition", args=[s.pk]) not in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.WITHDRAWN])
def test_detail_of_unpublished_is_404_for_anonymous(anon_client, provider, status):
    s = ScenarioFactory(owner=provider.organisation, status=status)
    assert anon_client.get(reverse("scenarios:detail", args=[s.pk])).status_code == 404


def test_draft_is_visible_to_its_owner_with_buttons_and_404_for_another_provider(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation)
    html = client_for(provider).get(reverse("scenarios:detail", args=[s.pk])).content.decode()
    assert "提交审核" in html and reverse("scenarios:edit", args=[s.pk]) in html
    assert client_for(other_provider).get(reverse("scenarios:detail", args=[s.pk])).status_code == 404


def test_city_sees_submitted_scenarios_of_its_region_only(provider, chengdu_city, mianyang_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    html = client_for(chengdu_city).get(reverse("scenarios:detail", args=[s.pk])).content.decode()
    assert "审核通过" in html and "退回修改" in html
    assert 'required maxlength="1000"' in html  # return asks for a reason
    assert client_for(mianyang_city).get(reverse("scenarios:detail", args=[s.pk])).status_code == 404


def test_detail_of_missing_scenario_is_404(anon_client):
    assert anon_client.get(reverse("scenarios:detail", args=[999999])).status_code == 404


# --------------------------------------------------------------------------------------- attachments


def test_attachment_of_published_scenario_downloads_with_its_name(anon_client, provider):
    s = published(provider)
    a = attach(s)
    response = anon_client.get(reverse("scenarios:attachment-download", args=[s.pk, a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"  # the same download response as the API's
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''%E6%96%B9%E6%A1%88.pdf" in response[
        "Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def test_attachment_of_draft_is_404_for_anonymous_and_other_providers(anon_client, provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation)
    a = attach(s)
    url = reverse("scenarios:attachment-download", args=[s.pk, a.pk])
    assert anon_client.get(url).status_code == 404
    assert client_for(other_provider).get(url).status_code == 404
    assert client_for(provider).get(url).status_code == 200


def test_attachment_id_of_another_scenario_is_404(anon_client, provider):
    visible, hidden = published(provider), ScenarioFactory(owner=provider.organisation)
    a = attach(hidden)
    assert anon_client.get(reverse("scenarios:attachment-download", args=[visible.pk, a.pk])).status_code == 404


def test_attachment_download_refuses_post(provider):
    s = published(provider)
    a = attach(s)
    assert client_for(provider).post(reverse("scenarios:attachment-download", args=[s.pk, a.pk])).status_code == 405


def test_other_city_cannot_download_attachments_of_submitted_scenario(provider, mianyang_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    a = attach(s)
    assert mianyang_city.organisation.region_id == MIANYANG
    assert client_for(mianyang_city).get(
        reverse("scenarios:attachment-download", args=[s.pk, a.pk])).status_code == 404
