"""Writes to scenarios: create and edit drafts, attachments, and every lifecycle transition.

Every write checks access itself (views and API call these, never the ORM), runs in one transaction,
and records what it did: a ScenarioTransition for lifecycle steps and an AuditLog row for every change.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from scenariohub.core.services import audit_record, audit_record_many
from scenariohub.core.uploads import validate_upload
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.lifecycle import Transition, may_perform, transition_between
from scenariohub.scenarios.models import Scenario, ScenarioAttachment, ScenarioTransition, Status

EDITABLE_FIELDS = (
    "title",
    "region",
    "sector",
    "field",
    "kind",
    "purpose",
    "tech_requirements",
    "cooperation_mode",
    "cooperation_note",
    "budget_min",
    "budget_max",
    "deadline",
    "contact_name",
    "contact_phone",
    "contact_email",
)
CREATOR_ROLES = (Role.PROVIDER, Role.DEPARTMENT, Role.CITY, Role.OFFICE)
MAX_ATTACHMENTS = 10


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _reference_codes() -> dict[str, dict[str, str]]:
    """Known codes from the plan's taxonomy (cached per process; the tables are loaded from the same file)."""
    return {"region": ref.region_names(), "sector": ref.sector_names(), "field": ref.field_sector()}


def _validate(scenario: Scenario, *, for_submit: bool, today: dt.date | None = None) -> None:
    """Model validation plus the rules that span fields; all problems are reported at once, by field.

    `today` is the date of the transition being validated (a historic one when demo data is seeded)."""
    errors = _problems(scenario, for_submit=for_submit, today=today)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)


def _problems(scenario: Scenario, *, for_submit: bool, today: dt.date | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        # Codes are checked against the taxonomy below (no query per row); the budget constraint too,
        # with a message people can act on.
        scenario.full_clean(
            exclude=["owner", "created_by", "version", "status", "region", "sector", "field"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors.update(_errors_of(exc))
    codes = _reference_codes()
    for name in ("region", "sector", "field"):
        value = getattr(scenario, f"{name}_id")
        if not value:
            errors.setdefault(name, []).append(_("This field is required."))
        elif value not in codes[name]:
            errors.setdefault(name, []).append(_("Unknown code: %(code)s") % {"code": str(value)[:40]})
    for name in EDITABLE_FIELDS:
        if name in ("region", "sector", "field"):
            continue
        value = getattr(scenario, name, None)
        # PostgreSQL cannot store NUL or lone surrogates; refuse them everywhere, not only in some forms.
        if isinstance(value, str) and ("\x00" in value or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)):
            errors.setdefault(name, []).append(_("This text contains characters that cannot be stored."))
    if "field" not in errors and "sector" not in errors and codes["field"][scenario.field_id] != scenario.sector_id:
        errors.setdefault("field", []).append(_("This field does not belong to the chosen sector."))
    if scenario.budget_min is not None and scenario.budget_max is not None and scenario.budget_min > scenario.budget_max:
        errors.setdefault("budget_max", []).append(_("The upper budget must not be lower than the lower budget."))
    if for_submit:
        if scenario.deadline is None:
            errors.setdefault("deadline", []).append(_("A deadline is required to submit."))
        elif scenario.deadline <= (today or timezone.localdate()):
            errors.setdefault("deadline", []).append(_("The deadline must be in the future."))
    return errors


def _assign(scenario: Scenario, data: dict[str, Any]) -> None:
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("region", "sector", "field"):
            setattr(scenario, f"{name}_id", value or None)
        elif isinstance(value, str) and name not in ("budget_min", "budget_max", "deadline"):
            setattr(scenario, name, value.strip())
        else:
            setattr(scenario, name, value)


def _new_draft(actor: Actor, data: dict[str, Any]) -> Scenario:
    scenario = Scenario(owner_id=actor.organisation_id, created_by=actor.user, status=Status.DRAFT)
    if actor.role == Role.CITY:
        data = {**data, "region": actor.region_id}  # a city opens scenarios of its own region only
    elif not data.get("region") and actor.region_id:
        data = {**data, "region": actor.region_id}
    _assign(scenario, data)
    return scenario


@transaction.atomic
def scenario_create(*, actor: Actor, data: dict[str, Any]) -> Scenario:
    if actor.role not in CREATOR_ROLES:
        raise PermissionDenied(_("Your organisation cannot open scenarios."))
    scenario = _new_draft(actor, data)
    _validate(scenario, for_submit=False)
    scenario.save()
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="scenario.create", obj=scenario,
        data={"title": scenario.title}, ip_address=actor.ip_address,
    )
    return scenario


@transaction.atomic
def scenario_create_many(*, actor: Actor, rows: list[dict[str, Any]]) -> list[Scenario]:
    """`scenario_create` for a batch: the same rules and audit, all rows or none.

    Problems of every row come back at once as ValidationFailed(details={"<index>.<field>": [...]}).
    """
    if actor.role not in CREATOR_ROLES:
        raise PermissionDenied(_("Your organisation cannot open scenarios."))
    drafts: list[Scenario] = []
    errors: dict[str, list[str]] = {}
    for index, data in enumerate(rows):
        scenario = _new_draft(actor, data)
        for name, messages in _problems(scenario, for_submit=False).items():
            errors[f"{index}.{name}"] = messages
        drafts.append(scenario)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    created = Scenario.objects.bulk_create(drafts, batch_size=500)  # SQLite and PostgreSQL return the ids
    # One record per scenario, as scenario_create writes, under one lock of the audit chain for the batch.
    audit_record_many(
        actor=actor.user, organisation=actor.organisation, action="scenario.create", objects=created,
        data=lambda s: {"title": s.title, "batch": True}, ip_address=actor.ip_address,
    )
    return created


@transaction.atomic
def scenario_update(*, actor: Actor, scenario_id: int, version: int, data: dict[str, Any]) -> Scenario:
    """Edit a draft. `version` is the one the editor started from; if someone saved since, StaleVersion."""
    scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound(_("Scenario not found."))
    if not actor.acts_for(scenario.owner_id):
        # Others' drafts are invisible, so they are "not found"; other states are visible but not editable.
        if scenario.status == Status.DRAFT:
            raise NotFound(_("Scenario not found."))
        raise PermissionDenied(_("Only the owner organisation may change this scenario."))
    if scenario.status != Status.DRAFT:
        raise InvalidTransition(_("Only drafts can be edited; this scenario is %(status)s.") % {
            "status": scenario.get_status_display()}, code="not_editable")
    if scenario.version != version:
        raise StaleVersion(
            _("Someone else saved this scenario after you opened it. Reload it to see their changes, then edit again.")
        )
    if actor.role == Role.CITY:
        data = {k: v for k, v in data.items() if k != "region"}
    before = {name: str(getattr(scenario, f"{name}_id" if name in ("region", "sector", "field") else name))
              for name in EDITABLE_FIELDS}
    _assign(scenario, data)
    _validate(scenario, for_submit=False)
    changed = [n for n in EDITABLE_FIELDS
               if str(getattr(scenario, f"{n}_id" if n in ("region", "sector", "field") else n)) != before[n]]
    scenario.version = F("version") + 1
    scenario.save()
    scenario.refresh_from_db()
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="scenario.update", obj=scenario,
        data={"changed": changed, "version": scenario.version}, ip_address=actor.ip_address,
    )
    return scenario


