"""The plan as an official list: .xlsx (title row, frozen header, filter, widths, wrapped text) and CSV.

The list is a Chinese government document whatever the reader's interface language, so it is rendered
in zh-hans. Text cells starting with a formula character get a leading apostrophe in both formats and
are typed as text in .xlsx: a scenario titled "=HYPERLINK(…)" stays a title (formula injection).
"""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scenariohub.core.spreadsheet import safe_text, xlsx_value
from scenariohub.plans.selectors import PlanRow, PlanView

OFFICIAL_LANGUAGE = "zh-hans"
# The headers have a context of their own: "Scenario" elsewhere is 场景, here it must read 场景名称.
# (header, width in characters, value of a row); the lazy headers are rendered under the official language.
COLUMNS = (
    (pgettext_lazy("plan list column", "No."), 6, lambda r: r.position),
    (pgettext_lazy("plan list column", "Scenario"), 30, lambda r: r.title),
    (pgettext_lazy("plan list column", "Provider"), 24, lambda r: r.owner_name),
    (pgettext_lazy("plan list column", "City"), 12, lambda r: r.region_name),
    (pgettext_lazy("plan list column", "Sector"), 22, lambda r: r.sector_name),
    (pgettext_lazy("plan list column", "Field"), 18, lambda r: r.field_name),
    (pgettext_lazy("plan list column", "Kind"), 10, lambda r: r.kind_name),
    (pgettext_lazy("plan list column", "Purpose"), 40, lambda r: r.purpose),
    (pgettext_lazy("plan list column", "Technical requirements"), 40, lambda r: r.tech_requirements),
    (pgettext_lazy("plan list column", "Cooperation mode"), 14, lambda r: r.cooperation_name),
    (pgettext_lazy("plan list column", "Budget (10k yuan)"), 12, lambda r: r.budget_label),
    (pgettext_lazy("plan list column", "Contact person"), 10, lambda r: r.contact_name),
    (pgettext_lazy("plan list column", "Contact phone"), 15, lambda r: r.contact_phone),
    (pgettext_lazy("plan list column", "Status"), 10, lambda r: r.status_label),
)


def plan_title(year: int) -> str:
    return _("%(year)s Sichuan AI application scenario opening plan") % {"year": year}


def export_filename(view: PlanView, extension: str) -> str:
    with translation.override(OFFICIAL_LANGUAGE):
        suffix = f"（v{view.version.number}）" if view.version else _("(draft)")
        return f"{plan_title(view.year)}{suffix}.{extension}"


def headers() -> list[str]:
    return [str(header) for header, _width, _value in COLUMNS]


def _values(row: PlanRow) -> list:
    return [value(row) for _msgid, _width, value in COLUMNS]


def plan_xlsx(view: PlanView) -> bytes:
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = str(view.year)
        last_col = get_column_letter(len(COLUMNS))
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="top")

        ws.merge_cells(f"A1:{last_col}1")
        title = ws["A1"]
        title.value = plan_title(view.year)
        title.font = Font(name="SimHei", size=16, bold=True)
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 32

        for col, text in enumerate(headers(), start=1):
            cell = ws.cell(row=2, column=col, value=text)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for r, row in enumerate(view.rows, start=3):
            for col, value in enumerate(_values(row), start=1):
                cell = ws.cell(row=r, column=col, value=xlsx_value(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, and the apostrophe keeps it so in a re-save
                cell.alignment = wrap
                cell.border = border
        for col, (_msgid, width, _value) in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A3"
        ws.auto_filter.ref = f"A2:{last_col}{max(2, len(view.rows) + 2)}"
        ws.print_title_rows = "2:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def _csv_safe(value) -> str:
    return safe_text("" if value is None else str(value))


def plan_csv(view: PlanView) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel on Chinese Windows reads it as UTF-8."""
    with translation.override(OFFICIAL_LANGUAGE):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers())
        for row in view.rows:
            writer.writerow([_csv_safe(v) for v in _values(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
