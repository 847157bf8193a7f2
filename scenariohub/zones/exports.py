"""A year's ranking as .xlsx: the official table the office circulates (title, weights in the headers,
per criterion the raw value, the scaled score and the weighted points; ties written as 并列; missing inputs
named). Rendered in zh-hans whatever the reader's interface language; text cells are never formulas."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scenariohub.zones import criteria as c
from scenariohub.zones.selectors import Ranking, ranking_rows

OFFICIAL_LANGUAGE = "zh-hans"


def ranking_title(ranking: Ranking) -> str:
    if ranking.frozen:
        return _("%(year)s demonstration-zone ranking (decided)") % {"year": ranking.year}
    return _("%(year)s demonstration-zone ranking (working draft)") % {"year": ranking.year}


def export_filename(ranking: Ranking) -> str:
    with translation.override(OFFICIAL_LANGUAGE):
        return f"{ranking_title(ranking)}.xlsx"


def _headers(ranking: Ranking) -> list[str]:
    headers = [_("Rank"), _("Region"), _("Total score")]
    for crit in c.CRITERIA:
        name = _("%(criterion)s (weight %(weight)s%%)") % {
            "criterion": crit.label,
            "weight": ranking.weights[crit.code],
        }
        parts = (_("raw value"), _("scaled"), _("weighted"))
        headers += [f"{name} · {part}" for part in parts]
    return [*headers, _("Missing inputs"), _("Selection")]


def ranking_xlsx(ranking: Ranking) -> bytes:
    with translation.override(OFFICIAL_LANGUAGE):
        input_labels = dict(c.InputKind.choices)
        level_labels = {"provincial": _("Provincial zone"), "national": _("National recommendation")}
        headers = _headers(ranking)
        wb = Workbook()
        ws = wb.active
        ws.title = str(ranking.year)
        last = get_column_letter(len(headers))
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.merge_cells(f"A1:{last}1")
        ws["A1"].value = ranking_title(ranking)
        ws["A1"].font = Font(name="SimHei", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 32
        for col, text in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=col, value=str(text))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
            ws.column_dimensions[get_column_letter(col)].width = 10 if col > 3 else 14
        ws.row_dimensions[2].height = 48
        for r, row in enumerate(ranking_rows(ranking), start=3):
            rank = _("tied %(rank)s") % {"rank": row.score.rank} if row.score.tied else row.score.rank
            values = [rank, row.region_name, float(row.score.total)]
            for cell in row.cells:
                values += [float(cell.score.raw), float(cell.score.scaled), float(cell.score.weighted)]
            values.append("、".join(str(input_labels[m]) for m in row.score.missing))
            values.append("、".join(str(level_labels[lv]) for lv in row.levels))
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                elif isinstance(value, float):
                    cell.number_format = "0.00"
                cell.border = border
        ws.freeze_panes = "C3"
        ws.auto_filter.ref = f"A2:{last}{len(ranking.rows) + 2}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()
