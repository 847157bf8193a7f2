"""The page, the API and the .xlsx show the same figures; who may see what; queries stay constant."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenariohub.conftest import client_for
from scenariohub.dashboard.selectors import targets_overview
from scenariohub.dashboard.tests.helpers import bj, designated, history, released
from scenariohub.scenarios.models import Status

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def data():
    a = released(bj(YEAR, 1, 1, 0, 30), kind="government")
    released(bj(YEAR, 3, 3), status=Status.WITHDRAWN, region_id="510700")
    b = released(bj(YEAR, 5, 5), region_id="510700", sector_id="emergency", field_id="forest-fire")
    designated(b, bj(YEAR, 8, 8))
    history(a, Status.PUBLISHED, Status.MATCHING, bj(YEAR, 2, 2))
    released(bj(YEAR - 1, 12, 31, 23, 59))
    return a, b


def page_figures(html: str) -> dict[str, int]:
    return {
        code: int(n) for code, n in re.findall(r'<span class="actual" data-code="(\w+)">(\d+)</span>', html)
    }


def test_page_api_and_xlsx_agree(office, data):
    client = client_for(office)
    page = client.get(reverse("dashboard:targets"), {"year": YEAR})
    assert page.status_code == 200
    api = client.get("/api/v1/stats/targets", {"year": YEAR}).json()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboard:targets-xlsx"), {"year": YEAR}).content)
    )

    from_page = page_figures(page.content.decode())
    from_api = {t["code"]: t["actual"] for t in api["targets"]}
    sheet = book.worksheets[0]
    from_xlsx = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {"conferences": 0, "published": 3, "published_government": 1, "benchmarks": 1}
    assert from_page == from_api == from_xlsx == expected

    # Definitions are the same text on all three.
    html = page.content.decode()
    for t in api["targets"]:
        assert t["definition"] in html
    assert [row[8] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        t["definition"] for t in api["targets"]
    ]
    # Breakdowns and funnel agree too.
    by_city = {row[0]: row[2] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert {r["code"]: r["published"] for r in api["breakdown"]["region"]} == by_city
    funnel = [row[2] for row in book.worksheets[6].iter_rows(min_row=2, values_only=True)]
    assert [s["count"] for s in api["funnel"]] == funnel == [3, 2, 1, 1, 1, 1]


def test_api_shape_and_public_access(anon_client, data):
    body = anon_client.get("/api/v1/stats/targets", {"year": YEAR}).json()
    assert body["year"] == YEAR
    assert [t["code"] for t in body["targets"]] == [
        "conferences",
        "published",
        "published_government",
        "benchmarks",
    ]
    assert set(body["targets"][0]) >= {"code", "target", "actual", "forecast", "on_track", "definition"}
    assert set(body["breakdown"]) == {"region", "sector", "field", "kind", "month"}
    assert [s["code"] for s in body["funnel"]] == [
        "released",
        "applied",
        "agreed",
        "implementing",
        "piloted",
        "benchmark",
    ]


@pytest.mark.parametrize("year", ["20x5", "1999", "²⁰²⁵", "99999"])
def test_api_rejects_a_bad_year(anon_client, year):
    response = anon_client.get("/api/v1/stats/targets", {"year": year})
    assert response.status_code == 422
    assert response.json()["code"] == "bad_filter"


def test_api_defaults_to_the_current_year(anon_client):
    from django.utils import timezone

    assert anon_client.get("/api/v1/stats/targets").json()["year"] == timezone.localdate().year


def test_who_may_see_the_dashboard(anon_client, office, chengdu_city, provider, supplier, department):
    url = reverse("dashboard:targets")
    assert anon_client.get(url).status_code == 302
    assert anon_client.get(reverse("dashboard:targets-xlsx")).status_code == 302
    for member in (provider, supplier, department):
        assert client_for(member).get(url).status_code == 403
        assert client_for(member).get(reverse("dashboard:targets-xlsx")).status_code == 403
    assert client_for(office).get(url).status_code == 200
    assert anon_client.get(reverse("dashboard:public")).status_code == 200
    assert anon_client.post(reverse("dashboard:public")).status_code == 405


def test_city_sees_its_region_highlighted(chengdu_city, data):
    html = client_for(chengdu_city).get(reverse("dashboard:targets"), {"year": YEAR}).content.decode()
    assert 'class="highlight"' in html
    row = re.search(r'<tr class="highlight">\s*<th scope="row">([^<]+)', html)
    assert row and row.group(1).strip() == "成都市"
    assert "own-region" in html


def test_page_has_no_inline_script_and_charts_read_json(office, data):
    html = client_for(office).get(reverse("dashboard:targets"), {"year": YEAR}).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) is None
    assert ' style="' not in html
    assert 'id="dashboard-chart-data"' in html and "dashboard/charts.js" in html
    # Every chart has a table with the same figures.
    assert html.count('class="chart') <= html.count("<table")


def test_every_figure_links_to_the_list_it_counts(office, anon_client, data):
    html = client_for(office).get(reverse("dashboard:targets"), {"year": YEAR}).content.decode()
    hrefs = set(re.findall(r'href="(/dashboard/scenarios/\?[^"]+)"', html))
    assert any("metric=published&amp;year=2025&amp;region=510700" in h for h in hrefs)
    client = client_for(office)
    page = client.get(
        reverse("dashboard:scenario-list"), {"metric": "published", "year": YEAR, "region": "510700"}
    )
    assert page.status_code == 200
    assert page.context["counted"] == 2 and page.context["page"].paginator.count == 2
    # Anonymous readers are told about what they may not see (withdrawn after its release).
    anon = anon_client.get(
        reverse("dashboard:scenario-list"), {"metric": "published", "year": YEAR, "region": "510700"}
    )
    assert anon.context["counted"] == 2 and anon.context["hidden"] == 1
    bench = client.get(reverse("dashboard:scenario-list"), {"metric": "benchmarks", "year": YEAR, "month": 8})
    assert bench.context["counted"] == 1
    assert anon_client.get(reverse("dashboard:scenario-list"), {"metric": "nope"}).status_code == 404


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_small_and_constant(office, anon_client):
    from django.core.cache import cache

    def grow(n, offset):
        for i in range(n):
            s = released(
                bj(YEAR, 1 + i % 12, 1 + i % 28) + dt.timedelta(minutes=offset),
                kind=("government", "industrial")[i % 2],
                region_id=("510100", "510700", "511500")[i % 3],
            )
            if i % 3 == 0:
                designated(s, bj(YEAR, 12, 1) + dt.timedelta(minutes=offset + i))

    def selector_queries():
        with CaptureQueriesContext(connection) as ctx:
            targets_overview(year=YEAR, fresh=True)
        return len(ctx.captured_queries)

    client = client_for(office)

    def surfaces():
        counts = []
        for c, url in ((client, reverse("dashboard:targets")), (anon_client, "/api/v1/stats/targets")):
            cache.clear()
            counts.append(_queries(c, url, {"year": YEAR}))  # counted afresh
            counts.append(_queries(c, url, {"year": YEAR}))  # from the cache
        return counts

    empty = selector_queries()
    grow(5, 0)
    assert selector_queries() == empty
    before = surfaces()
    grow(30, 7)
    assert selector_queries() == empty <= 12
    assert surfaces() == before
    page_cold, page_warm, api_cold, api_warm = before
    assert page_warm < page_cold and api_warm < api_cold


def test_figures_change_as_soon_as_the_lifecycle_moves(provider, chengdu_city, office):
    from django.utils import timezone

    from scenariohub.conftest import as_actor
    from scenariohub.scenarios import services
    from scenariohub.scenarios.tests.factories import ScenarioFactory

    today = timezone.localdate()
    assert targets_overview(year=today.year).target("published").actual == 0
    s = ScenarioFactory(owner=provider.organisation)
    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_approve(actor=as_actor(chengdu_city), scenario_id=s.pk)
    services.scenario_publish(actor=as_actor(office), scenario_id=s.pk)
    assert targets_overview(year=today.year).target("published").actual == 1  # not the cached 0
