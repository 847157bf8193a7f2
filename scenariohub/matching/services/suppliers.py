"""Writes to supplier profiles (with the organisation's credit code), their verification and solutions."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Organisation, Role, validate_credit_code
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.matching.models import (
    DeploymentMode,
    Maturity,
    Scale,
    Solution,
    SolutionAttachment,
    SupplierProfile,
    Verb,
)
from scenariohub.matching.services._common import (
    clean_text,
    organisation_users,
    raise_if,
    require_role,
    save_attachments,
    validate_files,
)
from scenariohub.matching.services.notifications import notify
from scenariohub.reference import selectors as ref


def _codes(data: dict, name: str, known: dict, errors: dict) -> list[str]:
    values = data.get(name) or []
    if isinstance(values, str):
        values = [values]
    unknown = [str(v)[:40] for v in values if v not in known]
    if unknown:
        errors.setdefault(name, []).append(_("Unknown code: %(code)s") % {"code": ", ".join(unknown)})
    return list(dict.fromkeys(v for v in values if v in known))


def _check(validator, value: str, name: str, errors: dict) -> None:
    if value:
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(str(m) for m in exc.messages)


def _choice(data: dict, name: str, choices, errors: dict, *, required: bool = True) -> str:
    value = data.get(name) or ""
    if value not in choices.values:
        if value or required:
            errors.setdefault(name, []).append(
                _("Select a valid choice. %(value)s is not one of the available choices.") % {"value": str(value)[:40]}
            )
        return ""
    return value


# ---------------------------------------------------------------------------------------------- profile


@transaction.atomic
def supplier_profile_save(*, actor: Actor, data: dict[str, Any]) -> SupplierProfile:
    """Create or update the acting supplier organisation's profile and its credit code.

    Changing the credit code of a verified supplier withdraws the badge: the office checked the old one."""
    require_role(actor, Role.SUPPLIER, message=_("Only suppliers keep a supplier profile."))
    org = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    errors: dict[str, list[str]] = {}
    credit_code = clean_text(data, "credit_code", errors, max_length=18).upper() or None
    if credit_code:
        try:
            validate_credit_code(credit_code)
        except ValidationError as exc:
            errors.setdefault("credit_code", []).extend(str(m) for m in exc.messages)
        else:
            if Organisation.objects.filter(credit_code=credit_code).exclude(pk=org.pk).exists():
                errors.setdefault("credit_code", []).append(
                    _("Another organisation is already registered with this credit code.")
                )
    values = {
        "contact_name": clean_text(data, "contact_name", errors, max_length=40, required=True),
        "contact_phone": clean_text(data, "contact_phone", errors, max_length=20, required=True),
        "contact_email": clean_text(data, "contact_email", errors, max_length=254),
        "scale": _choice(data, "scale", Scale, errors),
        "qualifications": clean_text(data, "qualifications", errors, max_length=2000),
        "website": clean_text(data, "website", errors, max_length=200),
        "introduction": clean_text(data, "introduction", errors, max_length=4000, required=True),
    }
    _check(EmailValidator(), values["contact_email"], "contact_email", errors)
    _check(URLValidator(schemes=["http", "https"]), values["website"], "website", errors)
    sectors = _codes(data, "sectors", ref.sector_names(), errors)
    fields = _codes(data, "fields", ref.field_names(), errors)
    raise_if(errors)

    profile = SupplierProfile.objects.filter(organisation=org).first()
    created = profile is None
    profile = profile or SupplierProfile(organisation=org)
    for name, value in values.items():
        setattr(profile, name, value)
    code_changed = (org.credit_code or None) != credit_code
    unverified = False
    if code_changed and profile.verified:
        profile.verified, profile.verified_by, profile.verified_at = False, None, None
        unverified = True
    profile.save()
    profile.sectors.set(sectors)
    profile.fields.set(fields)
    if code_changed:
        org.credit_code = credit_code
        org.save(update_fields=["credit_code"])
    audit_record(
        actor=actor.user, organisation=actor.organisation,
        action="supplier.profile_create" if created else "supplier.profile_update", obj=profile,
        data={"credit_code": credit_code, "credit_code_changed": code_changed, "verification_withdrawn": unverified},
        ip_address=actor.ip_address,
    )
    return profile


@transaction.atomic
def supplier_verify(*, actor: Actor, organisation_id: int, verified: bool = True) -> SupplierProfile:
    """The office confirms (or withdraws) a supplier's identity; the badge follows."""
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office verifies suppliers."))
    profile = (SupplierProfile.objects.select_for_update().select_related("organisation")
               .filter(organisation_id=organisation_id).first())
    if profile is None:
        raise NotFound(_("Supplier not found."))
    if verified and not profile.organisation.credit_code:
        raise ValidationFailed(
            _("A supplier needs a unified social credit code before it can be verified."),
            code="credit_code_missing", details={"credit_code": [_("This field is required.")]},
        )
    if profile.verified == verified:
        return profile
    now = timezone.now()
    profile.verified = verified
    profile.verified_by = actor.user if verified else None
    profile.verified_at = now if verified else None
    profile.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    audit_record(
        actor=actor.user, organisation=actor.organisation,
        action="supplier.verify" if verified else "supplier.unverify", obj=profile,
        data={"organisation": organisation_id, "credit_code": profile.organisation.credit_code},
        ip_address=actor.ip_address,
    )
    if verified:
        notify(
            recipients=organisation_users(organisation_id), verb=Verb.SUPPLIER_VERIFIED,
            message=gettext_lazy("The provincial office has verified %(supplier)s."),
            params={"supplier": profile.organisation.name},
            link=reverse("matching:supplier-detail", args=[organisation_id]), obj=profile,
        )
    return profile


