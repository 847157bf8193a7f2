"""Reading an import workbook into clean rows and a list of problems, without touching the database.

Defensive by design: the zip is measured before it is opened (a small file may unpack to gigabytes),
openpyxl reads in read-only mode (rows streamed, nothing evaluated: a formula is seen as its text and
reported), rows and columns are capped, and every cell is checked against what the model can store.
Every problem is reported at once, by row and column, so a file is fixed in one pass.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from scenariohub.exchange.columns import (
    CODE,
    COLUMNS_BY_KEY,
    DATE,
    IMPORTABLE,
    INTEGER,
    PERSONAL,
    code_lookup,
    header_aliases,
)
from scenariohub.exchange.problems import Problem
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.models import BUDGET_MAX_WAN, Scenario

MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 10_000  # far above any column's limit; longer cells are reported, never stored
PROGRESS_EVERY = 250
# Our exports put an apostrophe before text that a spreadsheet would take for a formula; undo it.
ESCAPED = re.compile(r"^'(?=[=+\-@\t\r])")
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass
class ParsedRow:
    row: int
    data: dict


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_seen: int = 0

    @property
    def blocking(self) -> list[Problem]:
        from scenariohub.exchange.problems import NOTICES

        return [p for p in self.problems if p.code not in NOTICES]


class UnreadableWorkbook(Exception):
    pass


def check_zip(fileobj) -> Problem | None:
    """Refuse archives that unpack to too much before any XML parser sees them."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return Problem("unreadable")
    finally:
        fileobj.seek(0)
    if total > MAX_UNPACKED_BYTES:
        return Problem("too_big_unpacked", params={"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    return None


def read_workbook(
    fileobj,
    *,
    default_region: str | None,
    forced_region: str | None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ParseResult:
    """Parse the first sheet. `forced_region` (a city's) overrides the region column; `default_region`
    fills it when empty (an organisation's own region)."""
    result = ParseResult()
    problem = check_zip(fileobj)
    if problem:
        result.problems.append(problem)
        return result
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, key, value errors) on a bad file
        result.problems.append(Problem("unreadable"))
        return result
    try:
        if not wb.worksheets:  # a damaged workbook.xml can list no sheet at all
            raise UnreadableWorkbook
        _read_sheet(wb.worksheets[0], result, default_region, forced_region, progress)
    except UnreadableWorkbook:
        result.rows.clear()
        result.problems.append(Problem("unreadable"))
    finally:
        wb.close()
    return result


def _read_sheet(ws, result, default_region, forced_region, progress) -> None:
    try:
        rows = ws.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        header = next(rows, None)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableWorkbook from exc
    positions = _header_positions(header or (), result)
    if positions is None:
        return
    ctx = _Context(default_region=default_region, forced_region=forced_region)
    if forced_region and "region" in positions:
        ctx.warn_region = True
    estimate = (ws.max_row - 1) if isinstance(ws.max_row, int) and ws.max_row > 1 else None
    row_number = 1
    try:
        for values in rows:
            row_number += 1
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if result.rows_seen >= MAX_ROWS:
                result.problems.append(Problem("too_many_rows", params={"limit": MAX_ROWS}))
                break
            result.rows_seen += 1
            parsed = _parse_row(row_number, values, positions, ctx, result.problems)
            if parsed is not None:
                result.rows.append(parsed)
            if progress and result.rows_seen % PROGRESS_EVERY == 0:
                progress(result.rows_seen, estimate)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken sheet XML surfaces while iterating
        raise UnreadableWorkbook from exc
    if result.rows_seen == 0:
        result.problems.append(Problem("no_rows"))
    if ctx.warn_region and ctx.region_differs:
        result.problems.append(
            Problem(
                "region_ignored",
                column="region",
                letter=positions["region"][1],
                params={"region": ref.region_names().get(forced_region, forced_region)},
            )
        )


def _header_positions(header: tuple, result: ParseResult) -> dict[str, tuple[int, str]] | None:
    """{column key: (index, letter)} for the importable columns found; problems for what is wrong."""
    if len(header) > MAX_COLUMNS and header[MAX_COLUMNS] not in (None, ""):
        result.problems.append(Problem("too_many_columns", row=1, params={"limit": MAX_COLUMNS}))
        return None
    aliases = header_aliases()
    positions: dict[str, tuple[int, str]] = {}
    recognised = 0
    for index, text in enumerate(header[:MAX_COLUMNS]):
        key = aliases.get(_normalise(text))
        if key is None:
            continue
        recognised += 1
        letter = get_column_letter(index + 1)
        if key in positions:
            result.problems.append(
                Problem("duplicate_column", row=1, column=key, letter=letter, params={"label": key})
            )
            continue
        positions[key] = (index, letter)
    if recognised == 0:
        result.problems.append(Problem("no_header", row=1))
        return None
    missing = [c.key for c in IMPORTABLE if c.required and c.key not in positions]
    for key in missing:
        result.problems.append(Problem("missing_column", row=1, column=key, params={"label": key}))
    return None if missing or any(p.code == "duplicate_column" for p in result.problems) else positions


def _normalise(text) -> str:
    from scenariohub.exchange.columns import normalise_header

    return normalise_header(text)


@dataclass
class _Context:
    default_region: str | None
    forced_region: str | None
    warn_region: bool = False
    region_differs: bool = False
    titles: dict = field(default_factory=dict)
    field_sector: dict = field(default_factory=ref.field_sector)


def _parse_row(
    row: int, values: tuple, positions: dict, ctx: _Context, problems: list[Problem]
) -> ParsedRow | None:
    data: dict = {}
    found: list[Problem] = []

    def problem(key: str, code: str, **params) -> None:
        found.append(Problem(code, row=row, column=key, letter=positions.get(key, (0, ""))[1], params=params))

    for column in IMPORTABLE:
        if column.key not in positions:
            continue
        index = positions[column.key][0]
        raw = values[index] if index < len(values) else None
        value = _cell(raw, column, problem)
        if value is _BAD:
            continue
        data[column.key] = value

    # Region: a city's own, else the cell, else the organisation's.
    cell_region = data.pop("region", None)
    if ctx.forced_region:
        if cell_region and cell_region != ctx.forced_region:
            ctx.region_differs = True
        data["region"] = ctx.forced_region
    elif cell_region:
        data["region"] = cell_region
    elif ctx.default_region:
        data["region"] = ctx.default_region
    elif not any(p.column == "region" for p in found):
        problem("region", "required")

    for column in IMPORTABLE:
        if (
            column.required
            and data.get(column.key) in (None, "")
            and not any(p.column == column.key for p in found)
        ):
            problem(column.key, "required")

    if data.get("field") and data.get("sector") and ctx.field_sector.get(data["field"]) != data["sector"]:
        names_f, names_s = ref.field_names(), ref.sector_names()
        problem(
            "field",
            "field_not_in_sector",
            field=names_f.get(data["field"], data["field"]),
            sector=names_s.get(data["sector"], data["sector"]),
        )
    lo, hi = data.get("budget_min"), data.get("budget_max")
    if lo is not None and hi is not None and lo > hi:
        problem("budget_max", "budget_order", min=lo, max=hi)
    if data.get("contact_email"):
        try:
            validate_email(data["contact_email"])
        except ValidationError as exc:
            problem("contact_email", "invalid", message=" ".join(str(m) for m in exc.messages))

    title = (data.get("title") or "").casefold()
    if title:
        if title in ctx.titles:
            problem("title", "duplicate_title", first=ctx.titles[title])
        else:
            ctx.titles[title] = row

    if not found:
        found.extend(_model_problems(row, data, positions))
    problems.extend(found)
    if found:
        return None
    for key in ("cooperation_note", "contact_email"):
        data[key] = data.get(key) or ""
    return ParsedRow(row=row, data=data)


_BAD = object()


def _cell(raw, column, problem):
    """The stored value of one cell, or _BAD after reporting why it cannot be stored."""
    key = column.key
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if text == "":
            return None
        if text.startswith("="):  # a formula (or text typed like one): read as text, never evaluated
            # Problems are stored in plaintext and shown on the page: a contact cell's text is not repeated.
            problem(key, "formula", value="=…" if key in PERSONAL else text[:40])
            return _BAD
        text = ESCAPED.sub("", text)
        if UNSTORABLE.search(text):
            problem(key, "bad_characters")
            return _BAD
        if len(text) > MAX_CELL_CHARS:
            problem(key, "too_long", length=len(text), limit=column.max_length or MAX_CELL_CHARS)
            return _BAD
    if column.kind == INTEGER:
        return _integer(raw, key, problem)
    if column.kind == DATE:
        return _date(raw, key, problem)
    text = _text(raw)
    if column.kind == CODE:
        code = _lookup(key).get("".join(text.split()).casefold())
        if code is None:
            problem(key, f"unknown_{key}", value=text[:40])
            return _BAD
        return code
    limit = column.max_length
    if limit and len(text) > limit:
        problem(key, "too_long", length=len(text), limit=limit)
        return _BAD
    return text


def _lookup(key: str) -> dict:
    # Built once per process and key; the taxonomy and labels never change at run time.
    cache = _lookup.__dict__.setdefault("cache", {})
    if key not in cache:
        cache[key] = code_lookup(key)
    return cache[key]


def _text(raw) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a phone number typed as a number comes back as 13800000000.0
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if raw.time() != dt.time(0) else raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return ESCAPED.sub("", str(raw).strip())


def _integer(raw, key, problem):
    value = raw
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        value = int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else None
    elif isinstance(raw, float):
        value = int(raw) if raw.is_integer() else None
    elif isinstance(raw, bool) or not isinstance(raw, int):
        value = None
    if value is None:
        problem(key, "bad_number", value=_text(raw)[:40])
        return _BAD
    if not 0 <= value <= BUDGET_MAX_WAN:
        problem(key, "number_out_of_range", limit=BUDGET_MAX_WAN)
        return _BAD
    return value


def _date(raw, key, problem):
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20_000 <= raw <= 80_000:
        return from_excel(raw).date()  # a date cell that lost its date format: an Excel serial day number
    if isinstance(raw, str):
        text = raw.strip()
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    problem(key, "bad_date", value=_text(raw)[:40])
    return _BAD


def _model_problems(row: int, data: dict, positions: dict) -> list[Problem]:
    """The model's own validators (lengths, ranges, e-mail) on the row, as the service will run them."""
    instance = Scenario(
        **{(f"{k}_id" if k in ("region", "sector", "field") else k): v for k, v in data.items()}
    )
    try:
        # Relations and constraints are checked above against the taxonomy, without a query per row.
        instance.full_clean(
            exclude=["owner", "created_by", "version", "status", "region", "sector", "field"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        out = []
        for name, errors in exc.message_dict.items():
            key = name if name in COLUMNS_BY_KEY else None
            letter = positions.get(key, (0, ""))[1] if key else ""
            out.extend(
                Problem("invalid", row=row, column=key, letter=letter, params={"message": str(m)})
                for m in errors
            )
        return out
    return []
