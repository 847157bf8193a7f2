"""Writes of cooperation tracking. Each one checks access itself, runs in one transaction, writes an
audit row and notifies the people concerned (e-mails leave on commit).

The scenario's lifecycle moves only here from matching on (`scenario_transition(..., via="tracking")`,
see `scenarios/lifecycle.py`), and the cooperation's status moves with it in the same transaction, by a
guarded update, so two people acting at once cannot both win.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, Role, User
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.matching.models import Application, ApplicationStatus, Verb
from scenariohub.matching.services._common import clean_text, raise_if, save_attachments, validate_files
from scenariohub.matching.services.notifications import notify
from scenariohub.scenarios.lifecycle import TRACKING
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.services import scenario_transition
from scenariohub.tracking.models import (
    AMOUNT_MAX_YUAN,
    DURATION_MAX_MONTHS,
    Cooperation,
    CooperationAttachment,
    CooperationStatus,
    FollowUp,
    Milestone,
    MilestoneStatus,
    PilotAcceptance,
    PilotMetric,
    ProgressReport,
    ReportSource,
    RiskLevel,
)
from scenariohub.tracking.selectors import cooperation_visible_q, is_city_of, is_owner, may_follow_up

# Notification kinds of this app (members of matching's Verb, which labels them in the inbox).
VERB_AGREED = Verb.COOPERATION_AGREED
VERB_STARTED = Verb.COOPERATION_STARTED
VERB_REPORT = Verb.COOPERATION_REPORT
VERB_FOLLOWUP = Verb.COOPERATION_FOLLOWUP
VERB_PILOTED = Verb.COOPERATION_PILOTED
VERB_TERMINATED = Verb.COOPERATION_TERMINATED
VERB_BENCHMARK = Verb.COOPERATION_BENCHMARK
VERB_OVERDUE = Verb.MILESTONE_OVERDUE

MAX_METRICS = 20


# --------------------------------------------------------------------------------------------- helpers


def _users_of(*organisation_ids) -> list[User]:
    ids = [i for i in organisation_ids if i]
    user_ids = Membership.objects.filter(organisation_id__in=ids).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def _city_users(region_id: str | None) -> list[User]:
    if not region_id:
        return []
    user_ids = Membership.objects.filter(role=Role.CITY, organisation__region_id=region_id).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def _supplier_side(cooperation: Cooperation) -> list[int]:
    return [cooperation.supplier_id, *cooperation.application.members.values_list("pk", flat=True)]


def _link(cooperation: Cooperation) -> str:
    return reverse("tracking:cooperation-detail", args=[cooperation.pk])


def _locked(*, actor: Actor, cooperation_id: int) -> Cooperation:
    """The cooperation, row-locked, if the actor may see it (else 404). Call inside a transaction."""
    cooperation = (
        Cooperation.objects.select_for_update(of=("self",))
        .select_related("scenario", "application", "owner", "supplier")
        .filter(pk=cooperation_id)
        .first()
    )
    if (
        cooperation is None
        or not Cooperation.objects.filter(cooperation_visible_q(actor), pk=cooperation_id).exists()
    ):
        raise NotFound(_("Cooperation not found."))
    return cooperation


def _require_owner(actor: Actor, cooperation: Cooperation) -> None:
    if not is_owner(actor, cooperation):
        raise PermissionDenied(_("Only the scenario's owner organisation may do this."))


def _require_status(cooperation: Cooperation, *statuses: str) -> None:
    if cooperation.status not in statuses:
        raise InvalidTransition(
            _("Not possible while the cooperation is %(status)s.")
            % {"status": cooperation.get_status_display()}
        )


def _move(cooperation: Cooperation, *, to: str, **fields) -> None:
    # Guarded: the status must still be the one read under the lock.
    touched = Cooperation.objects.filter(pk=cooperation.pk, status=cooperation.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if touched != 1:
        raise InvalidTransition(
            _("The cooperation changed while you were acting on it. Reload and try again.")
        )
    cooperation.status = to
    for name, value in fields.items():
        setattr(cooperation, name, value)


def _date(
    data: dict,
    name: str,
    errors: dict,
    *,
    required: bool = True,
    today: dt.date | None = None,
    not_future: bool = False,
) -> dt.date | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors.setdefault(name, []).append(_("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.setdefault(name, []).append(_("Enter a date like 2026-06-30."))
            return None
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        errors.setdefault(name, []).append(_("Enter a date between 2000 and 2100."))
        return None
    if not_future and today and value > today:
        errors.setdefault(name, []).append(_("The date cannot be in the future."))
        return None
    return value


def _decimal(
    data: dict, name: str, errors: dict, *, low: Decimal, high: Decimal, places: int
) -> Decimal | None:
    raw = data.get(name)
    if raw in (None, ""):
        errors.setdefault(name, []).append(_("This field is required."))
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not value.is_finite() or not low <= value <= high:
        errors.setdefault(name, []).append(
            _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
        return None
    if -value.as_tuple().exponent > places:
        errors.setdefault(name, []).append(_("At most %(n)d decimal places.") % {"n": places})
        return None
    return value


def _integer(data: dict, name: str, errors: dict, *, low: int, high: int) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        errors.setdefault(name, []).append(_("This field is required."))
        return None
    text = str(raw).strip()
    if not re.fullmatch(r"\+?[0-9]{1,9}", text):
        errors.setdefault(name, []).append(_("Enter a whole number."))
        return None
    value = int(text)
    if not low <= value <= high:
        errors.setdefault(name, []).append(
            _("Enter a whole number between %(low)d and %(high)d.") % {"low": low, "high": high}
        )
        return None
    return value


def _audit(actor: Actor, action: str, obj, data: dict) -> None:
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=obj,
        data=data,
        ip_address=actor.ip_address,
    )


# ----------------------------------------------------------------------------------------- cooperation


def cooperation_create(
    *, actor: Actor, application_id: int, data: dict[str, Any], files=(), now: dt.datetime | None = None
) -> Cooperation:
    """Record the agreement signed with a shortlisted application; the scenario moves to agreed.

    Only a member of the scenario's owner organisation may record it, from a shortlisted application of a
    scenario in matching; a scenario has one agreement."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("scenario", "scenario__owner", "supplier")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            raise NotFound(_("Application not found."))
        scenario = application.scenario
        if actor.organisation_id != scenario.owner_id:
            from scenariohub.matching.selectors import application_visible_q

            if Application.objects.filter(application_visible_q(actor), pk=application.pk).exists() or (
                actor.is_office
            ):
                raise PermissionDenied(_("Only the scenario's owner organisation may record the agreement."))
            raise NotFound(_("Application not found."))
        if application.status != ApplicationStatus.SHORTLISTED:
            raise InvalidTransition(
                _("Only a shortlisted application can become an agreement; this one is %(status)s.")
                % {"status": application.get_status_display()},
                code="not_shortlisted",
            )
        if Cooperation.objects.filter(scenario_id=scenario.pk).exists():
            raise Conflict(
                _("An agreement has already been recorded for this scenario."), code="already_agreed"
            )
        errors: dict[str, list[str]] = {}
        parties = clean_text(data, "parties", errors, max_length=1000, required=True)
        scope = clean_text(data, "scope", errors, max_length=4000, required=True)
        signed_on = _date(data, "signed_on", errors, today=today, not_future=True)
        amount = _decimal(data, "amount", errors, low=Decimal(0), high=Decimal(AMOUNT_MAX_YUAN), places=2)
        duration = _integer(data, "duration_months", errors, low=1, high=DURATION_MAX_MONTHS)
        raise_if(errors)
        checked = validate_files(files)
        scenario_transition(
            actor=actor,
            scenario_id=scenario.pk,
            target=Status.AGREED,
            now=now,
            expected_status=Status.MATCHING,
            via=TRACKING,
        )
        try:
            with transaction.atomic():
                cooperation = Cooperation.objects.create(
                    scenario=scenario,
                    application=application,
                    owner_id=scenario.owner_id,
                    supplier_id=application.supplier_id,
                    parties=parties,
                    signed_on=signed_on,
                    amount=amount,
                    duration_months=duration,
                    scope=scope,
                    status=CooperationStatus.AGREED,
                    created_by=actor.user,
                )
        except IntegrityError:  # a concurrent agreement on the same scenario or application won
            raise Conflict(
                _("An agreement has already been recorded for this scenario."), code="already_agreed"
            ) from None
        save_attachments(CooperationAttachment, checked, actor=actor, cooperation=cooperation)
        _audit(
            actor,
            "cooperation.create",
            cooperation,
            {
                "scenario": scenario.pk,
                "application": application.pk,
                "signed_on": signed_on.isoformat(),
                "amount": str(amount),
                "duration_months": duration,
                "attachments": len(checked),
            },
        )
        notify(
            recipients=[*_users_of(*_supplier_side(cooperation)), *_city_users(scenario.region_id)],
            verb=VERB_AGREED,
            message=gettext_lazy(
                "A cooperation agreement for “%(scenario)s” has been recorded (signed %(date)s)."
            ),
            params={"scenario": scenario.title, "date": signed_on.isoformat()},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return cooperation


def cooperation_start(
    *,
    actor: Actor,
    cooperation_id: int,
    started_on: dt.date | str | None = None,
    now: dt.datetime | None = None,
) -> Cooperation:
    """The work has started: cooperation and scenario → implementing (owner)."""
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_owner(actor, cooperation)
        _require_status(cooperation, CooperationStatus.AGREED)
        errors: dict[str, list[str]] = {}
        start = _date(
            {"started_on": started_on},
            "started_on",
            errors,
            required=False,
            today=timezone.localdate(now),
            not_future=True,
        ) or timezone.localdate(now)
        raise_if(errors)
        if start < cooperation.signed_on:
            raise ValidationFailed(
                _("Please correct the errors below."),
                details={"started_on": [_("Work cannot start before the agreement was signed.")]},
            )
        scenario_transition(
            actor=actor,
            scenario_id=cooperation.scenario_id,
            target=Status.IMPLEMENTING,
            now=now,
            expected_status=Status.AGREED,
            via=TRACKING,
        )
        _move(cooperation, to=CooperationStatus.IMPLEMENTING, started_on=start)
        _audit(actor, "cooperation.start", cooperation, {"started_on": start.isoformat()})
        notify(
            recipients=[
                *_users_of(*_supplier_side(cooperation)),
                *_city_users(cooperation.scenario.region_id),
            ],
            verb=VERB_STARTED,
            message=gettext_lazy("Implementation of “%(scenario)s” has started."),
            params={"scenario": cooperation.scenario.title},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return cooperation


def cooperation_terminate(
    *, actor: Actor, cooperation_id: int, reason: str, now: dt.datetime | None = None
) -> Cooperation:
    """A failed cooperation ends: the scenario is closed with the reason (city of the region or office;
    the lifecycle table decides who)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        scenario_transition(
            actor=actor,
            scenario_id=cooperation.scenario_id,
            target=Status.CLOSED,
            reason=reason,
            now=now,
            expected_status=cooperation.status,
            via=TRACKING,
        )
        _move(cooperation, to=CooperationStatus.TERMINATED, terminated_at=now, termination_reason=reason)
        _audit(actor, "cooperation.terminate", cooperation, {"reason": reason})
        notify(
            recipients=_users_of(cooperation.owner_id, *_supplier_side(cooperation)),
            verb=VERB_TERMINATED,
            message=gettext_lazy("The cooperation on “%(scenario)s” has been terminated. Reason: %(reason)s"),
            params={"scenario": cooperation.scenario.title, "reason": reason},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return cooperation


def cooperation_designate_benchmark(
    *, actor: Actor, cooperation_id: int, reason: str = "", now: dt.datetime | None = None
) -> Cooperation:
    """The office designates a piloted cooperation as a benchmark case: scenario and cooperation →
    benchmark. Called by the benchmark-case review (app `cases`) inside its own transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_status(cooperation, CooperationStatus.PILOTED)
        scenario_transition(
            actor=actor,
            scenario_id=cooperation.scenario_id,
            target=Status.BENCHMARK,
            reason=reason,
            now=now,
            expected_status=Status.PILOTED,
            via=TRACKING,
        )
        _move(cooperation, to=CooperationStatus.BENCHMARK)
        _audit(actor, "cooperation.designate_benchmark", cooperation, {"reason": reason})
        notify(
            recipients=[
                *_users_of(cooperation.owner_id, *_supplier_side(cooperation)),
                *_city_users(cooperation.scenario.region_id),
            ],
            verb=VERB_BENCHMARK,
            message=gettext_lazy("“%(scenario)s” has been designated a benchmark case."),
            params={"scenario": cooperation.scenario.title},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return cooperation


# ------------------------------------------------------------------------------------------ milestones


def _milestone_values(data: dict, errors: dict) -> tuple[str, dt.date | None]:
    title = clean_text(data, "title", errors, max_length=100, required=True)
    planned = _date(data, "planned_on", errors)
    return title, planned


def milestone_add(*, actor: Actor, cooperation_id: int, data: dict[str, Any]) -> Milestone:
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_owner(actor, cooperation)
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        errors: dict[str, list[str]] = {}
        title, planned = _milestone_values(data, errors)
        raise_if(errors)
        milestone = Milestone.objects.create(cooperation=cooperation, title=title, planned_on=planned)
        _audit(
            actor,
            "milestone.add",
            milestone,
            {"cooperation": cooperation.pk, "title": title, "planned_on": planned.isoformat()},
        )
    return milestone


def _locked_milestone(actor: Actor, milestone_id: int) -> tuple[Milestone, Cooperation]:
    row = Milestone.objects.filter(pk=milestone_id).values_list("cooperation_id", flat=True).first()
    if row is None:
        raise NotFound(_("Milestone not found."))
    cooperation = _locked(actor=actor, cooperation_id=row)
    milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
    return milestone, cooperation


def milestone_update(*, actor: Actor, milestone_id: int, data: dict[str, Any]) -> Milestone:
    """Rename or reschedule a milestone not yet done; a new planned date is watched again for overdue."""
    with transaction.atomic():
        milestone, cooperation = _locked_milestone(actor, milestone_id)
        _require_owner(actor, cooperation)
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        if milestone.status == MilestoneStatus.DONE:
            raise InvalidTransition(
                _("A milestone that is done can no longer be changed."), code="milestone_done"
            )
        errors: dict[str, list[str]] = {}
        title, planned = _milestone_values(data, errors)
        status = data.get("status") or milestone.status
        if status not in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS):
            errors.setdefault("status", []).append(
                _("Choose planned or in progress; use “complete” to finish it.")
            )
        raise_if(errors)
        before = {
            "title": milestone.title,
            "planned_on": milestone.planned_on.isoformat(),
            "status": milestone.status,
        }
        if planned != milestone.planned_on:
            milestone.overdue_flagged_at = None
        milestone.title, milestone.planned_on, milestone.status = title, planned, status
        milestone.save()
        _audit(
            actor,
            "milestone.update",
            milestone,
            {
                "before": before,
                "after": {"title": title, "planned_on": planned.isoformat(), "status": status},
            },
        )
    return milestone


def milestone_complete(
    *,
    actor: Actor,
    milestone_id: int,
    done_on: dt.date | str | None,
    now: dt.datetime | None = None,
    via_sheet: bool = False,
) -> Milestone:
    """The milestone is reached on `done_on` (owner; the city of the region through the tracking sheet)."""
    now = now or timezone.now()
    with transaction.atomic():
        milestone, cooperation = _locked_milestone(actor, milestone_id)
        if not (is_owner(actor, cooperation) or (via_sheet and is_city_of(actor, cooperation))):
            raise PermissionDenied(_("Only the scenario's owner organisation may do this."))
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        if milestone.status == MilestoneStatus.DONE:
            raise InvalidTransition(_("This milestone is already done."), code="milestone_done")
        errors: dict[str, list[str]] = {}
        done = _date({"done_on": done_on}, "done_on", errors, today=timezone.localdate(now), not_future=True)
        raise_if(errors)
        Milestone.objects.filter(pk=milestone.pk).update(
            status=MilestoneStatus.DONE, done_on=done, updated_at=now
        )
        milestone.refresh_from_db()
        _audit(actor, "milestone.complete", milestone, {"done_on": done.isoformat(), "sheet": via_sheet})
    return milestone


# ---------------------------------------------------------------------------------- reports, follow-ups


def progress_report_create(
    *,
    actor: Actor,
    cooperation_id: int,
    data: dict[str, Any],
    files=(),
    now: dt.datetime | None = None,
    via_sheet: bool = False,
) -> ProgressReport:
    """A progress report by the owner (or, through the tracking sheet, by the city of the region)."""
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        if not (is_owner(actor, cooperation) or (via_sheet and is_city_of(actor, cooperation))):
            raise PermissionDenied(_("Only the scenario's owner organisation may report progress."))
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        errors: dict[str, list[str]] = {}
        reported_on = _date(
            data, "reported_on", errors, required=False, today=timezone.localdate(now), not_future=True
        ) or timezone.localdate(now)
        percent = _integer(data, "percent_complete", errors, low=0, high=100)
        text = clean_text(data, "text", errors, max_length=4000, required=True)
        raise_if(errors)
        checked = validate_files(files)
        report = ProgressReport.objects.create(
            cooperation=cooperation,
            reported_on=reported_on,
            percent_complete=percent,
            text=text,
            source=ReportSource.SHEET if via_sheet else ReportSource.FORM,
            author=actor.user,
            organisation=actor.organisation,
        )
        save_attachments(CooperationAttachment, checked, actor=actor, cooperation=cooperation, report=report)
        _audit(
            actor,
            "progress_report.create",
            report,
            {
                "cooperation": cooperation.pk,
                "percent": percent,
                "reported_on": reported_on.isoformat(),
                "sheet": via_sheet,
                "attachments": len(checked),
            },
        )
        recipients = _users_of(*_supplier_side(cooperation)) + _city_users(cooperation.scenario.region_id)
        if via_sheet:
            recipients += _users_of(cooperation.owner_id)
        notify(
            recipients=recipients,
            verb=VERB_REPORT,
            message=gettext_lazy("New progress report on “%(scenario)s”: %(percent)d%% complete."),
            params={"scenario": cooperation.scenario.title, "percent": percent},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return report


def cooperation_attachments_add(
    *, actor: Actor, cooperation_id: int, files, report_id: int | None = None
) -> list[CooperationAttachment]:
    """Files added to a recorded cooperation: the signed agreement (no `report_id`) or attachments of one
    of the owner's progress reports. For API clients, which record the agreement or the report as JSON
    first; the pages send the files with the form, through the same checks (`validate_files`: content
    signature, libmagic, size, at most MAX_ATTACHMENTS per agreement or report). All files or none.

    Only the owner organisation, while the cooperation is agreed or implementing (like reports)."""
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_owner(actor, cooperation)
        report = None
        if report_id is not None:
            report = cooperation.reports.filter(pk=report_id).first()
            if report is None:
                raise NotFound(_("Progress report not found."))
            if report.organisation_id != actor.organisation_id:
                # A report written by the city through the tracking sheet stays as the city sent it.
                raise PermissionDenied(_("Only the organisation that wrote a report may add files to it."))
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        files = [f for f in files if f]
        if not files:
            raise ValidationFailed(
                _("Choose at least one file."),
                code="no_file",
                details={"attachments": [_("Choose at least one file.")]},
            )
        existing = cooperation.attachments.filter(report=report).count()
        checked = validate_files(files, existing=existing)
        rows = save_attachments(CooperationAttachment, checked, actor=actor, cooperation=cooperation, report=report)
        _audit(
            actor,
            "cooperation.attachments_add",
            cooperation,
            {
                "report": report_id,
                "attachments": [row.pk for row in rows],
                "names": [row.original_name for row in rows],
            },
        )
    return rows


def followup_create(
    *, actor: Actor, cooperation_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> FollowUp:
    """A comment by the city lead department of the scenario's region or by the office, with a risk level."""
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        if not may_follow_up(actor, cooperation):
            raise PermissionDenied(_("Only the city of the scenario's region or the office may follow up."))
        _require_status(cooperation, CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)
        errors: dict[str, list[str]] = {}
        comment = clean_text(data, "comment", errors, max_length=2000, required=True)
        risk = data.get("risk_level") or RiskLevel.NONE
        if risk not in RiskLevel.values:
            errors.setdefault("risk_level", []).append(_("Choose a risk level from the list."))
        raise_if(errors)
        followup = FollowUp.objects.create(
            cooperation=cooperation,
            comment=comment,
            risk_level=risk,
            author=actor.user,
            organisation=actor.organisation,
            created_at=now,
        )
        _audit(actor, "followup.create", followup, {"cooperation": cooperation.pk, "risk_level": risk})
        message = (
            gettext_lazy("%(org)s flagged a %(risk)s risk on “%(scenario)s”: %(comment)s")
            if risk != RiskLevel.NONE
            else gettext_lazy("%(org)s commented on “%(scenario)s”: %(comment)s")
        )
        notify(
            recipients=_users_of(cooperation.owner_id),
            verb=VERB_FOLLOWUP,
            message=message,
            params={
                "org": actor.organisation.name,
                "risk": RiskLevel(risk).label,
                "scenario": cooperation.scenario.title,
                "comment": comment[:200],
            },
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return followup


def followup_resolve(
    *, actor: Actor, followup_id: int, resolution: str = "", now: dt.datetime | None = None
) -> FollowUp:
    """Mark a flagged risk as resolved (city of the region or office)."""
    now = now or timezone.now()
    with transaction.atomic():
        cooperation_id = (
            FollowUp.objects.filter(pk=followup_id).values_list("cooperation_id", flat=True).first()
        )
        if cooperation_id is None:
            raise NotFound(_("Follow-up not found."))
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        if not may_follow_up(actor, cooperation):
            raise PermissionDenied(
                _("Only the city of the scenario's region or the office may resolve a risk.")
            )
        errors: dict[str, list[str]] = {}
        resolution = clean_text({"resolution": resolution}, "resolution", errors, max_length=1000)
        raise_if(errors)
        touched = FollowUp.objects.filter(pk=followup_id, resolved=False).update(
            resolved=True, resolved_at=now, resolved_by=actor.user, resolution=resolution
        )
        if touched != 1:
            raise InvalidTransition(_("This follow-up is already resolved."), code="already_resolved")
        followup = FollowUp.objects.get(pk=followup_id)
        _audit(actor, "followup.resolve", followup, {"cooperation": cooperation.pk, "resolution": resolution})
    return followup


# ----------------------------------------------------------------------------------------------- pilot


def pilot_accept(
    *, actor: Actor, cooperation_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> PilotAcceptance:
    """Record the pilot's acceptance with its measured results; cooperation and scenario → piloted (owner).

    `data["metrics"]` is a list of `{"name", "before", "after", "unit"}`; at least one is required."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        cooperation = _locked(actor=actor, cooperation_id=cooperation_id)
        _require_owner(actor, cooperation)
        _require_status(cooperation, CooperationStatus.IMPLEMENTING)
        errors: dict[str, list[str]] = {}
        accepted_on = _date(data, "accepted_on", errors, today=today, not_future=True)
        report = clean_text(data, "report", errors, max_length=4000, required=True)
        metrics = _metrics(data.get("metrics") or [], errors)
        if accepted_on and cooperation.started_on and accepted_on < cooperation.started_on:
            errors.setdefault("accepted_on", []).append(
                _("The pilot cannot be accepted before the work started.")
            )
        raise_if(errors)
        scenario_transition(
            actor=actor,
            scenario_id=cooperation.scenario_id,
            target=Status.PILOTED,
            now=now,
            expected_status=Status.IMPLEMENTING,
            via=TRACKING,
        )
        _move(cooperation, to=CooperationStatus.PILOTED)
        acceptance = PilotAcceptance.objects.create(
            cooperation=cooperation, accepted_on=accepted_on, report=report, accepted_by=actor.user
        )
        PilotMetric.objects.bulk_create(
            [PilotMetric(acceptance=acceptance, position=i, **m) for i, m in enumerate(metrics)]
        )
        _audit(
            actor,
            "cooperation.accept_pilot",
            cooperation,
            {
                "accepted_on": accepted_on.isoformat(),
                "metrics": [{k: str(v) for k, v in m.items()} for m in metrics],
            },
        )
        notify(
            recipients=[
                *_users_of(*_supplier_side(cooperation)),
                *_city_users(cooperation.scenario.region_id),
            ],
            verb=VERB_PILOTED,
            message=gettext_lazy("The pilot of “%(scenario)s” has been accepted."),
            params={"scenario": cooperation.scenario.title},
            link=_link(cooperation),
            obj=cooperation,
            exclude=actor.user,
        )
    return acceptance


def _metrics(rows, errors: dict) -> list[dict]:
    """Clean metric rows; problems are keyed `metrics` with the row number, so all are shown at once."""
    out: list[dict] = []
    names: set[str] = set()
    if not isinstance(rows, list | tuple):
        errors.setdefault("metrics", []).append(
            _("Enter the results as rows of name, before, after and unit.")
        )
        return out
    rows = [r for r in rows if any(str(r.get(k) or "").strip() for k in ("name", "before", "after", "unit"))]
    if not rows:
        errors.setdefault("metrics", []).append(_("Enter at least one measured result."))
    if len(rows) > MAX_METRICS:
        errors.setdefault("metrics", []).append(_("At most %(n)d results.") % {"n": MAX_METRICS})
        return out
    limit = Decimal("999999999999")
    for number, row in enumerate(rows, start=1):
        row_errors: dict[str, list[str]] = {}
        name = clean_text(row, "name", row_errors, max_length=60, required=True)
        unit = clean_text(row, "unit", row_errors, max_length=20)
        before = _decimal(row, "before", row_errors, low=-limit, high=limit, places=4)
        after = _decimal(row, "after", row_errors, low=-limit, high=limit, places=4)
        if name and name.casefold() in names:
            row_errors.setdefault("name", []).append(_("This metric is entered twice."))
        names.add(name.casefold())
        for field, messages in row_errors.items():
            for text in messages:
                errors.setdefault("metrics", []).append(
                    _("Result %(n)d, %(field)s: %(message)s")
                    % {"n": number, "field": _METRIC_LABELS[field](), "message": text}
                )
        if not row_errors:
            out.append({"name": name, "before": before, "after": after, "unit": unit})
    return out


_METRIC_LABELS = {
    "name": lambda: _("metric"),
    "before": lambda: _("before"),
    "after": lambda: _("after"),
    "unit": lambda: _("unit"),
}


# ------------------------------------------------------------------------------------------- reminders


def milestones_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Flag the milestones that became overdue and remind their owners and the city, once per milestone.

    Safe to run twice: the flag is set by a guarded update (only where still empty), and only a row this
    run flagged sends a reminder. Returns the number of milestones flagged now."""
    from scenariohub.tracking.selectors import milestones_overdue

    now = now or timezone.now()
    today = timezone.localdate(now)
    flagged = 0
    for milestone in milestones_overdue(today=today).filter(overdue_flagged_at__isnull=True).order_by("pk"):
        with transaction.atomic():
            if (
                Milestone.objects.filter(pk=milestone.pk, overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=now
                )
                != 1
            ):
                continue  # another run flagged it meanwhile
            cooperation = milestone.cooperation
            audit_record(
                actor=None,
                organisation=None,
                action="milestone.flag_overdue",
                obj=milestone,
                data={"cooperation": cooperation.pk, "planned_on": milestone.planned_on.isoformat()},
            )
            notify(
                recipients=[*_users_of(cooperation.owner_id), *_city_users(cooperation.scenario.region_id)],
                verb=VERB_OVERDUE,
                message=gettext_lazy(
                    "The milestone “%(milestone)s” of “%(scenario)s” was planned for %(date)s and is not done yet."
                ),
                params={
                    "milestone": milestone.title,
                    "scenario": cooperation.scenario.title,
                    "date": milestone.planned_on.isoformat(),
                },
                link=_link(cooperation),
                obj=milestone,
            )
            flagged += 1
    return flagged
