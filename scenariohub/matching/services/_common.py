"""Helpers shared by the matching services: input cleaning, recipients, history rows."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, User
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.uploads import validate_upload
from scenariohub.matching.models import Application
from scenariohub.matching.selectors import application_visible_q

MAX_ATTACHMENTS = 10


def clean_text(data: dict[str, Any], name: str, errors: dict[str, list[str]], *, max_length: int,
               required: bool = False) -> str:
    """A stripped string from `data[name]`; problems are collected in `errors` so all are reported at once."""
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if "\x00" in value:
        errors.setdefault(name, []).append(_("Null characters are not allowed."))
        return ""
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(name, []).append(
            _("Ensure this value has at most %(limit)d characters (it has %(length)d).")
            % {"limit": max_length, "length": len(value)}
        )
    return value


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)


def require_role(actor: Actor, *roles: str, message: str) -> None:
    if actor.is_anonymous or actor.role not in roles:
        raise PermissionDenied(message)


def validate_files(files: Iterable, *, existing: int = 0) -> list:
    """Check every upload before anything is written, so a bad file leaves no half-made row behind."""
    files = [f for f in files if f]
    if existing + len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("At most %(n)d attachments are allowed.") % {"n": MAX_ATTACHMENTS},
            details={"attachments": [_("Too many attachments.")]},
        )
    checked = []
    for uploaded in files:
        try:
            kind = validate_upload(uploaded)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=exc.code, details={"attachments": [exc.message]}) from None
        checked.append((uploaded, kind))
    return checked


def save_attachments(model, checked: list, *, actor: Actor, **parent) -> list:
    rows = []
    for uploaded, kind in checked:
        row = model(original_name=uploaded.name[-200:], kind=kind.code, size=uploaded.size, uploaded_by=actor.user,
                    **parent)
        row.file.save(uploaded.name, uploaded, save=False)
        row.save()
        rows.append(row)
    return rows


def organisation_users(*organisation_ids: int | None) -> list[User]:
    """Active users holding a membership of any of these organisations (each once)."""
    ids = [i for i in organisation_ids if i]
    if not ids:
        return []
    user_ids = Membership.objects.filter(organisation_id__in=ids).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def locked_application(*, actor: Actor, application_id: int) -> Application:
    """The application, row-locked, if the actor may see it (else 404). Call inside a transaction."""
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None or not Application.objects.filter(application_visible_q(actor), pk=application.pk).exists():
        raise NotFound(_("Application not found."))
    return application
