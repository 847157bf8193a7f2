"""Upload validation by content, not by name.

The allowed formats are few (pdf, docx, xlsx, png, jpg), so their signatures are checked directly;
OOXML files are zip archives, told apart by the part that only a Word or Excel file has. Then libmagic
(the `file` command's database, through python-magic) must agree: a second, independent reading of the
content, which refuses what merely starts with the right bytes (a PNG signature followed by anything but
a PNG, an HTML page behind a PDF header that libmagic reads otherwise).

Files that pass are stored under MEDIA_ROOT, outside the static root, never served by URL; views check
access and send them as attachments (Content-Disposition: attachment, nosniff).
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from scenariohub.core.errors import ValidationFailed


@dataclass(frozen=True)
class FileKind:
    code: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("pdf", (".pdf",), "application/pdf")
PNG = FileKind("png", (".png",), "image/png")
JPEG = FileKind("jpg", (".jpg", ".jpeg"), "image/jpeg")
DOCX = FileKind("docx", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ATTACHMENT_KINDS = (PDF, DOCX, XLSX, PNG, JPEG)
# What libmagic may call each kind. OOXML written by some tools starts with a part libmagic does not
# look for and is reported as a plain zip; the zip's parts were already checked by sniff_kind.
MAGIC_TYPES = {
    PDF.code: {"application/pdf"},
    PNG.code: {"image/png"},
    JPEG.code: {"image/jpeg"},
    DOCX.code: {DOCX.content_type, "application/zip"},
    XLSX.code: {XLSX.content_type, "application/zip"},
}
MAGIC_READ_BYTES = 256 * 1024  # libmagic reads the start of a file; enough for every rule it applies here


def libmagic_type(uploaded) -> str:
    """The MIME type libmagic reads from the file's first bytes."""
    import magic  # python-magic; needs the system's libmagic (checked at start-up: scenariohub.E003)

    uploaded.seek(0)
    head = uploaded.read(MAGIC_READ_BYTES)
    uploaded.seek(0)
    return magic.from_buffer(head, mime=True)


def sniff_kind(uploaded) -> FileKind | None:
    """Return the kind whose signature the file's bytes carry, or None."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def validate_upload(
    uploaded, *, allowed: tuple[FileKind, ...] = ATTACHMENT_KINDS, max_bytes: int | None = None
) -> FileKind:
    """Check size, content signature and that the name's extension agrees with the content."""
    max_bytes = max_bytes or settings.SCENARIOHUB_UPLOAD_MAX_BYTES
    name = (uploaded.name or "").lower()
    if uploaded.size == 0:
        raise ValidationFailed(_("The file %(name)s is empty.") % {"name": uploaded.name}, code="empty_file")
    if uploaded.size > max_bytes:
        raise ValidationFailed(
            _("The file %(name)s is larger than %(mb)d MB.")
            % {"name": uploaded.name, "mb": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    kind = sniff_kind(uploaded)
    allowed_names = ", ".join(k.code for k in allowed)
    if kind is None or kind not in allowed:
        raise ValidationFailed(
            _("The content of %(name)s is not an allowed file type (%(types)s).")
            % {"name": uploaded.name, "types": allowed_names},
            code="file_type_not_allowed",
        )
    if not name.endswith(kind.extensions):
        raise ValidationFailed(
            _("The file %(name)s is named like another type than its content (%(kind)s).")
            % {"name": uploaded.name, "kind": kind.code},
            code="file_type_mismatch",
        )
    if libmagic_type(uploaded) not in MAGIC_TYPES[kind.code]:
        raise ValidationFailed(
            _("The content of %(name)s is damaged or not really a %(kind)s file.")
            % {"name": uploaded.name, "kind": kind.code},
            code="file_content_mismatch",
        )
    return kind


_CONTENT_TYPES = {kind.code: kind.content_type for kind in ATTACHMENT_KINDS}


def attachment_response(attachment) -> FileResponse | None:
    """An attachment row's stored file as a download with the type its content was checked as and
    `nosniff`; None when the file is gone from storage (the row outlived it), for the caller's own 404."""
    try:
        handle = attachment.file.open("rb")
    except OSError:
        return None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=_CONTENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
