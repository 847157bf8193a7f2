"""The tracking sheet a city keeps: downloaded pre-filled with its region's cooperations and milestones,
filled in offline, uploaded back to update many cooperations at once.

Two sheets. “合作进度” (one row per cooperation): the city types the progress now (%), the date and a
note, which become a progress report. “里程碑” (one row per milestone): the city types the actual date of
a milestone reached. Other columns are for reading and are ignored on upload.

Reading reuses the import machinery of `scenariohub.exchange` (zip bomb check, read-only openpyxl, dates
in the usual Chinese spellings, formulas refused, problems as codes with parameters worded when shown);
writing reuses its formula-safe cells. The upload is all-or-nothing: any blocking problem and nothing is
written; a confirmed upload is applied in one transaction through the same services as the forms.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from scenariohub.core.services import audit_record
from scenariohub.core.uploads import XLSX, validate_upload
from scenariohub.exchange.columns import OFFICIAL_LANGUAGE
from scenariohub.exchange.reader import ESCAPED, MAX_ROWS, UNSTORABLE, Problem, check_zip
from scenariohub.exchange.reader import _date as parse_date_cell
from scenariohub.exchange.writers import HEADER_FONT, safe_text
from scenariohub.tracking.models import (
    ACTIVE_STATUSES,
    Cooperation,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    SheetUpload,
)

EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells a city fills in are yellow


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy
    width: int = 14
    editable: bool = False


PROGRESS_COLUMNS = (
    Column("cooperation", gettext_lazy("Cooperation no."), 10),
    Column("scenario", gettext_lazy("Scenario"), 36),
    Column("supplier", gettext_lazy("Supplier"), 24),
    Column("status", gettext_lazy("Status"), 10),
    Column("last_percent", gettext_lazy("Last reported (%)"), 12),
    Column("percent", gettext_lazy("Progress now (%)"), 12, True),
    Column("reported_on", gettext_lazy("Report date"), 12, True),
    Column("note", gettext_lazy("Progress note"), 48, True),
)
MILESTONE_COLUMNS = (
    Column("milestone", gettext_lazy("Milestone no."), 10),
    Column("cooperation", gettext_lazy("Cooperation no."), 10),
    Column("scenario", gettext_lazy("Scenario"), 36),
    Column("title", gettext_lazy("Milestone"), 30),
    Column("planned_on", gettext_lazy("Planned date"), 12),
    Column("done_on", gettext_lazy("Actual date"), 12, True),
)
PROGRESS = "progress"
MILESTONES = "milestones"
SHEETS = {
    PROGRESS: (gettext_lazy("Cooperation progress"), PROGRESS_COLUMNS),
    MILESTONES: (gettext_lazy("Milestones"), MILESTONE_COLUMNS),
}
REQUIRED = {PROGRESS: ("cooperation", "percent", "reported_on", "note"), MILESTONES: ("milestone", "done_on")}
NOTE_MAX = 4000

MESSAGES = {
    "unreadable": gettext_lazy(
        "The file could not be read as an Excel workbook (.xlsx). Save it again from Excel or WPS as "
        "“Excel Workbook (*.xlsx)” and upload it again."
    ),
    "too_big_unpacked": gettext_lazy("The workbook unpacks to more than %(limit)d MB; it is refused."),
    "missing_sheet": gettext_lazy("The sheet “%(sheet)s” is missing; download the tracking sheet again."),
    "missing_column": gettext_lazy("The column “%(label)s” is missing from the header row."),
    "too_many_rows": gettext_lazy("The sheet has more than %(limit)d rows."),
    "nothing_to_apply": gettext_lazy("No progress or actual date was filled in: there is nothing to update."),
    "required": gettext_lazy("This cell is empty but is needed here."),
    "bad_number": gettext_lazy("“%(value)s” is not a whole number."),
    "percent_range": gettext_lazy("The progress must be between 0 and 100."),
    "bad_date": gettext_lazy("“%(value)s” is not a date. Write it like 2026-06-30."),
    "future_date": gettext_lazy("The date %(value)s is in the future."),
    "before_signing": gettext_lazy("The date is before the agreement was signed (%(value)s)."),
    "formula": gettext_lazy("The cell holds a formula (“%(value)s”); type the value itself."),
    "bad_characters": gettext_lazy("The cell holds characters that cannot be stored."),
    "too_long": gettext_lazy("The text is too long: %(length)d characters, at most %(limit)d."),
    "unknown_cooperation": gettext_lazy("There is no cooperation no. %(value)s in your region."),
    "unknown_milestone": gettext_lazy("There is no milestone no. %(value)s in your region."),
    "not_active": gettext_lazy(
        "Cooperation no. %(value)s is %(status)s: progress can no longer be reported."
    ),
    "duplicate": gettext_lazy("The same number is already used in row %(first)d of this sheet."),
    "already_done": gettext_lazy("This milestone was already reached on %(value)s."),
    "rejected": gettext_lazy("%(message)s"),
}


def problem_where(problem: dict) -> str:
    """“Sheet 进度, row 5, column F (Progress now (%))”, in the reader's language."""
    params = problem.get("params") or {}
    sheet_key = params.get("sheet")
    if not sheet_key:
        return _("Whole file")
    title, columns = SHEETS[sheet_key]
    labels = {c.key: str(c.label) for c in columns}
    if problem.get("row") and problem.get("column"):
        return _("Sheet “%(sheet)s”, row %(row)d, column %(letter)s (%(label)s)") % {
            "sheet": title,
            "row": problem["row"],
            "letter": problem.get("letter") or "?",
            "label": labels.get(problem["column"], problem["column"]),
        }
    if problem.get("row"):
        return _("Sheet “%(sheet)s”, row %(row)d") % {"sheet": title, "row": problem["row"]}
    return _("Sheet “%(sheet)s”") % {"sheet": title}


