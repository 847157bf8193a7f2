"""Problems found in an import file, stored as codes with parameters and worded when shown.

Storing `{"row", "column", "letter", "code", "params"}` rather than sentences lets the page and the API
word each problem in the reader's language (Chinese by default) whenever it is read.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from scenariohub.exchange.columns import COLUMNS_BY_KEY

MESSAGES = {
    "required": _("This column is required and the cell is empty."),
    "unknown_region": _(
        "Unknown region “%(value)s”. Use a code or Chinese name from the list of valid values."
    ),
    "unknown_sector": _(
        "Unknown sector “%(value)s”. Use a code or Chinese name from the list of valid values."
    ),
    "unknown_field": _(
        "Unknown field “%(value)s”. Use a code or Chinese name from the list of valid values."
    ),
    "unknown_kind": _("Unknown kind “%(value)s”: use industrial or government (产业类 / 政府管理类)."),
    "unknown_cooperation_mode": _("Unknown cooperation mode “%(value)s”. See the list of valid values."),
    "field_not_in_sector": _("The field “%(field)s” does not belong to the sector “%(sector)s”."),
    "too_long": _("The text is too long: %(length)d characters, at most %(limit)d."),
    "duplicate_title": _("The same title is already used in row %(first)d of this file."),
    "bad_date": _("“%(value)s” is not a date. Write it like 2026-06-30."),
    "bad_number": _("“%(value)s” is not a whole number of 10k yuan (万元)."),
    "number_out_of_range": _("The amount must be between 0 and %(limit)d (10k yuan)."),
    "budget_order": _("The lower budget (%(min)d) is greater than the upper budget (%(max)d)."),
    "formula": _(
        "The cell holds a formula (“%(value)s”). Formulas are not evaluated: type the value itself."
    ),
    "bad_characters": _("The cell holds characters that cannot be stored (control or null characters)."),
    "invalid": _("%(message)s"),
    "region_ignored": _("Rows are opened in your region %(region)s; the region column is ignored."),
    # Problems of the whole file.
    "unreadable": _(
        "The file could not be read as an Excel workbook (.xlsx). Save it again from Excel or WPS as "
        "“Excel Workbook (*.xlsx)” and upload it again."
    ),
    "too_big_unpacked": _(
        "The workbook unpacks to more than %(limit)d MB; it is refused to protect the server."
    ),
    "no_header": _("The first row of the first sheet must hold the column titles; none were recognised."),
    "missing_column": _("The column “%(label)s” is missing from the header row."),
    "duplicate_column": _("The column “%(label)s” appears twice in the header row."),
    "too_many_columns": _("The sheet has more than %(limit)d columns; use the template."),
    "too_many_rows": _("The file has more than %(limit)d rows; split it into several files."),
    "no_rows": _("The file holds no data rows below the header."),
    "rejected_at_commit": _("%(message)s"),
}

# Notices do not block a commit.
NOTICES = ("region_ignored",)


@dataclass
class Problem:
    code: str
    row: int | None = None  # Excel row number (the header is row 1)
    column: str | None = None  # column key
    letter: str = ""  # Excel column letter where it was found
    params: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "code": self.code,
            "params": self.params,
        }


def message(problem: dict) -> str:
    template = MESSAGES.get(problem["code"], MESSAGES["invalid"])
    params = dict(problem.get("params") or {})
    if "label" in params:  # a column named in a file-level problem: in the reader's language
        params["label"] = _column_label_here(params["label"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def _column_label_here(key: str) -> str:
    column = COLUMNS_BY_KEY.get(key)
    return column.label if column else key


def where(problem: dict) -> str:
    """“Row 5, column C (Region)”, in the reader's language."""
    row, key, letter = problem.get("row"), problem.get("column"), problem.get("letter") or ""
    label = _column_label_here(key) if key else ""
    if row and label and letter:
        return str(_("Row %(row)d, column %(letter)s (%(label)s)")) % {
            "row": row,
            "letter": letter,
            "label": label,
        }
    if row and label:
        return str(_("Row %(row)d, column %(label)s")) % {"row": row, "label": label}
    if row:
        return str(_("Row %(row)d")) % {"row": row}
    if label:
        return str(_("Column %(label)s")) % {"label": label}
    return str(_("Whole file"))


def rendered(problem: dict) -> dict:
    """A stored problem with its wording added, for the page and the API."""
    return {
        **problem,
        "where": where(problem),
        "message": message(problem),
        "column_label": _column_label_here(problem["column"]) if problem.get("column") else "",
        "blocking": problem["code"] not in NOTICES,
    }
