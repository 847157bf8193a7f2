"""Rich text sanitising: the one place user-supplied HTML is cleaned before it is stored or shown.

Built on nh3 (the Rust ammonia sanitiser): an allow-list of tags and attributes, everything else is
dropped. Scripts, styles, event handlers and ``javascript:`` URLs never survive, so sanitised HTML can be
marked safe in templates while the strict Content Security Policy stays on as a second line of defence.

Use ``sanitize_html`` when storing (services), ``rich_text`` when rendering (templates:
``{% load rich_text %}{{ item.body|rich_text }}``), and ``plain_text`` for a tag-free excerpt.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe

# What an editor of news items, notices and descriptions needs; no images, iframes, forms or styles
# (images from anywhere would leak readers' IPs and break on the closed government network).
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
        "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "a", "abbr", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Their content goes too, not only the tag: the text of a script is not something to show.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "template", "iframe", "object", "embed"})


def sanitize_html(value: str | None) -> str:
    """Return ``value`` with everything outside the allow-list removed (tags, attributes, URL schemes)."""
    if not value:
        return ""
    return nh3.clean(
        str(value),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def rich_text(value: str | None) -> SafeString:
    """Sanitise and mark safe for a template; safe even if the stored value was never cleaned."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - nh3 output is the allow-listed subset


def plain_text(value: str | None) -> str:
    """The text of an HTML fragment without any markup (for excerpts, search indexing, e-mail subjects).

    Plain text, not HTML: entities are decoded (``&lt;`` becomes ``<``), so it is escaped like any other
    text when rendered (Django's autoescaping does that) and never marked safe.
    """
    if not value:
        return ""
    return html.unescape(nh3.clean(str(value), tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT)))
