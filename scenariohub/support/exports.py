"""The per-measure summary of a year as .xlsx: title row, frozen header, filter, widths, a total row.

Rendered in zh-hans whatever the reader's interface language (it is an official table); text cells are
always text, never formulas (a department named "=…" stays a name).
"""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scenariohub.core.spreadsheet import xlsx_value
from scenariohub.support.selectors import SummaryLine, summary_total

OFFICIAL_LANGUAGE = "zh-hans"
COLUMNS = (
    (pgettext_lazy("support summary column", "Measure"), 34, lambda x: x.label),
    (pgettext_lazy("support summary column", "Responsible department"), 22, lambda x: x.department),
    (pgettext_lazy("support summary column", "Applications"), 10, lambda x: x.applications),
    (pgettext_lazy("support summary column", "Pending"), 10, lambda x: x.submitted),
    (pgettext_lazy("support summary column", "Granted"), 10, lambda x: x.granted),
    (pgettext_lazy("support summary column", "Refused"), 10, lambda x: x.refused),
    (pgettext_lazy("support summary column", "Withdrawn"), 10, lambda x: x.withdrawn),
    (pgettext_lazy("support summary column", "Requested (10k yuan)"), 16, lambda x: float(x.requested)),
    (pgettext_lazy("support summary column", "Granted (10k yuan)"), 16, lambda x: float(x.granted_amount)),
)


def summary_title(year: int) -> str:
    return _("%(year)s AI application scenario support measures: summary") % {"year": year}


def export_filename(year: int) -> str:
    with translation.override(OFFICIAL_LANGUAGE):
        return f"{summary_title(year)}.xlsx"


def summary_xlsx(year: int, lines: list[SummaryLine]) -> bytes:
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = str(year)
        last_col = get_column_letter(len(COLUMNS))
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.merge_cells(f"A1:{last_col}1")
        ws["A1"].value = summary_title(year)
        ws["A1"].font = Font(name="SimHei", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 32
        for col, (header, width, _value) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=2, column=col, value=str(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
            ws.column_dimensions[get_column_letter(col)].width = width
        rows = [*lines, summary_total(lines)]
        for r, line in enumerate(rows, start=3):
            for col, (_header, _width, value) in enumerate(COLUMNS, start=1):
                v = value(line)
                cell = ws.cell(
                    row=r, column=col, value=xlsx_value(str(v)) if not isinstance(v, int | float) else v
                )
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                if isinstance(v, float):
                    cell.number_format = "#,##0.00"
                cell.border = border
                if line is rows[-1]:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A3"
        ws.auto_filter.ref = f"A2:{last_col}{len(lines) + 2}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()
