"""Upload validation by content, not by name.

The allowed formats are few (pdf, docx, xlsx, png, jpg), so their signatures are checked directly;
OOXML files are zip archives, told apart by the part that only a Word or Excel file has.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
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


def validate_upload(uploaded, *, allowed: tuple[FileKind, ...] = ATTACHMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """Check size, content signature and that the name's extension agrees with the content."""
    max_bytes = max_bytes or settings.SCENARIOHUB_UPLOAD_MAX_BYTES
    name = (uploaded.name or "").lower()
    if uploaded.size == 0:
        raise ValidationFailed(_("The file %(name)s is empty.") % {"name": uploaded.name}, code="empty_file")
    if uploaded.size > max_bytes:
        raise ValidationFailed(
            _("The file %(name)s is larger than %(mb)d MB.") % {"name": uploaded.name, "mb": max_bytes // (1024 * 1024)},
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
    return kind
