"""Writes to the promotion catalogue (office) and adoptions (any signed-in unit, for itself).

Eligibility is derived from the evidence: a product enters only with at least one cooperation that
proves it (its supplier's, piloted or benchmark); the designated benchmark cases of those cooperations are
linked as evidence automatically, and only a product with such a case (a demonstration application) may
carry the 首台套/首批次/首版次 and government-procurement flags.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.cases.models import BenchmarkCase, CaseStatus
from scenariohub.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.promotion.models import AMOUNT_MAX_WAN, Adoption, PromotedProduct
from scenariohub.promotion.selectors import FLAGS, proven_cooperations
from scenariohub.reference import selectors as ref

ADOPTION_EARLIEST = dt.date(2020, 1, 1)


def _storable(value: str) -> bool:
    return "\x00" not in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


def _require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office keeps the promotion catalogue."))


def _evidence(solution, cooperation_ids, errors: dict) -> tuple[list, list]:
    """The cooperations asked for, each checked to prove the solution; and their designated cases."""
    ids = {int(i) for i in (cooperation_ids or []) if str(i).isdigit()}
    if not ids:
        errors.setdefault("cooperations", []).append(
            _("Link at least one piloted or benchmark cooperation that proves this product.")
        )
        return [], []
    proving = {c.pk: c for c in proven_cooperations(solution=solution).filter(pk__in=ids)}
    for missing in sorted(ids - set(proving)):
        errors.setdefault("cooperations", []).append(
            _(
                "Cooperation %(id)d does not prove this product (it must be its supplier's, piloted or benchmark)."
            )
            % {"id": missing}
        )
    cases = list(BenchmarkCase.objects.filter(cooperation_id__in=proving, status=CaseStatus.DESIGNATED))
    return list(proving.values()), cases


def _summary(data: dict, errors: dict) -> str:
    value = str(data.get("summary") or "").strip()
    if not value:
        errors.setdefault("summary", []).append(_("This field is required."))
    elif len(value) > 2000 or not _storable(value):
        errors.setdefault("summary", []).append(_("At most 2000 characters, without control characters."))
    return value


def _flags(data: dict, cases: list, errors: dict, current: PromotedProduct | None = None) -> dict[str, bool]:
    flags = {name: bool(data.get(name, getattr(current, name, False))) for name in FLAGS}
    if any(flags.values()) and not cases:
        errors.setdefault("flags", []).append(
            _(
                "Policy flags need a demonstration application: link a cooperation designated as a benchmark case."
            )
        )
    return flags


@transaction.atomic
def product_create(
    *, actor: Actor, solution_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> PromotedProduct:
    from scenariohub.matching.models import Solution

    _require_office(actor)
    solution = Solution.objects.select_related("supplier").filter(pk=solution_id).first()
    if solution is None:
        raise NotFound(_("Solution not found."))
    errors: dict[str, list[str]] = {}
    summary = _summary(data, errors)
    cooperations, cases = _evidence(solution, data.get("cooperations"), errors)
    flags = _flags(data, cases, errors)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    try:
        with transaction.atomic():
            product = PromotedProduct.objects.create(
                solution=solution,
                summary=summary,
                entered_by=actor.user,
                entered_at=now or timezone.now(),
                listed=bool(data.get("listed", True)),
                **flags,
            )
    except IntegrityError:
        raise Conflict(
            _("This solution is already in the promotion catalogue."), code="already_listed"
        ) from None
    product.evidence_cooperations.set(cooperations)
    product.evidence_cases.set(cases)
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="promotion.product_create",
        obj=product,
        data={
            "solution": solution.pk,
            "cooperations": sorted(c.pk for c in cooperations),
            "cases": sorted(c.pk for c in cases),
            **flags,
        },
        ip_address=actor.ip_address,
    )
    return product


@transaction.atomic
def product_update(*, actor: Actor, product_id: int, data: dict[str, Any]) -> PromotedProduct:
    """Change the summary, evidence, flags or listing (fields present in `data`); cases are re-derived."""
    _require_office(actor)
    product = (
        PromotedProduct.objects.select_for_update().select_related("solution").filter(pk=product_id).first()
    )
    if product is None:
        raise NotFound(_("Product not found."))
    errors: dict[str, list[str]] = {}
    summary = _summary(data, errors) if "summary" in data else product.summary
    ids = (
        data["cooperations"]
        if "cooperations" in data
        else list(product.evidence_cooperations.values_list("pk", flat=True))
    )
    cooperations, cases = _evidence(product.solution, ids, errors)
    flags = _flags(data, cases, errors, current=product)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    product.summary = summary
    for name, value in flags.items():
        setattr(product, name, value)
    if "listed" in data:
        product.listed = bool(data["listed"])
    product.save()
    product.evidence_cooperations.set(cooperations)
    product.evidence_cases.set(cases)
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="promotion.product_update",
        obj=product,
        data={
            "fields": sorted(data),
            "cooperations": sorted(c.pk for c in cooperations),
            "cases": sorted(c.pk for c in cases),
            "listed": product.listed,
            **flags,
        },
        ip_address=actor.ip_address,
    )
    return product


@transaction.atomic
def adoption_create(
    *, actor: Actor, product_id: int, data: dict[str, Any], today: dt.date | None = None
) -> Adoption:
    """A unit records that it adopted a product: for itself only, never the product's own supplier."""
    if actor.is_anonymous or actor.organisation_id is None:
        raise PermissionDenied(_("Sign in as a member of the adopting unit to record an adoption."))
    product = PromotedProduct.objects.select_related("solution").filter(pk=product_id).first()
    if product is None or (not product.listed and not actor.is_office):
        raise NotFound(_("Product not found."))
    if product.solution.supplier_id == actor.organisation_id:
        raise PermissionDenied(_("A supplier cannot record adoptions of its own product."))
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    region = str(data.get("region") or actor.region_id or "").strip()
    if not region:
        errors.setdefault("region", []).append(_("This field is required."))
    elif region not in ref.region_names():
        errors.setdefault("region", []).append(_("Unknown code: %(code)s") % {"code": region[:40]})
    adopted_on = data.get("adopted_on")
    if isinstance(adopted_on, str):
        try:
            adopted_on = dt.date.fromisoformat(adopted_on.strip())
        except ValueError:
            adopted_on = None
            errors.setdefault("adopted_on", []).append(_("Enter a valid date."))
    if adopted_on is None and "adopted_on" not in errors:
        errors.setdefault("adopted_on", []).append(_("This field is required."))
    elif isinstance(adopted_on, dt.date) and not ADOPTION_EARLIEST <= adopted_on <= today:
        errors.setdefault("adopted_on", []).append(_("The date must be between 2020 and today."))
    amount = data.get("amount")
    if amount in (None, ""):
        amount = None
    else:
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
            if not 0 <= amount <= AMOUNT_MAX_WAN:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            amount = None
            errors.setdefault("amount", []).append(
                _("Enter an amount in 10k yuan between 0 and %(max)d.") % {"max": AMOUNT_MAX_WAN}
            )
    note = str(data.get("note") or "").strip()
    if len(note) > 500 or not _storable(note):
        errors.setdefault("note", []).append(_("At most 500 characters, without control characters."))
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    adoption = Adoption.objects.create(
        product=product,
        organisation_id=actor.organisation_id,
        region_id=region,
        adopted_on=adopted_on,
        amount=amount,
        note=note,
        recorded_by=actor.user,
    )
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="promotion.adoption_create",
        obj=adoption,
        data={
            "product": product.pk,
            "region": region,
            "adopted_on": adopted_on.isoformat(),
            "amount": None if amount is None else str(amount),
        },
        ip_address=actor.ip_address,
    )
    return adoption
