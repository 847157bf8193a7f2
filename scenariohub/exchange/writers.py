"""Writing scenario spreadsheets: the export (.xlsx and CSV), the import template, the data dictionary.

Safe for spreadsheet programs: a text cell that begins with = + - @ (or a tab or carriage return) gets
a leading apostrophe, so a title such as "=HYPERLINK(…)" is shown as text and never run as a formula
(the import removes that apostrophe again). Characters XML cannot hold are dropped from .xlsx cells.
Large exports stream: openpyxl's write-only mode keeps one row in memory, CSV is yielded line by line.
"""

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from scenariohub.core.spreadsheet import FORMULA_START, safe_text, xlsx_value  # noqa: F401 - re-exported
from scenariohub.exchange.columns import (
    COLUMNS,
    DATE,
    DATETIME,
    OFFICIAL_LANGUAGE,
    export_value,
    headers,
    valid_values,
)

BOM = "\ufeff"
HEADER_FONT = Font(bold=True)
IGNORED_FILL = PatternFill("solid", fgColor="E7E7E7")  # columns ignored on import are grey
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_xlsx_value = xlsx_value


def row_values(row: dict) -> list:
    return [export_value(c, row) for c in COLUMNS]


def sheet_titles() -> tuple[str, str, str]:
    with translation.override(OFFICIAL_LANGUAGE):
        return _("Scenarios"), _("Valid values"), _("Columns")


# -------------------------------------------------------------------------------------------- export


def export_xlsx(rows: Iterable[dict]):
    """Write the rows to a temporary .xlsx file (write-only mode) and return it, rewound."""
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook(write_only=True)
        data_title, _values_title, columns_title = sheet_titles()
        ws = wb.create_sheet(data_title)
        for index, column in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        ws.append([_header_cell(ws, column, label) for column, label in zip(COLUMNS, headers(), strict=True)])
        date_cells = {i: c.kind for i, c in enumerate(COLUMNS) if c.kind in (DATE, DATETIME)}
        for row in rows:
            values = [_xlsx_value(v) for v in row_values(row)]
            for i, kind in date_cells.items():
                if values[i] is not None:
                    cell = WriteOnlyCell(ws, value=values[i])
                    cell.number_format = "yyyy-mm-dd" if kind == DATE else "yyyy-mm-dd hh:mm"
                    values[i] = cell
            ws.append(values)
        _dictionary_sheet(wb.create_sheet(columns_title), write_only=True)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the response, which closes it
        wb.save(handle)
        handle.seek(0)
        return handle


def _header_cell(ws, column, label):
    cell = WriteOnlyCell(ws, value=label)
    cell.font = HEADER_FONT
    if not column.importable:
        cell.fill = IGNORED_FILL
    elif column.required:
        cell.fill = REQUIRED_FILL
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(rows: Iterable[dict]) -> Iterator[str]:
    """CSV lines, UTF-8 with a BOM so that Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(headers())
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row_values(row)])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


# -------------------------------------------------------------------------------------------- template


def template_xlsx() -> bytes:
    """The import template: the export's columns (empty), the valid values, and the column documentation."""
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook()
        data_title, values_title, columns_title = sheet_titles()
        ws = wb.active
        ws.title = data_title
        for index, (column, label) in enumerate(zip(COLUMNS, headers(), strict=True), start=1):
            cell = ws.cell(row=1, column=index, value=label)
            cell.font = HEADER_FONT
            if not column.importable:
                cell.fill = IGNORED_FILL
            elif column.required:
                cell.fill = REQUIRED_FILL
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"

        values_ws = wb.create_sheet(values_title)
        values_ws.append([_("Column"), _("Code"), _("Chinese name"), _("Sector")])
        for cell in values_ws[1]:
            cell.font = HEADER_FONT
        ranges: dict[str, str] = {}
        for label, items in valid_values():
            first = values_ws.max_row + 1
            for code, name, note in items:
                values_ws.append([label, code, name, note])
            ranges[label] = f"'{values_title}'!$C${first}:$C${values_ws.max_row}"
        for letter, width in zip("ABCD", (14, 24, 30, 26), strict=True):
            values_ws.column_dimensions[letter].width = width

        # Drop-down lists of the Chinese names on the code columns (codes typed by hand are accepted too).
        for index, (column, label) in enumerate(zip(COLUMNS, headers(), strict=True), start=1):
            if label in ranges and column.importable:
                dv = DataValidation(
                    type="list", formula1=f"={ranges[label]}", allow_blank=True, showErrorMessage=False
                )
                dv.add(f"{get_column_letter(index)}2:{get_column_letter(index)}10001")
                ws.add_data_validation(dv)

        _dictionary_sheet(wb.create_sheet(columns_title), write_only=False)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def dictionary_rows() -> list[tuple[str, str, str, str, str]]:
    """(column title, code, required, format, description) for every column; the open-data page shows these."""
    kinds = {
        "text": _("text"),
        "code": _("code"),
        "integer": _("whole number"),
        "date": _("date (YYYY-MM-DD)"),
        "datetime": _("date and time (YYYY-MM-DD hh:mm, Beijing time)"),
    }
    rows = []
    for column, label in zip(COLUMNS, [c.label for c in COLUMNS], strict=True):
        fmt = str(kinds[column.kind])
        if column.max_length and column.kind == "text":
            fmt += " " + _("(at most %(n)d characters)") % {"n": column.max_length}
        required = (
            _("required")
            if column.required
            else (_("optional") if column.importable else _("ignored on import"))
        )
        rows.append((label, column.key, str(required), fmt, str(column.description)))
    return rows


def _dictionary_sheet(ws, *, write_only: bool) -> None:
    head = [_("Column"), _("Code"), _("On import"), _("Format"), _("Description")]
    if write_only:
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["E"].width = 90
        ws.append([_header_cell_plain(ws, h) for h in head])
        for row in dictionary_rows():
            ws.append(list(row))
        return
    ws.append(head)
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for row in dictionary_rows():
        ws.append(list(row))
    for letter, width in zip("ABCDE", (18, 18, 14, 28, 90), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")


def _header_cell_plain(ws, text):
    cell = WriteOnlyCell(ws, value=text)
    cell.font = HEADER_FONT
    return cell


__all__ = ["XLSX_CONTENT_TYPE", "dictionary_rows", "export_csv", "export_xlsx", "safe_text", "template_xlsx"]
