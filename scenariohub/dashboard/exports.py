"""The targets overview as an .xlsx workbook: the same figures and definitions as the page and the API.

Rendered in zh-hans whatever the reader's interface language (it is a government report), one sheet per
part: targets, each breakdown, the funnel, and the definitions.
"""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from scenariohub.core.spreadsheet import xlsx_value
from scenariohub.dashboard import metrics as m
from scenariohub.dashboard.selectors import SupportPanel, TargetsOverview, ZonePanel

OFFICIAL_LANGUAGE = "zh-hans"


def targets_filename(year: int) -> str:
    with translation.override(OFFICIAL_LANGUAGE):
        return _("%(year)s AI scenario targets.xlsx") % {"year": year}


def _header(ws, values: list[str]) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{ws.max_row + 1}"


def _support_sheet(wb: Workbook, support: SupportPanel) -> None:
    ws = wb.create_sheet(_("Policy support"))
    _header(
        ws,
        [_("Measure"), pgettext("count", "Applications"), _("Granted"), _("Granted (10k yuan)"), _("Requested (10k yuan)")],
    )
    for x in [*support.lines, support.total]:
        ws.append([str(x.label), x.applications, x.granted, x.granted_amount, x.requested])
    ws.column_dimensions["A"].width = 30


def _zones_sheet(wb: Workbook, zones: ZonePanel) -> None:
    ws = wb.create_sheet(_("Demonstration zones"))
    ws.append([_("Decided") if zones.decided else _("Not decided yet (live ranking)")])
    _header(ws, [_("Rank"), _("Tied"), _("Code"), _("City"), _("Score"), _("Selected as")])
    for r in zones.top:
        ws.append([r.rank, _("yes") if r.tied else _("no"), r.region, r.region_name, r.total, "、".join(r.levels)])
    ws.column_dimensions["D"].width = 20
    ws.column_dimensions["F"].width = 40


def targets_xlsx(
    overview: TargetsOverview, *, support: SupportPanel | None = None, zones: ZonePanel | None = None
) -> bytes:
    """`support` and `zones`: the panels the reader may see (None leaves their sheet out)."""
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Targets")
        _header(
            ws,
            [
                _("Code"),
                _("Target"),
                _("Yearly target"),
                _("Actual"),
                _("Forecast"),
                _("On track"),
                _("Short of target by"),
                _("Target reached on (at current pace)"),
                _("Definition"),
            ],
        )
        for t in overview.targets:
            ws.append(
                [
                    t.code,
                    str(t.metric.label),
                    t.target,
                    t.actual,
                    t.forecast.forecast,
                    _("yes") if t.forecast.on_track else _("no"),
                    t.forecast.shortfall,
                    t.forecast.reached_on,
                    str(t.metric.definition),
                ]
            )
            ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
        ws.column_dimensions["B"].width = 26
        ws.column_dimensions["I"].width = 80

        titles = {
            "region": _("By city"),
            "sector": _("By sector"),
            "field": _("By field"),
            "kind": _("By kind"),
            "month": _("By month"),
        }
        for dim, rows in overview.breakdown.items():
            sheet = wb.create_sheet(titles[dim])
            with_conferences = dim in ("region", "month")
            head = [
                _("Code"),
                _("Name"),
                _("Newly published scenarios"),
                _("Government scenarios"),
                _("Benchmark cases"),
            ]
            _header(sheet, [*head, _("Conferences held")] if with_conferences else head)
            for r in rows:
                # Names include organisations' (departments): text a spreadsheet must not run.
                values = [r.code, xlsx_value(r.name), r.published, r.published_government, r.benchmarks]
                sheet.append([*values, r.conferences] if with_conferences else values)
            sheet.column_dimensions["B"].width = 28

        funnel = wb.create_sheet(_("Funnel"))
        _header(funnel, [_("Stage"), _("Status"), _("Scenarios"), _("Definition")])
        for s in overview.funnel:
            funnel.append([str(s.stage.label), s.stage.status, s.count, str(s.stage.definition)])
        funnel.column_dimensions["D"].width = 80

        if support is not None:
            _support_sheet(wb, support)
        if zones is not None:
            _zones_sheet(wb, zones)

        notes = wb.create_sheet(_("Definitions"))
        _header(notes, [_("Item"), _("Definition")])
        for metric in m.METRICS:
            notes.append([str(metric.label), str(metric.definition)])
        notes.append([_("Breakdowns"), str(m.BREAKDOWN_DEFINITION)])
        notes.append([_("Forecast"), str(m.FORECAST_DEFINITION)])
        notes.append([_("Year"), str(overview.year)])
        notes.append([_("As of"), overview.as_of.isoformat()])
        notes.column_dimensions["A"].width = 26
        notes.column_dimensions["B"].width = 100
        for row in notes.iter_rows(min_row=2):
            row[1].alignment = Alignment(wrap_text=True, vertical="top")

        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
