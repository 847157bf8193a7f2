"""Reading workbooks: every problem by row and column, hardened against hostile files."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from scenariohub.exchange import reader
from scenariohub.exchange.problems import rendered
from scenariohub.exchange.tests.helpers import good_row, workbook_bytes

pytestmark = pytest.mark.django_db


def read(content: bytes, *, forced_region=None, default_region=None):
    return reader.read_workbook(
        io.BytesIO(content), forced_region=forced_region, default_region=default_region
    )


def codes(result):
    return sorted((p.row, p.column, p.code) for p in result.problems)


def test_a_clean_file_gives_clean_rows():
    result = read(workbook_bytes([good_row(1), good_row(2, region="510700", kind="government")]))
    assert result.problems == []
    first, second = (r.data for r in result.rows)
    assert (
        first["region"] == "510100" and first["field"] == "machine-vision" and first["kind"] == "industrial"
    )
    assert first["contact_phone"] == "13800000000" and first["deadline"] == dt.date(2030, 6, 30)
    assert second["region"] == "510700" and second["kind"] == "government"


def test_every_problem_is_reported_by_row_and_column():
    rows = [
        good_row(1),
        good_row(2, title=None),  # row 3: missing required
        good_row(3, region="火星市"),  # row 4
        good_row(4, field="forest-fire"),  # row 5: not of manufacturing
        good_row(5, purpose="长" * 2001),  # row 6
        good_row(1),  # row 7: same title as row 2
        good_row(7, deadline="明年六月"),  # row 8
        good_row(8, budget_min="五十"),  # row 9
        good_row(9, budget_min=300, budget_max=200),  # row 10
        good_row(10, cooperation_note='=HYPERLINK("http://x")'),  # row 11
        good_row(11, kind="其他", contact_email="not-an-email"),  # row 12: two problems
    ]
    result = read(workbook_bytes(rows))
    assert codes(result) == [
        (3, "title", "required"),
        (4, "region", "unknown_region"),
        (5, "field", "field_not_in_sector"),
        (6, "purpose", "too_long"),
        (7, "title", "duplicate_title"),
        (8, "deadline", "bad_date"),
        (9, "budget_min", "bad_number"),
        (10, "budget_max", "budget_order"),
        (11, "cooperation_note", "formula"),
        (12, "contact_email", "invalid"),
        (12, "kind", "unknown_kind"),
    ]
    assert [r.row for r in result.rows] == [2]
    # Worded with the Excel column letter; the duplicate names the first row.
    dup = next(rendered(p.as_json()) for p in result.problems if p.code == "duplicate_title")
    assert "2" in dup["message"] and dup["letter"] == "B"


def test_problems_are_worded_in_chinese():
    from django.utils import translation

    result = read(workbook_bytes([good_row(1, region="火星市")]))
    with translation.override("zh-hans"):
        shown = rendered(result.problems[0].as_json())
    assert shown["where"] == "第 2 行，C 列（地区）"
    assert "火星市" in shown["message"] and "未知" in shown["message"]


def test_codes_and_chinese_names_are_both_accepted():
    result = read(
        workbook_bytes(
            [
                good_row(
                    1,
                    region="510100",
                    sector="人工智能+先进制造",
                    field="machine-vision",
                    kind="industrial",
                    cooperation_mode="试点应用",
                ),
            ]
        )
    )
    assert result.problems == []
    assert result.rows[0].data["cooperation_mode"] == "pilot"


def test_a_city_imports_into_its_own_region_with_a_notice():
    result = read(
        workbook_bytes([good_row(1, region="绵阳市"), good_row(2, region=None)]),
        forced_region="510100",
        default_region="510100",
    )
    assert [r.data["region"] for r in result.rows] == ["510100", "510100"]
    assert [p.code for p in result.problems] == ["region_ignored"]
    assert result.blocking == []


def test_an_empty_region_takes_the_organisations_or_is_required():
    assert (
        read(workbook_bytes([good_row(1, region=None)]), default_region="510700").rows[0].data["region"]
        == "510700"
    )
    assert codes(read(workbook_bytes([good_row(1, region=None)]))) == [(2, "region", "required")]


def test_formula_cells_are_read_as_text_and_flagged():
    wb = Workbook()
    ws = wb.active
    from scenariohub.exchange.columns import COLUMNS, headers

    ws.append(headers())
    row = good_row(1)
    ws.append([row.get(c.key) for c in COLUMNS])
    ws["B2"] = '=CONCAT("a","b")'  # a real formula cell in the title column
    ws["N2"] = "=1+1"  # budget_min
    out = io.BytesIO()
    wb.save(out)
    result = read(out.getvalue())
    assert codes(result) == [(2, "budget_min", "formula"), (2, "title", "formula")]


def test_escaped_text_from_our_export_is_accepted():
    result = read(workbook_bytes([good_row(1, title="'=不是公式", contact_phone="'+86 13800000000")]))
    assert result.problems == []
    assert result.rows[0].data["title"] == "=不是公式"
    assert result.rows[0].data["contact_phone"] == "+86 13800000000"


def test_very_long_cells_are_reported_not_stored():
    result = read(workbook_bytes([good_row(1, tech_requirements="字" * 30_000, cooperation_note="x" * 301)]))
    assert codes(result) == [(2, "cooperation_note", "too_long"), (2, "tech_requirements", "too_long")]
    assert result.problems[0].params["length"] in (301, 30_000)


def test_control_characters_are_refused():
    # openpyxl will not even write them, but a hand-made file may carry them: the cell check refuses them.
    from scenariohub.exchange.columns import COLUMNS_BY_KEY

    found = []
    value = reader._cell("a\x00b", COLUMNS_BY_KEY["purpose"], lambda key, code, **params: found.append(code))
    assert value is reader._BAD and found == ["bad_characters"]


def test_dates_and_numbers_in_the_shapes_spreadsheets_produce():
    result = read(
        workbook_bytes(
            [
                good_row(1, deadline=dt.datetime(2030, 1, 2), budget_min=50.0, budget_max="1,200"),
                good_row(2, deadline="2030/3/4", budget_min=None, budget_max=None),
                good_row(3, deadline="2030年5月6日", budget_min=-1),
                good_row(4, budget_min=1.5),
            ]
        )
    )
    data = [r.data for r in result.rows]
    assert data[0]["deadline"] == dt.date(2030, 1, 2) and data[0]["budget_max"] == 1200
    assert data[1]["deadline"] == dt.date(2030, 3, 4) and data[1]["budget_min"] is None
    assert codes(result) == [(4, "budget_min", "number_out_of_range"), (5, "budget_min", "bad_number")]


def test_missing_and_duplicate_columns():
    from scenariohub.exchange.columns import headers

    header = [h for i, h in enumerate(headers()) if i != 1]  # no title column
    assert [p.code for p in read(workbook_bytes([good_row(1)], header=header)).problems] == ["missing_column"]
    doubled = [*headers(), headers()[1]]
    assert "duplicate_column" in [
        p.code for p in read(workbook_bytes([good_row(1)], header=doubled)).problems
    ]
    assert [p.code for p in read(workbook_bytes([good_row(1)], header=["a", "b", "c"])).problems] == [
        "no_header"
    ]
    assert [p.code for p in read(workbook_bytes([])).problems] == ["no_rows"]


def test_caps_on_rows_and_columns(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    result = read(workbook_bytes([good_row(i) for i in range(5)]))
    assert result.rows_seen == 3 and result.problems[-1].code == "too_many_rows"
    from scenariohub.exchange.columns import headers

    wide = [*headers(), *[f"extra{i}" for i in range(70)]]
    assert [p.code for p in read(workbook_bytes([good_row(1)], header=wide)).problems] == ["too_many_columns"]


def test_unreadable_and_oversized_archives(monkeypatch):
    assert [p.code for p in read(b"PK\x03\x04 not really a zip").problems] == ["unreadable"]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<<< not xml")
    assert [p.code for p in read(broken.getvalue()).problems] == ["unreadable"]
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1000)
    assert [p.code for p in read(workbook_bytes([good_row(1)])).problems] == ["too_big_unpacked"]
