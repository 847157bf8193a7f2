"""The audit trail as an .xlsx workbook (openpyxl write-only: one row in memory at a time).

Cells are defused like every other export (`core.spreadsheet.xlsx_value`): a value such as "=HYPERLINK(…)"
that someone typed into a title and that ended up in a record's details is shown as text, never run.
"""

import json
import tempfile

from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from scenariohub.core.spreadsheet import xlsx_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = ["XLSX_CONTENT_TYPE", "audit_xlsx"]


def _columns():
    return [
        (pgettext("audit trail", "Record"), 10, lambda r: r.id),
        (pgettext("audit trail", "Time (UTC+8)"), 26, lambda r: r.time_with_offset),
        (
            pgettext("audit trail", "Actor"),
            18,
            lambda r: r.actor.username if r.actor else (str(r.actor_id) if r.actor_id else ""),
        ),
        (
            pgettext("audit trail", "Actor name"),
            16,
            lambda r: (r.actor.display_name or "") if r.actor else "",
        ),
        (
            pgettext("audit trail", "Organisation"),
            30,
            lambda r: r.organisation.name if r.organisation else (str(r.organisation_id or "")),
        ),
        (pgettext("audit trail", "IP address"), 16, lambda r: r.ip_address or ""),
        (pgettext("audit trail", "Action"), 24, lambda r: r.action),
        (pgettext("audit trail", "Object type"), 26, lambda r: r.object_type),
        (pgettext("audit trail", "Object id"), 16, lambda r: r.object_id),
        (pgettext("audit trail", "Outcome"), 10, lambda r: r.get_outcome_display()),
        (pgettext("audit trail", "HTTP method"), 8, lambda r: r.method),
        (pgettext("audit trail", "Path"), 36, lambda r: r.path),
        (pgettext("audit trail", "Request id"), 34, lambda r: r.request_id),
        (
            pgettext("audit trail", "Details"),
            50,
            lambda r: json.dumps(r.data, ensure_ascii=False, sort_keys=True) if r.data else "",
        ),
        (pgettext("audit trail", "Hash"), 66, lambda r: r.hash),
    ]


def audit_xlsx(rows) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """Write the records to a temporary file (rewound) and return it with the number of rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    columns = _columns()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(pgettext("audit trail", "Audit trail"))
    for index, (_label, width, _get) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for label, _width, _get in columns:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([xlsx_value(get(row)) for _label, _width, get in columns])
        count += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned open, closed by the response
    wb.save(out)
    out.seek(0)
    return out, count
