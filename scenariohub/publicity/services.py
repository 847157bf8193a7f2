"""Writes to news items. Only the provincial office writes; the body is sanitised here, before storage."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.sanitize import plain_text, sanitize_html
from scenariohub.core.services import audit_record
from scenariohub.publicity.images import validate_image
from scenariohub.publicity.models import NewsItem
from scenariohub.reference import selectors as ref

FIELDS = ("title", "summary", "body", "region", "published")
LIMITS = {"title": 120, "summary": 300, "body": 50_000}


def _require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office writes news."))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Trim, sanitise and check; every problem at once, by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in ("title", "summary", "body"):
        if name not in data:
            continue
        value = str(data[name] or "").strip()
        if "\x00" in value or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            errors.setdefault(name, []).append(_("This text contains characters that cannot be stored."))
            continue
        if name == "body":
            value = sanitize_html(value)
            if not plain_text(value).strip():
                errors.setdefault(name, []).append(_("This field is required."))
        elif name == "summary":
            value = plain_text(value).strip()
        if not value:
            errors.setdefault(name, []).append(_("This field is required."))
        elif len(value) > LIMITS[name]:
            errors.setdefault(name, []).append(
                _("Ensure this value has at most %(limit)d characters.") % {"limit": LIMITS[name]}
            )
        out[name] = value
    if "region" in data:
        code = data["region"] or None
        if code and code not in ref.region_names():
            errors.setdefault("region", []).append(_("Unknown code: %(code)s") % {"code": str(code)[:40]})
        out["region_id"] = code
    if "published" in data:
        out["published"] = bool(data["published"])
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    return out


def _apply(item: NewsItem, values: dict[str, Any], cover, now) -> list[str]:
    changed = [name for name, value in values.items() if getattr(item, name) != value]
    for name, value in values.items():
        setattr(item, name, value)
    if item.published and item.published_at is None:
        item.published_at = now
    if cover is not None:
        kind = validate_image(cover)
        item.cover.save(cover.name, cover, save=False)
        item.cover_kind = kind.code
        changed.append("cover")
    return changed


@transaction.atomic
def news_create(*, actor: Actor, data: dict[str, Any], cover=None, now=None) -> NewsItem:
    _require_office(actor)
    values = _clean({name: data.get(name, "") for name in FIELDS})
    item = NewsItem(created_by=actor.user)
    _apply(item, values, cover, now or timezone.now())
    item.save()
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="news.create",
        obj=item,
        data={"title": item.title, "published": item.published},
        ip_address=actor.ip_address,
    )
    return item


@transaction.atomic
def news_update(*, actor: Actor, news_id: int, data: dict[str, Any], cover=None, now=None) -> NewsItem:
    """Change the fields present in `data` (and the cover when one is given)."""
    _require_office(actor)
    item = NewsItem.objects.select_for_update().filter(pk=news_id).first()
    if item is None:
        raise NotFound(_("News item not found."))
    values = _clean({name: data[name] for name in FIELDS if name in data})
    old_cover = item.cover.name if cover is not None and item.cover else ""
    was_published = item.published
    changed = _apply(item, values, cover, now or timezone.now())
    item.save()
    if old_cover:
        storage = item.cover.storage
        transaction.on_commit(lambda: storage.delete(old_cover))
    action = "news.update"
    if item.published != was_published:
        action = "news.publish" if item.published else "news.unpublish"
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=item,
        data={"changed": changed},
        ip_address=actor.ip_address,
    )
    return item