def problem_message(problem: dict) -> str:
    params = dict(problem.get("params") or {})
    if "label" in params and params.get("sheet"):
        labels = {c.key: str(c.label) for c in SHEETS[params["sheet"]][1]}
        params["label"] = labels.get(params["label"], params["label"])
    if "sheet" in params:
        params["sheet"] = str(SHEETS[params["sheet"]][0]) if params["sheet"] in SHEETS else params["sheet"]
    try:
        return str(MESSAGES.get(problem["code"], MESSAGES["rejected"])) % params
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES.get(problem["code"], problem["code"]))


def rendered(problem: dict) -> dict:
    return {**problem, "where": problem_where(problem), "message": problem_message(problem)}


# ------------------------------------------------------------------------------------------ download


def _region_cooperations(region_id: str):
    return (
        Cooperation.objects.filter(scenario__region_id=region_id, status__in=ACTIVE_STATUSES)
        .select_related("scenario", "supplier")
        .order_by("pk")
    )


def sheet_xlsx(*, actor: Actor) -> bytes:
    """The tracking sheet of the city's region, pre-filled (cities only)."""
    _require_city(actor)
    cooperations = list(_region_cooperations(actor.region_id))
    last = {}
    for report in ProgressReport.objects.filter(cooperation__in=cooperations).order_by("reported_on", "id"):
        last[report.cooperation_id] = report.percent_complete
    with translation.override(OFFICIAL_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = str(SHEETS[PROGRESS][0])
        _header(ws, PROGRESS_COLUMNS)
        for c in cooperations:
            ws.append(
                [
                    c.pk,
                    safe_text(c.scenario.title),
                    safe_text(c.supplier.name),
                    str(c.get_status_display()),
                    last.get(c.pk),
                    None,
                    None,
                    None,
                ]
            )
        ms = wb.create_sheet(str(SHEETS[MILESTONES][0]))
        _header(ms, MILESTONE_COLUMNS)
        milestones = Milestone.objects.filter(cooperation__in=cooperations).exclude(
            status=MilestoneStatus.DONE
        )
        titles = {c.pk: c.scenario.title for c in cooperations}
        for m in milestones.order_by("cooperation_id", "planned_on", "pk"):
            ms.append(
                [
                    m.pk,
                    m.cooperation_id,
                    safe_text(titles[m.cooperation_id]),
                    safe_text(m.title),
                    m.planned_on,
                    None,
                ]
            )
            ms.cell(ms.max_row, 5).number_format = "yyyy-mm-dd"
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def _header(ws, columns) -> None:
    ws.append([str(c.label) for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(1, index)
        cell.font = HEADER_FONT
        if column.editable:
            cell.fill = EDITABLE_FILL
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def _require_city(actor: Actor) -> None:
    if actor.role != Role.CITY or not actor.region_id:
        raise PermissionDenied(_("The tracking sheet is kept by the city lead departments."))


# ------------------------------------------------------------------------------------------- upload


@dataclass
class Parsed:
    changes: list[dict]
    problems: list[Problem]


def parse_sheet(fileobj, *, region_id: str, today: dt.date) -> Parsed:
    """Read an uploaded tracking sheet into changes and problems, without writing anything."""
    parsed = Parsed([], [])
    problem = check_zip(fileobj)
    if problem:
        parsed.problems.append(problem)
        return parsed
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        parsed.problems.append(Problem("unreadable"))
        return parsed
    try:
        titles = _sheet_titles()
        by_title = {ws.title.strip(): ws for ws in wb.worksheets}
        context = _Context(region_id=region_id, today=today)
        for key in (PROGRESS, MILESTONES):
            ws = by_title.get(titles[key])
            if ws is None:
                parsed.problems.append(Problem("missing_sheet", params={"sheet": key}))
                continue
            _read(ws, key, context, parsed)
    except Exception:  # noqa: BLE001 - a broken sheet XML surfaces while iterating
        parsed.changes.clear()
        parsed.problems.append(Problem("unreadable"))
    finally:
        wb.close()
    if not parsed.problems and not parsed.changes:
        parsed.problems.append(Problem("nothing_to_apply"))
    return parsed


def _sheet_titles() -> dict[str, str]:
    with translation.override(OFFICIAL_LANGUAGE):
        return {key: str(title) for key, (title, _cols) in SHEETS.items()}


@dataclass
class _Context:
    region_id: str
    today: dt.date

    def __post_init__(self):
        self.cooperations = {
            c.pk: c
            for c in Cooperation.objects.filter(scenario__region_id=self.region_id).select_related("scenario")
        }
        self.milestones = {
            m.pk: m for m in Milestone.objects.filter(cooperation__scenario__region_id=self.region_id)
        }


def _read(ws, key: str, ctx: _Context, parsed: Parsed) -> None:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    with translation.override(OFFICIAL_LANGUAGE):
        labels = {str(c.label): c.key for c in SHEETS[key][1]}
    positions: dict[str, tuple[int, str]] = {}
    for index, text in enumerate(header):
        column = labels.get(str(text or "").strip())
        if column and column not in positions:
            positions[column] = (index, get_column_letter(index + 1))
    missing = [c for c in REQUIRED[key] if c not in positions]
    for column in missing:
        parsed.problems.append(
            Problem("missing_column", row=1, column=column, params={"sheet": key, "label": column})
        )
    if missing:
        return
    seen: dict[int, int] = {}
    row_number, count = 1, 0
    for values in rows:
        row_number += 1
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.problems.append(Problem("too_many_rows", params={"sheet": key, "limit": MAX_ROWS}))
            return
        reader = _Row(key, row_number, values, positions, parsed.problems)
        if key == PROGRESS:
            change = _progress_row(reader, ctx, seen)
        else:
            change = _milestone_row(reader, ctx, seen)
        if change and not reader.found:
            parsed.changes.append(change)


class _Row:
    def __init__(self, sheet: str, row: int, values: tuple, positions: dict, problems: list[Problem]):
        self.sheet, self.row, self.values, self.positions, self.problems = (
            sheet,
            row,
            values,
            positions,
            problems,
        )
        self.found = False

    def problem(self, column: str | None, code: str, **params) -> None:
        self.found = True
        letter = self.positions.get(column, (0, ""))[1] if column else ""
        self.problems.append(
            Problem(code, row=self.row, column=column, letter=letter, params={"sheet": self.sheet, **params})
        )

    def raw(self, column: str):
        index = self.positions[column][0]
        value = self.values[index] if index < len(self.values) else None
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
        return value

    def text(self, column: str, *, limit: int) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, str):
            if value.startswith("="):
                self.problem(column, "formula", value=value[:40])
                return None
            value = ESCAPED.sub("", value)
            if UNSTORABLE.search(value):
                self.problem(column, "bad_characters")
                return None
        value = str(value)
        if len(value) > limit:
            self.problem(column, "too_long", length=len(value), limit=limit)
            return None
        return value

    def number(self, column: str) -> int | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, float):
            value = int(value) if value.is_integer() else None
        elif isinstance(value, str):
            text = value.replace("%", "").strip()
            value = int(text) if text.isascii() and text.isdigit() else None
        if not isinstance(value, int):
            self.problem(column, "bad_number", value=str(self.raw(column))[:40])
            return None
        return value

    def date(self, column: str, today: dt.date) -> dt.date | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, str) and value.startswith("="):
            self.problem(column, "formula", value=value[:40])
            return None

        def report(key, code, **params):
            self.problem(key, code, **params)

        parsed = parse_date_cell(value, column, report)
        if not isinstance(parsed, dt.date):
            return None
        if parsed > today:
            self.problem(column, "future_date", value=parsed.isoformat())
            return None
        return parsed


