"""Exports: an .xlsx that looks like the official list, and a UTF-8 CSV with a byte-order mark."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from scenariohub.conftest import as_actor, client_for
from scenariohub.plans import exports, selectors, services
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
YEAR = 2026
HEADER = ["序号", "场景名称", "提供方", "所属市州", "行业领域", "细分领域", "类别", "用途", "技术要求", "合作方式",
          "预算（万元）", "联系人", "联系电话", "状态"]


@pytest.fixture
def plan(office, provider):
    ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, title="=HYPERLINK(\"http://evil\")")
    ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, published_year=YEAR, title="产线视觉质检")
    services.plan_compile(actor=as_actor(office), year=YEAR)
    services.plan_confirm(actor=as_actor(office), year=YEAR)


def test_xlsx_looks_like_the_official_list(office, plan):
    response = client_for(office).get(reverse("plans:plan-export", args=[YEAR, "xlsx"]), {"version": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value == "2026年四川省人工智能应用场景开放计划"
    assert "A1:N1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == HEADER
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:N4"
    assert ws.column_dimensions["B"].width == 30
    assert ws["H3"].alignment.wrap_text
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [1, 2]
    assert {r[13] for r in rows} == {"已发布", "待发布"}
    formula = next(c for c in ws["B"] if c.value and "HYPERLINK" in str(c.value))
    assert formula.value == "'=HYPERLINK(\"http://evil\")" and formula.data_type == "s"  # text, not a formula


def test_xlsx_is_chinese_whatever_the_interface_language(office, plan):
    view = selectors.plan_view_for_actor(actor=as_actor(office), year=YEAR, version=1)
    with translation.override("en"):
        ws = openpyxl.load_workbook(io.BytesIO(exports.plan_xlsx(view))).active
    assert [c.value for c in ws[2]] == HEADER


def test_csv_has_bom_and_neutralises_formulas(anon_client, plan):
    response = anon_client.get(reverse("plans:plan-export", args=[YEAR, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 3
    titles = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_public_cannot_export_a_draft(anon_client, office, provider):
    ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    services.plan_compile(actor=as_actor(office), year=YEAR)
    assert anon_client.get(reverse("plans:plan-export", args=[YEAR, "xlsx"])).status_code == 404
    assert anon_client.get(reverse("plans:plan-export", args=[YEAR, "pdf"])).status_code == 404


def test_city_exports_its_part_of_the_working_list(chengdu_city, office, provider, other_provider):
    ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, title="成都的场景")
    ScenarioFactory(owner=other_provider.organisation, status=Status.APPROVED, title="绵阳的场景")
    services.plan_compile(actor=as_actor(office), year=YEAR)
    response = client_for(chengdu_city).get(reverse("plans:plan-export", args=[YEAR, "csv"]), {"version": "draft"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["成都的场景"]
