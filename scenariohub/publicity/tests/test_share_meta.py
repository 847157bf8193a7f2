"""Share metadata on the scenario page (the case and news pages are tested with their apps)."""

import pytest
from django.urls import reverse

from scenariohub.matching.tests.factories import released_scenario

pytestmark = pytest.mark.django_db


def test_scenario_page_has_open_graph_and_twitter_tags(provider, anon_client):
    scenario = released_scenario(provider.organisation, title="成都智能质检场景")
    page = anon_client.get(reverse("scenarios:detail", args=[scenario.pk])).content.decode()
    assert "<title>成都智能质检场景 ·" in page
    assert '<meta property="og:title" content="成都智能质检场景">' in page
    assert f'<meta property="og:url" content="http://testserver/scenarios/{scenario.pk}/">' in page
    assert f'<meta property="og:description" content="{scenario.purpose[:60]}' in page
    assert '<meta property="og:image" content="http://testserver/static/publicity/share-card.png">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_site_url_setting_makes_share_links_point_at_the_public_address(provider, anon_client, settings):
    settings.SCENARIOHUB_SITE_URL = "https://scenarios.example.gov.cn/"
    scenario = released_scenario(provider.organisation)
    page = anon_client.get(reverse("scenarios:detail", args=[scenario.pk])).content.decode()
    assert f'content="https://scenarios.example.gov.cn/scenarios/{scenario.pk}/"' in page


def test_navigation_links_to_cases_promotion_and_news(anon_client):
    page = anon_client.get(reverse("home")).content.decode()
    for name in ("cases:showcase", "promotion:catalogue", "publicity:news-list"):
        assert f'href="{reverse(name)}"' in page
    assert "标杆案例" in page and "推广目录" in page and "新闻动态" in page
