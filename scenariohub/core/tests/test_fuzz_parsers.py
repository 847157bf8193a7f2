"""Fuzzing the two parsers that read what strangers upload: the Excel import reader and upload validation.

A crash is any exception other than the documented outcome: `read_workbook` always returns a ParseResult
(problems by row and column, never an exception), and `validate_upload` returns a FileKind or raises
ValidationFailed. Hypothesis drives structured inputs (workbooks with random headers and cells of every
type) and byte-level damage to real files (flipped, cut and spliced bytes, broken XML inside the zip).

Fixed seed and count. `make test` runs a short version; `make fuzz` a long one:
    FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest scenariohub/core/tests/test_fuzz_parsers.py
"""

import datetime as dt
import io
import os
import re
import zipfile

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scenariohub.core.errors import ValidationFailed
from scenariohub.core.uploads import ATTACHMENT_KINDS, validate_upload
from scenariohub.exchange import reader
from scenariohub.exchange.columns import COLUMNS, headers
from scenariohub.exchange.reader import ParseResult
from scenariohub.exchange.tests.helpers import good_row, workbook_bytes

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SEED = int(os.environ.get("FUZZ_SEED", "20251203"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ------------------------------------------------------------------------------------------ workbooks

_values = list(good_row(1).values())
cell = st.one_of(
    st.none(),
    st.sampled_from([v for v in _values if v not in ("", None)]),
    st.text(max_size=60).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.sampled_from(
        ["=1+1", "'=SUM(A1)", "+86 138", "-1", "@x", "2030-06-30", "2030年6月30日", "  ", "五十"]
    ),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.text(min_size=1001, max_size=1200),
).map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)  # what a worksheet can hold
header_cell = st.one_of(
    st.sampled_from(headers() + [c.key for c in COLUMNS]), st.text(max_size=20), st.none()
)


def _workbook(header: list, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", h) if isinstance(h, str) else h for h in header])
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(content: bytes, **regions) -> ParseResult:
    result = reader.read_workbook(
        io.BytesIO(content), default_region=regions.get("default"), forced_region=regions.get("forced")
    )
    assert isinstance(result, ParseResult)
    rows = {r.row for r in result.rows}
    for problem in result.problems:
        assert problem.row not in rows, "a row with a problem is never also a clean row"
    return result


@seed(SEED)
@FUZZ
@given(
    header=st.one_of(
        st.just(headers()),
        st.permutations(headers()),
        st.lists(header_cell, min_size=0, max_size=reader.MAX_COLUMNS + 3),
    ),
    rows=st.lists(st.lists(cell, max_size=len(COLUMNS) + 2), max_size=12),
    forced=st.sampled_from([None, "510100", "999999"]),
)
def test_reader_survives_any_workbook(header, rows, forced):
    _read(_workbook(header, rows), forced=forced, default="510700")


@seed(SEED)
@FUZZ
@given(row=st.fixed_dictionaries({c.key: cell for c in COLUMNS}))
def test_reader_survives_any_cell_under_the_template_headers(row):
    result = _read(workbook_bytes([row]))
    for parsed in result.rows:  # what passes is storable: the lengths the model allows
        for key, value in parsed.data.items():
            column = next(c for c in COLUMNS if c.key == key)
            if isinstance(value, str) and column.max_length:
                assert len(value) <= column.max_length, key


_GOOD_XLSX = None


def good_xlsx() -> bytes:
    global _GOOD_XLSX  # noqa: PLW0603 - built once, after the database (reference data) is reachable
    if _GOOD_XLSX is None:
        _GOOD_XLSX = workbook_bytes([good_row(1), good_row(2)])
    return _GOOD_XLSX


damage = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "zero"]),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=6,
)


def _damaged(content: bytes, steps) -> bytes:
    data = bytearray(content)
    for op, where, blob in steps:
        at = int(where * max(len(data) - 1, 0))
        if op == "flip":
            data[at : at + len(blob)] = bytes(
                b ^ x for b, x in zip(data[at : at + len(blob)], blob, strict=False)
            )
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = blob
        else:
            data[at : at + len(blob)] = bytes(len(blob))
    return bytes(data)


@seed(SEED)
@FUZZ
@given(steps=damage)
def test_reader_survives_damaged_bytes(steps):
    _read(_damaged(good_xlsx(), steps), default="510100")


@seed(SEED)
@FUZZ
@given(
    member=st.sampled_from(
        ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml"]
    ),
    steps=damage,
    xml_noise=st.sampled_from(
        [
            b"",
            b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
            b"<!ENTITY % p SYSTEM 'file:///etc/passwd'>",
            b"&a;&a;",
            b"\xff\xfe",
        ]
    ),
)
def test_reader_survives_broken_xml_inside_the_zip(member, steps, xml_noise):
    source = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                data = xml_noise + _damaged(data, steps)
            target.writestr(info.filename, data)
    _read(out.getvalue(), default="510100")


# ------------------------------------------------------------------------------------------- uploads

SIGNATURES = [b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"PK\x05\x06", b"GIF89a", b""]
NAMES = st.one_of(
    st.sampled_from(
        ["a.pdf", "b.PNG", "c.jpeg", "d.jpg", "e.docx", "f.xlsx", "g.exe", "h", ".pdf", "方案.pdf"]
    ),
    st.text(max_size=40),
)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name.split("\x00")[0].strip("/") or "x", data)  # names zipfile can write
    return out.getvalue()


zips = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                ["[Content_Types].xml", "word/document.xml", "xl/workbook.xml", "../../etc/x", "a/"]
            ),
            st.text(min_size=1, max_size=20),
        ),
        st.binary(max_size=64),
    ),
    max_size=5,
).map(_zip)
upload_bytes = st.one_of(
    st.tuples(st.sampled_from(SIGNATURES), st.binary(max_size=2048)).map(lambda t: t[0] + t[1]),
    zips,
    st.tuples(zips, damage).map(lambda t: _damaged(*t)),
)


@seed(SEED)
@FUZZ
@given(content=upload_bytes, name=NAMES, max_bytes=st.sampled_from([None, 1, 100, 10_000]))
def test_upload_validation_accepts_or_refuses_never_crashes(content, name, max_bytes):
    try:
        uploaded = SimpleUploadedFile(name or "x", content)
    except SuspiciousFileOperation:
        assume(False)  # a name like "/" or "..": Django refuses it before any of our code could see it
    try:
        kind = validate_upload(uploaded, max_bytes=max_bytes)
    except ValidationFailed as exc:
        assert exc.code in {
            "empty_file",
            "file_too_large",
            "file_type_not_allowed",
            "file_type_mismatch",
            "file_content_mismatch",
        }
        return
    # Accepted: the content carries the kind's signature and the name its extension.
    assert kind in ATTACHMENT_KINDS
    assert (uploaded.name or "").lower().endswith(kind.extensions)
    assert len(content) <= (max_bytes or 20 * 1024 * 1024)
    assert re.match(rb"%PDF-|\x89PNG|\xff\xd8\xff|PK\x03\x04", content)
    assert uploaded.tell() == 0, "the file is left at its start for whoever saves it"
