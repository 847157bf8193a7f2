"""Images on public pages (news covers, case photos): checked by content, served by a view.

Uploads are never served by URL directly (settings.MEDIA_URL); the views that show an image first check
that the reader may see the object it belongs to, then stream it with the type its content was sniffed as.
"""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from scenariohub.core.uploads import JPEG, PNG, FileKind, validate_upload

IMAGE_KINDS: tuple[FileKind, ...] = (PNG, JPEG)
IMAGE_MAX_BYTES = 5 * 1024 * 1024
_CONTENT_TYPES = {k.code: k.content_type for k in IMAGE_KINDS}


def validate_image(uploaded) -> FileKind:
    """PNG or JPEG by signature, at most 5 MB, named like what it is (ValidationFailed otherwise)."""
    return validate_upload(uploaded, allowed=IMAGE_KINDS, max_bytes=IMAGE_MAX_BYTES)


def image_response(file, kind: str) -> FileResponse:
    """Stream a stored image inline; a row whose file is gone answers 404."""
    if not file or kind not in _CONTENT_TYPES:
        raise Http404(_("Image not found."))
    try:
        handle = file.open("rb")
    except OSError:
        raise Http404(_("Image not found.")) from None
    response = FileResponse(handle, content_type=_CONTENT_TYPES[kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