def _duplicate(reader: _Row, column: str, number: int, seen: dict) -> bool:
    if number in seen:
        reader.problem(column, "duplicate", first=seen[number])
        return True
    seen[number] = reader.row
    return False


def _progress_row(reader: _Row, ctx: _Context, seen: dict) -> dict | None:
    number = reader.number("cooperation")
    percent = reader.number("percent")
    reported_on = reader.date("reported_on", ctx.today)
    note = reader.text("note", limit=NOTE_MAX)
    if number is None:
        if not reader.found:
            reader.problem("cooperation", "required")
        return None
    if _duplicate(reader, "cooperation", number, seen):
        return None
    cooperation = ctx.cooperations.get(number)
    if cooperation is None:
        reader.problem("cooperation", "unknown_cooperation", value=number)
        return None
    filled = reader.raw("percent") is not None or reader.raw("note") is not None or reader.raw("reported_on")
    if not filled:
        return None  # a row the city left as it was
    if cooperation.status not in ACTIVE_STATUSES:
        reader.problem(
            "cooperation", "not_active", value=number, status=str(cooperation.get_status_display())
        )
        return None
    if percent is not None and not 0 <= percent <= 100:
        reader.problem("percent", "percent_range")
    if reader.raw("percent") is None:
        reader.problem("percent", "required")
    if reader.raw("note") is None:
        reader.problem("note", "required")
    if reported_on and reported_on < cooperation.signed_on:
        reader.problem("reported_on", "before_signing", value=cooperation.signed_on.isoformat())
    if reader.found:
        return None
    return {
        "kind": PROGRESS,
        "row": reader.row,
        "cooperation": number,
        "percent": percent,
        "reported_on": (reported_on or ctx.today).isoformat(),
        "text": note,
        "scenario": cooperation.scenario.title,
    }