# ---------------------------------------------------------------------------------------------- solutions


def _solution_values(data: dict[str, Any], errors: dict) -> tuple[dict, list[str]]:
    modes = data.get("deployment_modes") or []
    if isinstance(modes, str):
        modes = [modes]
    bad = [str(m)[:20] for m in modes if m not in DeploymentMode.values]
    if bad:
        errors.setdefault("deployment_modes", []).append(_("Unknown code: %(code)s") % {"code": ", ".join(bad)})
    sector = data.get("sector") or ""
    if sector not in ref.sector_names():
        errors.setdefault("sector", []).append(_("Unknown code: %(code)s") % {"code": str(sector)[:40]} if sector
                                               else _("This field is required."))
    values = {
        "title": clean_text(data, "title", errors, max_length=100, required=True),
        "description": clean_text(data, "description", errors, max_length=4000, required=True),
        "sector_id": sector,
        "capabilities": clean_text(data, "capabilities", errors, max_length=2000),
        "maturity": _choice(data, "maturity", Maturity, errors),
        "deploy_on_prem": DeploymentMode.ON_PREM in modes,
        "deploy_cloud": DeploymentMode.CLOUD in modes,
        "deploy_edge": DeploymentMode.EDGE in modes,
        "reference_cases": clean_text(data, "reference_cases", errors, max_length=4000),
        "published": bool(data.get("published")),
    }
    fields = _codes(data, "fields", ref.field_names(), errors)
    return values, fields


@transaction.atomic
def solution_create(*, actor: Actor, data: dict[str, Any], files=()) -> Solution:
    require_role(actor, Role.SUPPLIER, message=_("Only suppliers keep a solution catalogue."))
    errors: dict[str, list[str]] = {}
    values, fields = _solution_values(data, errors)
    raise_if(errors)
    checked = validate_files(files)
    solution = Solution.objects.create(supplier_id=actor.organisation_id, **values)
    solution.fields.set(fields)
    save_attachments(SolutionAttachment, checked, actor=actor, solution=solution)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="solution.create", obj=solution,
        data={"title": solution.title, "published": solution.published, "attachments": len(checked)},
        ip_address=actor.ip_address,
    )
    return solution


def _own_solution(actor: Actor, solution_id: int, *, lock: bool = False) -> Solution:
    qs = Solution.objects.select_for_update() if lock else Solution.objects.all()
    solution = qs.filter(pk=solution_id).first()
    if solution is None or (solution.supplier_id != actor.organisation_id and not solution.published):
        raise NotFound(_("Solution not found."))
    if solution.supplier_id != actor.organisation_id:
        raise PermissionDenied(_("Only the supplier may change its solutions."))
    return solution


@transaction.atomic
def solution_update(*, actor: Actor, solution_id: int, data: dict[str, Any], files=()) -> Solution:
    solution = _own_solution(actor, solution_id, lock=True)
    errors: dict[str, list[str]] = {}
    values, fields = _solution_values(data, errors)
    raise_if(errors)
    checked = validate_files(files, existing=solution.attachments.count())
    changed = [name for name, value in values.items() if getattr(solution, name) != value]
    for name, value in values.items():
        setattr(solution, name, value)
    solution.save()
    solution.fields.set(fields)
    save_attachments(SolutionAttachment, checked, actor=actor, solution=solution)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="solution.update", obj=solution,
        data={"changed": changed, "attachments_added": len(checked)}, ip_address=actor.ip_address,
    )
    return solution


@transaction.atomic
def solution_attachment_delete(*, actor: Actor, attachment_id: int) -> int:
    """Delete one attachment of an own solution; returns the solution's id."""
    attachment = SolutionAttachment.objects.select_related("solution").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    solution = _own_solution(actor, attachment.solution_id, lock=True)
    stored, storage, name = attachment.file.name, attachment.file.storage, attachment.original_name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="solution.attachment_delete", obj=solution,
        data={"attachment": attachment_id, "name": name}, ip_address=actor.ip_address,
    )
    return solution.pk