def scenario_transition(*, actor: Actor, scenario_id: int, target: str, reason: str = "",
                        now: dt.datetime | None = None, expected_status: str | None = None,
                        via: str = "") -> Scenario:
    """Perform the lifecycle step from the scenario's current state to `target`, as the table allows.

    `expected_status` is the state the actor saw when deciding; if the scenario has moved on since,
    the decision is refused rather than applied to a state the actor never saw. `via` names the service
    calling, for the steps the table reserves to one (`Transition.service`): the agreement, the pilot
    acceptance and the benchmark designation are recorded by `scenariohub.tracking`, never directly.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().select_related("owner").filter(pk=scenario_id).first()
        if scenario is None:
            raise NotFound(_("Scenario not found."))
        if expected_status and scenario.status != expected_status:
            raise InvalidTransition(
                _("The scenario changed while you were acting on it (it is now %(status)s). Reload and try again.")
                % {"status": scenario.get_status_display()}
            )
        step = transition_between(scenario.status, target)
        if step is None:
            raise InvalidTransition(
                _("A scenario that is %(status)s cannot become %(target)s.")
                % {"status": scenario.get_status_display(), "target": Status(target).label if target in Status.values else target}
            )
        now = now or timezone.now()
        _check_allowed(actor, scenario, step, reason, today=timezone.localdate(now))
        if step.service and via != step.service:
            raise InvalidTransition(
                _("%(action)s is recorded on the cooperation's page, not as a plain status change.")
                % {"action": step.label},
                code="not_directly",
            )
        return _apply(actor, scenario, step, reason, now)


def _check_allowed(actor: Actor, scenario: Scenario, step: Transition, reason: str, *, today: dt.date) -> None:
    if not may_perform(actor, scenario, step):
        raise PermissionDenied(_("You may not %(action)s this scenario.") % {"action": str(step.label).lower()})
    if step.reason_required and not reason:
        raise ValidationFailed(_("A reason is required."), code="reason_required", details={"reason": [_("A reason is required.")]})
    if len(reason) > 1000:
        raise ValidationFailed(_("The reason is too long (1000 characters at most)."), details={"reason": [_("Too long.")]})
    if step.requires_complete:
        _validate(scenario, for_submit=True, today=today)


def _apply(actor: Actor, scenario: Scenario, step: Transition, reason: str, now: dt.datetime) -> Scenario:
    updates: dict[str, Any] = {"status": step.target, "version": F("version") + 1, "updated_at": now}
    for stamp in step.stamps:
        # A scenario released once keeps its first release date: it counts once, in that year.
        if stamp == "published_at" and scenario.published_at is not None:
            continue
        updates[stamp] = now
        if stamp == "published_at":
            updates["published_year"] = timezone.localtime(now).year
    # Guarded update: if another request moved the scenario meanwhile, nothing is touched and we lose.
    touched = Scenario.objects.filter(pk=scenario.pk, status=scenario.status).update(**updates)
    if touched != 1:
        raise InvalidTransition(_("The scenario changed while you were acting on it. Reload and try again."))
    ScenarioTransition.objects.create(
        scenario=scenario, action=step.action, from_status=scenario.status, to_status=step.target,
        actor=actor.user, organisation=actor.organisation, reason=reason, created_at=now,
    )
    audit_record(
        actor=actor.user, organisation=actor.organisation, action=f"scenario.{step.action}", obj=scenario,
        data={"from": scenario.status, "to": step.target, "reason": reason}, ip_address=actor.ip_address,
    )
    scenario.refresh_from_db()
    return scenario


def scenario_submit(*, actor: Actor, scenario_id: int) -> Scenario:
    return scenario_transition(actor=actor, scenario_id=scenario_id, target=Status.SUBMITTED)


def scenario_approve(*, actor: Actor, scenario_id: int) -> Scenario:
    return scenario_transition(
        actor=actor, scenario_id=scenario_id, target=Status.APPROVED, expected_status=Status.SUBMITTED
    )


def scenario_return(*, actor: Actor, scenario_id: int, reason: str) -> Scenario:
    return scenario_transition(
        actor=actor, scenario_id=scenario_id, target=Status.DRAFT, reason=reason, expected_status=Status.SUBMITTED
    )


def scenario_send_back(*, actor: Actor, scenario_id: int, reason: str) -> Scenario:
    return scenario_transition(
        actor=actor, scenario_id=scenario_id, target=Status.DRAFT, reason=reason, expected_status=Status.APPROVED
    )


def scenario_publish(*, actor: Actor, scenario_id: int, now: dt.datetime | None = None) -> Scenario:
    return scenario_transition(
        actor=actor, scenario_id=scenario_id, target=Status.PUBLISHED, now=now, expected_status=Status.APPROVED
    )


def scenario_withdraw(*, actor: Actor, scenario_id: int, reason: str = "") -> Scenario:
    return scenario_transition(actor=actor, scenario_id=scenario_id, target=Status.WITHDRAWN, reason=reason)


def scenario_close(*, actor: Actor, scenario_id: int, reason: str) -> Scenario:
    return scenario_transition(actor=actor, scenario_id=scenario_id, target=Status.CLOSED, reason=reason)


def scenario_transition_bulk(*, actor: Actor, scenario_ids: list[int], target: str, reason: str = "",
                             expected_status: str | None = None) -> dict:
    """Apply one transition to many scenarios; each succeeds or fails on its own and is reported."""
    done: list[int] = []
    failed: dict[int, str] = {}
    for scenario_id in scenario_ids:
        try:
            scenario_transition(
                actor=actor, scenario_id=scenario_id, target=target, reason=reason, expected_status=expected_status
            )
            done.append(scenario_id)
        except (InvalidTransition, PermissionDenied, NotFound, ValidationFailed) as exc:
            failed[scenario_id] = exc.message
    return {"done": done, "failed": failed}


@transaction.atomic
def scenario_attachment_add(*, actor: Actor, scenario_id: int, uploaded) -> ScenarioAttachment:
    scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound(_("Scenario not found."))
    if not actor.acts_for(scenario.owner_id):
        raise PermissionDenied(_("Only the owner organisation may change this scenario."))
    if scenario.status != Status.DRAFT:
        raise InvalidTransition(_("Attachments can only be changed while the scenario is a draft."), code="not_editable")
    if scenario.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationFailed(_("A scenario has at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
                               details={"file": [_("Too many attachments.")]})
    kind = validate_upload(uploaded)
    attachment = ScenarioAttachment(
        scenario=scenario, original_name=uploaded.name[-200:], kind=kind.code, size=uploaded.size, uploaded_by=actor.user
    )
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="scenario.attachment_add", obj=scenario,
        data={"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size},
        ip_address=actor.ip_address,
    )
    return attachment


@transaction.atomic
def scenario_attachment_delete(*, actor: Actor, attachment_id: int) -> None:
    attachment = ScenarioAttachment.objects.select_related("scenario").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    scenario = attachment.scenario
    if not actor.acts_for(scenario.owner_id):
        raise PermissionDenied(_("Only the owner organisation may change this scenario."))
    if scenario.status != Status.DRAFT:
        raise InvalidTransition(_("Attachments can only be changed while the scenario is a draft."), code="not_editable")
    name = attachment.original_name
    stored = attachment.file.name
    attachment.delete()
    storage = attachment.file.storage
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="scenario.attachment_delete", obj=scenario,
        data={"attachment": attachment_id, "name": name}, ip_address=actor.ip_address,
    )
