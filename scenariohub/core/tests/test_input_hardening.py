"""Input hardening: uploads read by content twice (signature + libmagic), stored outside the web root and
served as attachments; Excel parsing refuses XML entities and zip bombs; every writer defuses formulas."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import ValidationFailed
from scenariohub.core.spreadsheet import safe_text, xlsx_value
from scenariohub.core.tests.files import TINY_PNG
from scenariohub.core.uploads import ATTACHMENT_KINDS, PNG, libmagic_type, validate_upload
from scenariohub.exchange.reader import MAX_UNPACKED_BYTES, check_zip, read_workbook
from scenariohub.scenarios import services as scenario_services
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory


def _xlsx(**cells) -> bytes:
    wb = openpyxl.Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return out.getvalue()


# ------------------------------------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("图.png", TINY_PNG, "png"), ("说明.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "pdf"),
     ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", "jpg")],
)  # fmt: skip
def test_real_files_pass(name, content, kind):
    assert validate_upload(SimpleUploadedFile(name, content)).code == kind


def test_office_files_pass():
    assert validate_upload(SimpleUploadedFile("表.xlsx", _xlsx(A1="x"))).code == "xlsx"
    assert validate_upload(SimpleUploadedFile("文.docx", _docx())).code == "docx"


def test_libmagic_is_the_second_opinion():
    fake_png = SimpleUploadedFile("图.png", b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>")
    assert libmagic_type(fake_png) != "image/png"
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(fake_png, allowed=(PNG,))
    assert caught.value.code == "file_content_mismatch" and "图.png" in caught.value.message


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("页面.pdf", b"<!doctype html><script>alert(1)</script>", "file_type_not_allowed"),
     ("a.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "file_type_not_allowed"),
     ("图.pdf", TINY_PNG, "file_type_mismatch"),
     ("空.pdf", b"", "empty_file")],
)  # fmt: skip
def test_wrong_content_is_refused(name, content, code):
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(SimpleUploadedFile(name, content), allowed=ATTACHMENT_KINDS)
    assert caught.value.code == code


def test_size_cap(settings):
    settings.SCENARIOHUB_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(SimpleUploadedFile("大.pdf", b"%PDF-1.7\n" + b"0" * 1100))
    assert caught.value.code == "file_too_large"


def test_uploads_live_outside_the_web_root():
    media = settings.MEDIA_ROOT.resolve()
    static_roots = [settings.STATIC_ROOT.resolve(), settings.BASE_DIR.resolve() / "static"]
    assert all(media != root and root not in media.parents for root in static_roots)
    assert not settings.MEDIA_URL.startswith(settings.STATIC_URL)


@pytest.mark.django_db
def test_attachments_are_served_as_attachments_and_not_by_url(provider):
    scenario = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)
    attachment = scenario_services.scenario_attachment_add(
        actor=as_actor(provider), scenario_id=scenario.pk, uploaded=SimpleUploadedFile("图.png", TINY_PNG)
    )
    client = client_for(provider)
    response = client.get(reverse("scenarios:attachment-download", args=[scenario.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == TINY_PNG
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404


# ------------------------------------------------------------------------------------- Excel parsing


def _with_part(xlsx: bytes, part: str, content: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == part else source.read(item.filename))
    return out.getvalue()


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "doctype",
    ['<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',  # entity expansion ("billion laughs")
     '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'],  # external entity (XXE)
)  # fmt: skip
def test_xml_entities_make_the_workbook_unreadable(doctype):
    xlsx = _xlsx(A1="标题", A2="x")
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
    poisoned = sheet.replace("?>", "?>" + doctype, 1) if sheet.startswith("<?xml") else doctype + sheet
    result = read_workbook(io.BytesIO(_with_part(xlsx, "xl/worksheets/sheet1.xml", poisoned)),
                           default_region=None, forced_region=None)  # fmt: skip
    assert [p.code for p in result.problems] == ["unreadable"] and result.rows == []
    assert "root:" not in repr(result)


def test_zip_bomb_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        # Highly compressible: a few hundred kB on disk, more than the limit unpacked.
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < 2 * 1024 * 1024
    assert check_zip(io.BytesIO(out.getvalue())).code == "too_big_unpacked"


def test_a_member_lying_about_its_size_is_not_read_past_it():
    # The limit is on the sizes the archive declares; Python's zipfile stops at the declared size, so a
    # member that declares 100 bytes cannot unpack to 10 MB behind the check's back.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"A" * 10_000_000)
    data = bytearray(out.getvalue())
    central = data.find(b"PK\x01\x02")
    data[22:26] = (100).to_bytes(4, "little")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    with pytest.raises(zipfile.BadZipFile), archive.open("a.xml") as member:
        assert len(member.read(200)) <= 100
        member.read()


# ---------------------------------------------------------------------------------- formula injection


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']
)
def test_formula_starts_get_an_apostrophe(value):
    assert safe_text(value) == "'" + value
    assert xlsx_value(value).startswith("'")


def test_other_values_are_left_alone():
    assert [safe_text(v) for v in ("标题", "a=b", 5, -3, None, "")] == ["标题", "a=b", 5, -3, None, ""]


HOSTILE = ['=HYPERLINK("http://evil","点我")', "@SUM(1)", "+1", "-2+3"]


@pytest.mark.django_db
def test_every_export_defuses_formulas(office, provider):
    from scenariohub.plans import services as plan_services

    for title in HOSTILE:
        ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, published_year=2026, title=title,
                        cooperation_note=title)  # fmt: skip
    plan_services.plan_compile(actor=as_actor(office), year=2026)
    plan_services.plan_confirm(actor=as_actor(office), year=2026)
    client = client_for(office)
    texts = []
    for url in (
        reverse("exchange:export-xlsx"),
        reverse("plans:plan-export", args=[2026, "xlsx"]) + "?version=1",
    ):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        for ws in openpyxl.load_workbook(io.BytesIO(content)).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    for url in (
        reverse("exchange:export-csv"),
        reverse("plans:plan-export", args=[2026, "csv"]) + "?version=1",
    ):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        texts.extend(v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for v in row)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert sum(t == "'" + title for t in texts for title in HOSTILE) >= 4 * len(HOSTILE)  # titles in all four