def _milestone_row(reader: _Row, ctx: _Context, seen: dict) -> dict | None:
    number = reader.number("milestone")
    done_on = reader.date("done_on", ctx.today)
    if number is None:
        if not reader.found:
            reader.problem("milestone", "required")
        return None
    if _duplicate(reader, "milestone", number, seen):
        return None
    milestone = ctx.milestones.get(number)
    if milestone is None:
        reader.problem("milestone", "unknown_milestone", value=number)
        return None
    if reader.raw("done_on") is None or reader.found:
        return None
    cooperation = ctx.cooperations[milestone.cooperation_id]
    if milestone.status == MilestoneStatus.DONE:
        if milestone.done_on != done_on:
            reader.problem("done_on", "already_done", value=milestone.done_on.isoformat())
        return None
    if cooperation.status not in ACTIVE_STATUSES:
        reader.problem(
            "milestone", "not_active", value=cooperation.pk, status=str(cooperation.get_status_display())
        )
        return None
    if done_on < cooperation.signed_on:
        reader.problem("done_on", "before_signing", value=cooperation.signed_on.isoformat())
        return None
    return {
        "kind": MILESTONES,
        "row": reader.row,
        "milestone": number,
        "cooperation": cooperation.pk,
        "title": milestone.title,
        "done_on": done_on.isoformat(),
    }


