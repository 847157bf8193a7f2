"""Personal data shown to whom (GB/T 35273 minimum necessary): masking and the one visibility rule.

People's phones and e-mails are shown in full only to those who need them to work with that person: the
organisation that owns the record, the city lead department of the record's region, and the provincial
office. Everyone else (the public, other organisations) sees them masked: ``138****1111``,
``w***@example.com``; enough to recognise a number one already has, not enough to call a stranger.

Each object kind has one helper that applies this rule (``scenario_contact_for_actor``,
``supplier_contact_for_actor``); templates, API schemas and exports read the ``Contact`` it returns, never
the model's columns directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenariohub.accounts.actors import Actor


def mask_phone(value: str | None) -> str:
    """``13811111111`` -> ``138****1111``; landlines keep their area code: ``028-86123456`` -> ``028****3456``."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 8:
        return f"{value[:3]}****{value[-4:]}"
    if len(value) >= 3:
        return f"{value[0]}***{value[-1]}"
    return "***"


def mask_email(value: str | None) -> str:
    """``wang@example.com`` -> ``w***@example.com`` (the domain says which organisation, not who)."""
    value = (value or "").strip()
    if not value:
        return ""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return f"{value[0]}***"
    return f"{local[0]}***@{domain}"


def sees_personal_data(actor: Actor | None, *, owner_id: int | None, region_id: str | None) -> bool:
    """The rule: the owner organisation, the city of the record's region, the office."""
    from scenariohub.accounts.models import Role

    if actor is None or actor.is_anonymous:
        return False
    if actor.is_office:
        return True
    if owner_id is not None and actor.organisation_id == owner_id:
        return True
    return actor.role == Role.CITY and region_id is not None and actor.region_id == region_id


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    masked: bool

    @classmethod
    def of(cls, *, name: str, phone: str, email: str = "", full: bool) -> Contact:
        if full:
            return cls(name=name, phone=phone or "", email=email or "", masked=False)
        return cls(name=name, phone=mask_phone(phone), email=mask_email(email), masked=True)


def contact_for(actor: Actor | None, obj, *, owner_id: int | None, region_id: str | None) -> Contact:
    """The contact of ``obj`` (with ``contact_name/phone/email`` attributes) as ``actor`` may see it."""
    return Contact.of(
        name=getattr(obj, "contact_name", "") or "",
        phone=getattr(obj, "contact_phone", "") or "",
        email=getattr(obj, "contact_email", "") or "",
        full=sees_personal_data(actor, owner_id=owner_id, region_id=region_id),
    )


def may_export_personal_data(actor: Actor | None) -> bool:
    """Bulk exports carry phones and e-mails in full only for the roles whose work needs whole lists of
    them: the office and the city lead departments (and, within those, only the rows ``sees_personal_data``
    allows). Everyone else's exports carry them masked. Such exports are audited (``audit_personal_export``)."""
    from scenariohub.accounts.models import Role

    return actor is not None and not actor.is_anonymous and (actor.is_office or actor.role == Role.CITY)


def audit_personal_export(actor: Actor, *, what: str, rows: int, fmt: str, query: str = "") -> None:
    """One audit record per export that carried personal data in full: who, which list, how many rows."""
    from django.db import transaction

    from scenariohub.core.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="personal_data.export",
            object_type=what,
            data={"format": fmt, "rows": rows, "query": query[:500]},
            ip_address=actor.ip_address,
        )
