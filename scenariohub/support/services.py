"""Writes for support measures: submit an application, decide it (grant or refuse), withdraw it, and the
office's choice of the department responsible for each measure.

Eligibility is checked from the rules table (`rules.py`) when an application is submitted and again when
it is granted (the cooperation may have been terminated meanwhile). Decisions are guarded updates
(`filter(pk=…, status="submitted").update(…)` must touch one row), so two deciders cannot both win. Each
write is audited in its transaction.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Organisation, Role
from scenariohub.cases.models import BenchmarkCase
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.support.models import (
    AMOUNT_MAX_WAN,
    ApplicationStatus,
    MeasureDepartment,
    SupportApplication,
)
from scenariohub.support.rules import RULES_BY_MEASURE, Measure
from scenariohub.support.selectors import application_get_for_actor, eligibility
from scenariohub.tracking.models import Cooperation

APPLICANT_ROLES = (Role.PROVIDER, Role.SUPPLIER, Role.DEPARTMENT)
MAX_TEXT = 2000


def _audit(actor: Actor, action: str, obj: Any, data: dict) -> None:
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=obj,
        data=data,
        ip_address=actor.ip_address,
    )


def _text(value: Any, field: str, errors: dict, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > MAX_TEXT or "\x00" in text:
        errors[field] = [_("At most 2000 characters.")]
    return text


def _amount(value: Any, field: str, errors: dict) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Enter an amount in 10k yuan, e.g. 12.5.")]
        return None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount > AMOUNT_MAX_WAN
        or amount != amount.quantize(Decimal("0.01"))
    ):
        errors[field] = [
            _("Enter an amount above 0 and at most 1,000,000 (10k yuan), with at most two decimals.")
        ]
        return None
    return amount


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    measure: str,
    summary: str,
    amount_requested: Any = None,
    cooperation_id: int | None = None,
    case_id: int | None = None,
    now: dt.datetime | None = None,
) -> SupportApplication:
    """Apply for a measure on a cooperation or a benchmark case the actor's organisation is a party to.

    The application counts for the year of `now` (default: the current time)."""
    if actor.role not in APPLICANT_ROLES:
        raise PermissionDenied(
            _("Support measures are applied for by the scenario provider or the product provider.")
        )
    errors: dict[str, list[str]] = {}
    if measure not in Measure.values:
        raise ValidationFailed(
            _("The application is not valid."), details={"measure": [_("Unknown measure.")]}
        )
    rule = RULES_BY_MEASURE[measure]
    summary = _text(summary, "summary", errors, required=True)
    amount = _amount(amount_requested, "amount_requested", errors)
    if rule.money and amount is None and "amount_requested" not in errors:
        errors["amount_requested"] = [_("Give the amount requested (10k yuan).")]
    if not rule.money and amount is not None:
        errors["amount_requested"] = [
            _("This measure is a recommendation or a policy recognition: no amount.")
        ]
    if (cooperation_id is None) == (case_id is None):
        errors["__all__"] = [_("Link the application to one cooperation or one benchmark case.")]
    if errors:
        raise ValidationFailed(_("The application is not valid."), details=errors)
    # What the actor cannot see is answered as not found, whatever its id.
    cooperation = case = None
    if cooperation_id is not None:
        cooperation = Cooperation.objects.select_related("scenario").filter(pk=cooperation_id).first()
        if cooperation is None or actor.organisation_id not in (
            cooperation.owner_id,
            cooperation.supplier_id,
        ):
            raise NotFound(_("Cooperation not found."))
        region_id = cooperation.scenario.region_id
    else:
        case = BenchmarkCase.objects.select_related("cooperation").filter(pk=case_id).first()
        if case is None or actor.organisation_id not in (
            case.cooperation.owner_id,
            case.cooperation.supplier_id,
        ):
            raise NotFound(_("Benchmark case not found."))
        region_id = case.region_id
    check = eligibility(
        measure=measure, organisation_id=actor.organisation_id, cooperation=cooperation, case=case
    )
    if not check.eligible:
        raise ValidationFailed(
            " ".join(check.reasons), code="not_eligible", details={"__all__": check.reasons}
        )
    try:
        with transaction.atomic():
            application = SupportApplication.objects.create(
                measure=measure,
                applicant_id=actor.organisation_id,
                cooperation=cooperation,
                case=case,
                region_id=region_id,
                year=timezone.localdate(now).year,
                summary=summary,
                amount_requested=amount,
                created_by=actor.user,
            )
    except IntegrityError:
        raise Conflict(
            _("Your organisation already has an open or granted application for this measure on it."),
            code="already_applied",
        ) from None
    _audit(
        actor,
        "support.submitted",
        application,
        {
            "measure": measure,
            "cooperation": cooperation_id,
            "case": case_id,
            "amount_requested": None if amount is None else str(amount),
        },
    )
    return application


@transaction.atomic
def application_decide(
    *,
    actor: Actor,
    application_id: int,
    outcome: str,
    amount_granted: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> SupportApplication:
    """Grant (with the amount, for measures that carry money) or refuse (with the reason). Only the
    department configured for the measure, or the office."""
    application = application_get_for_actor(actor=actor, pk=application_id, decide=True)
    errors: dict[str, list[str]] = {}
    if outcome not in (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED):
        errors["outcome"] = [_("Choose grant or refuse.")]
    reason = _text(reason, "reason", errors, required=outcome == ApplicationStatus.REFUSED)
    amount = _amount(amount_granted, "amount_granted", errors)
    rule = RULES_BY_MEASURE[application.measure]
    if outcome == ApplicationStatus.GRANTED and "amount_granted" not in errors:
        if rule.money and amount is None:
            errors["amount_granted"] = [_("Give the amount granted (10k yuan).")]
        elif not rule.money and amount is not None:
            errors["amount_granted"] = [
                _("This measure is a recommendation or a policy recognition: no amount.")
            ]
        elif (
            amount is not None
            and application.amount_requested is not None
            and amount > application.amount_requested
        ):
            errors["amount_granted"] = [_("The amount granted cannot exceed the amount requested.")]
    if outcome == ApplicationStatus.REFUSED and amount is not None:
        errors["amount_granted"] = [_("A refusal grants no amount.")]
    if errors:
        raise ValidationFailed(_("The decision is not valid."), details=errors)
    if outcome == ApplicationStatus.GRANTED:
        # The link may have moved since the application (a cooperation terminated): grant only what is
        # still eligible; the decider may refuse it with the reason instead.
        check = eligibility(
            measure=application.measure,
            organisation_id=application.applicant_id,
            cooperation=application.cooperation,
            case=application.case,
        )
        if not check.eligible:
            raise InvalidTransition(
                _("The application is no longer eligible: %(why)s") % {"why": " ".join(check.reasons)},
                code="not_eligible",
            )
    now = now or timezone.now()
    updated = SupportApplication.objects.filter(pk=application.pk, status=ApplicationStatus.SUBMITTED).update(
        status=outcome,
        amount_granted=amount if outcome == ApplicationStatus.GRANTED else None,
        decision_reason=reason,
        decided_by=actor.user,
        decided_by_organisation_id=actor.organisation_id,
        decided_at=now,
        updated_at=now,
    )
    if updated != 1:
        raise InvalidTransition(
            _("This application has already been decided or withdrawn."), code="already_decided"
        )
    application.refresh_from_db()
    _audit(
        actor,
        f"support.{outcome}",
        application,
        {
            "measure": application.measure,
            "amount_granted": None if amount is None else str(amount),
            "reason": reason,
        },
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application_id: int) -> SupportApplication:
    application = application_get_for_actor(actor=actor, pk=application_id, withdraw=True)
    updated = SupportApplication.objects.filter(pk=application.pk, status=ApplicationStatus.SUBMITTED).update(
        status=ApplicationStatus.WITHDRAWN, updated_at=timezone.now()
    )
    if updated != 1:
        raise InvalidTransition(_("Only a submitted application can be withdrawn."), code="not_withdrawable")
    application.refresh_from_db()
    _audit(actor, "support.withdrawn", application, {"measure": application.measure})
    return application


@transaction.atomic
def measure_department_set(
    *, actor: Actor, measure: str, department_id: int | None
) -> MeasureDepartment | None:
    """The office names the provincial department that decides a measure (None: only the office)."""
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office may choose the responsible departments."))
    if measure not in Measure.values:
        raise NotFound(_("Unknown measure."))
    before = MeasureDepartment.objects.filter(measure=measure).values_list("department_id", flat=True).first()
    if department_id is None:
        MeasureDepartment.objects.filter(measure=measure).delete()
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="support.department_cleared",
            object_type="support.measuredepartment",
            object_id=measure,
            data={"measure": measure, "before": before},
            ip_address=actor.ip_address,
        )
        return None
    department = Organisation.objects.filter(pk=department_id, type=Role.DEPARTMENT).first()
    if department is None:
        raise ValidationFailed(
            _("Choose a provincial department."),
            details={"department": [_("Choose a provincial department.")]},
        )
    row, _created = MeasureDepartment.objects.update_or_create(
        measure=measure, defaults={"department": department, "updated_by": actor.user}
    )
    _audit(
        actor, "support.department_set", row, {"measure": measure, "before": before, "after": department.pk}
    )
    return row