# ----------------------------------------------------------------------------------------- services


def sheet_upload_create(*, actor: Actor, uploaded, now: dt.datetime | None = None) -> SheetUpload:
    """Check and read an uploaded sheet and keep it for the preview; nothing else is written."""
    _require_city(actor)
    validate_upload(uploaded, allowed=(XLSX,))
    now = now or timezone.now()
    parsed = parse_sheet(uploaded, region_id=actor.region_id, today=timezone.localdate(now))
    uploaded.seek(0)
    with transaction.atomic():
        upload = SheetUpload(
            organisation=actor.organisation,
            uploaded_by=actor.user,
            region_id=actor.region_id,
            original_name=uploaded.name[-200:],
            changes=parsed.changes,
            problems=[p.as_json() for p in parsed.problems],
        )
        upload.file.save(uploaded.name, uploaded, save=False)
        upload.save()
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="tracking_sheet.upload",
            obj=upload,
            data={"changes": len(parsed.changes), "problems": len(parsed.problems)},
            ip_address=actor.ip_address,
        )
    return upload


def sheet_upload_get_for_actor(*, actor: Actor, pk: int) -> SheetUpload:
    upload = SheetUpload.objects.filter(pk=pk, organisation_id=actor.organisation_id).first()
    if upload is None or actor.organisation_id is None:
        raise NotFound(_("Upload not found."))
    return upload


def sheet_upload_apply(*, actor: Actor, upload_id: int, now: dt.datetime | None = None) -> SheetUpload:
    """Write every change of a previewed upload in one transaction, or none: a change refused now (the
    cooperation moved on since the preview) rolls everything back and is reported by row."""
    _require_city(actor)
    now = now or timezone.now()
    upload = sheet_upload_get_for_actor(actor=actor, pk=upload_id)
    if upload.problems:
        raise ValidationFailed(
            _("The sheet has errors; fix them and upload it again."), code="sheet_has_errors"
        )
    try:
        with transaction.atomic():
            if SheetUpload.objects.filter(pk=upload.pk, applied_at__isnull=True).update(applied_at=now) != 1:
                raise InvalidTransition(_("This upload has already been applied."), code="already_applied")
            for change in upload.changes:
                try:
                    _apply(actor, change, now)
                except (ValidationFailed, InvalidTransition, PermissionDenied, NotFound) as exc:
                    raise _Rejected(change, exc) from None
            audit_record(
                actor=actor.user,
                organisation=actor.organisation,
                action="tracking_sheet.apply",
                obj=upload,
                data={"changes": len(upload.changes)},
                ip_address=actor.ip_address,
            )
    except _Rejected as rejected:
        message = rejected.exc.message
        if rejected.exc.details:
            message += " " + " ".join(str(m) for msgs in rejected.exc.details.values() for m in msgs)
        problem = Problem(
            "rejected",
            row=rejected.change["row"],
            params={"sheet": rejected.change["kind"], "message": message},
        )
        SheetUpload.objects.filter(pk=upload.pk).update(problems=[problem.as_json()])
        upload.refresh_from_db()
        return upload
    upload.refresh_from_db()
    return upload


class _Rejected(Exception):
    def __init__(self, change: dict, exc: DomainError):
        super().__init__(exc.message)
        self.change, self.exc = change, exc


def _apply(actor: Actor, change: dict, now: dt.datetime) -> None:
    from scenariohub.tracking import services

    if change["kind"] == PROGRESS:
        services.progress_report_create(
            actor=actor,
            cooperation_id=change["cooperation"],
            now=now,
            via_sheet=True,
            data={
                "percent_complete": change["percent"],
                "reported_on": change["reported_on"],
                "text": change["text"],
            },
        )
    else:
        services.milestone_complete(
            actor=actor, milestone_id=change["milestone"], done_on=change["done_on"], now=now, via_sheet=True
        )
