"""Cells safe for spreadsheet programs (CSV/formula injection, OWASP): one rule for every export.

A text cell that begins with = + - @ (or a tab or carriage return, which Excel skips before reading a
formula) gets a leading apostrophe, so "=HYPERLINK(…)" or "@SUM(…)" typed into a title is shown as text
and never run, even after the file is saved as CSV and opened again. Numbers and dates are left alone
(they are not text; a negative budget is still a number). The import removes the apostrophe again.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """``value`` with a leading apostrophe if it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_value(value):
    """``safe_text`` plus removal of the control characters XML (and so .xlsx) cannot hold."""
    value = safe_text(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
