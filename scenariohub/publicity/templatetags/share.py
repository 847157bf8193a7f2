"""``{% load share %}{% share_meta title=… description=… image=… %}`` in a page's ``head`` block.

Open Graph and Twitter card tags, so that a link pasted into WeChat, Weibo or a newsroom's tools shows a
proper title, a short description and a preview image. URLs are made absolute from the request (or from
SCENARIOHUB_SITE_URL when set, so links built behind a proxy point at the public address); a page without
an image of its own gets the platform's default card.
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.text import Truncator

from scenariohub.core.sanitize import plain_text

register = template.Library()

DESCRIPTION_CHARS = 120
DEFAULT_IMAGE = "publicity/share-card.png"


def absolute(request, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    base = (getattr(settings, "SCENARIOHUB_SITE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


@register.inclusion_tag("publicity/_share_meta.html", takes_context=True)
def share_meta(context, *, title: str, description: str = "", image: str = "", kind: str = "article"):
    request = context.get("request")
    text = " ".join(plain_text(description or "").split())
    return {
        "title": title,
        "description": Truncator(text).chars(DESCRIPTION_CHARS),
        "image": absolute(request, image or static(DEFAULT_IMAGE)),
        "url": absolute(request, request.path) if request is not None else "",
        "kind": kind,
        "has_own_image": bool(image),
    }
