"""Applications to released scenarios: apply (alone or as a consortium), shortlist, decline, withdraw.

The first application moves the scenario from published to matching through the scenario lifecycle
service, inside the same transaction and under the scenario's row lock, so two suppliers applying at
once cause exactly one transition.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Organisation, Role
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.matching import lifecycle
from scenariohub.matching.models import (
    MAX_CONSORTIUM_MEMBERS,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    ApplicationTransition,
    Solution,
    Verb,
)
from scenariohub.matching.selectors import OPEN_FOR_APPLICATIONS, deadline_passed
from scenariohub.matching.services._common import (
    clean_text,
    locked_application,
    organisation_users,
    raise_if,
    require_role,
    save_attachments,
    validate_files,
)
from scenariohub.matching.services.notifications import notify
from scenariohub.matching.services.review import criteria_ensure_defaults
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.services import scenario_transition


def _consortium(actor: Actor, raw, errors: dict) -> list[Organisation]:
    ids: list[int] = []
    for value in raw or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            errors.setdefault("members", []).append(_("Enter a whole number."))
            return []
    ids = [i for i in dict.fromkeys(ids) if i != actor.organisation_id]
    if len(ids) > MAX_CONSORTIUM_MEMBERS:
        errors.setdefault("members", []).append(
            _("A consortium has at most %(n)d members besides the lead supplier.") % {"n": MAX_CONSORTIUM_MEMBERS}
        )
        return []
    members = list(Organisation.objects.filter(pk__in=ids, type=Role.SUPPLIER))
    if len(members) != len(ids):
        errors.setdefault("members", []).append(_("Consortium members must be registered suppliers."))
    return members


def _proposed_solution(actor: Actor, raw, errors: dict) -> Solution | None:
    if raw in (None, ""):
        return None
    solution = Solution.objects.filter(pk=raw, supplier_id=actor.organisation_id).first() if str(raw).isdigit() else None
    if solution is None:
        errors.setdefault("solution", []).append(_("Choose one of your own solutions."))
    return solution


def application_create(*, actor: Actor, scenario_id: int, data: dict[str, Any], files=(),
                       now: dt.datetime | None = None) -> Application:
    """Apply to a released scenario before its deadline; one active application per supplier and scenario."""
    require_role(actor, Role.SUPPLIER, message=_("Only suppliers may apply to scenarios."))
    errors: dict[str, list[str]] = {}
    values = {
        "proposal": clean_text(data, "proposal", errors, max_length=8000, required=True),
        "team": clean_text(data, "team", errors, max_length=2000),
        "schedule": clean_text(data, "schedule", errors, max_length=2000),
    }
    members = _consortium(actor, data.get("members"), errors)
    solution = _proposed_solution(actor, data.get("solution"), errors)
    raise_if(errors)
    checked = validate_files(files)
    now = now or timezone.now()

    with transaction.atomic():
        # The row lock serialises applications to one scenario: only the first sees it still published.
        scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None or not scenario.is_public:
            raise NotFound(_("Scenario not found."))
        if scenario.status not in OPEN_FOR_APPLICATIONS:
            raise InvalidTransition(
                _("This scenario no longer accepts applications (it is %(status)s).")
                % {"status": scenario.get_status_display()}, code="not_open",
            )
        if deadline_passed(scenario, today=timezone.localdate(now)):
            raise Conflict(_("The application deadline of this scenario has passed."), code="deadline_passed")
        if Application.objects.filter(scenario=scenario, supplier_id=actor.organisation_id).exclude(
            status=ApplicationStatus.WITHDRAWN
        ).exists():
            raise Conflict(_("Your organisation has already applied to this scenario."), code="already_applied")
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    scenario=scenario, supplier_id=actor.organisation_id, solution=solution, submitted_by=actor.user,
                    **values,
                )
        except IntegrityError:  # a concurrent application from the same supplier won the unique constraint
            raise Conflict(_("Your organisation has already applied to this scenario."), code="already_applied") from None
        application.members.set(members)
        save_attachments(ApplicationAttachment, checked, actor=actor, application=application)
        ApplicationTransition.objects.create(
            application=application, action="submit", from_status="", to_status=ApplicationStatus.SUBMITTED,
            actor=actor.user, organisation=actor.organisation, created_at=now,
        )
        audit_record(
            actor=actor.user, organisation=actor.organisation, action="application.submit", obj=application,
            data={"scenario": scenario.pk, "members": [m.pk for m in members],
                  "solution": solution.pk if solution else None, "attachments": len(checked)},
            ip_address=actor.ip_address,
        )
        if scenario.status == Status.PUBLISHED:
            scenario_transition(
                actor=actor, scenario_id=scenario.pk, target=Status.MATCHING, now=now, expected_status=Status.PUBLISHED
            )
        criteria_ensure_defaults(scenario=scenario)
        notify(
            recipients=organisation_users(scenario.owner_id), verb=Verb.APPLICATION_NEW,
            message=gettext_lazy("%(supplier)s applied to your scenario “%(scenario)s”."),
            params={"supplier": actor.organisation.name, "scenario": scenario.title},
            link=reverse("matching:application-detail", args=[application.pk]), obj=application,
        )
    return application


_STEP_MESSAGES = {
    "shortlist": (Verb.APPLICATION_SHORTLISTED,
                  gettext_lazy("Your application to “%(scenario)s” has been shortlisted.")),
    "decline": (Verb.APPLICATION_DECLINED,
                gettext_lazy("Your application to “%(scenario)s” has been declined. Reason: %(reason)s")),
    "withdraw": (Verb.APPLICATION_WITHDRAWN,
                 gettext_lazy("%(supplier)s withdrew its application to “%(scenario)s”.")),
}


def application_step(*, actor: Actor, application_id: int, action: str, reason: str = "",
                     now: dt.datetime | None = None) -> Application:
    """Shortlist or decline (the scenario owner) or withdraw (the applicant), as the table allows."""
    from scenariohub.tracking.models import Cooperation  # tracking builds on matching, not the reverse

    step = lifecycle.step_by_action(action)
    if step is None:
        raise ValidationFailed(_("Unknown action."), details={"action": [_("Unknown action.")]})
    reason = (reason or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        application = locked_application(actor=actor, application_id=application_id)
        scenario = Scenario.objects.get(pk=application.scenario_id)
        if step.scope == lifecycle.OWNER and not actor.acts_for(scenario.owner_id):
            raise PermissionDenied(_("Only the scenario owner may decide on applications."))
        if step.scope == lifecycle.APPLICANT and not actor.acts_for(application.supplier_id):
            raise PermissionDenied(_("Only the lead supplier may withdraw its application."))
        if application.status not in step.sources:
            raise InvalidTransition(
                _("An application that is %(status)s cannot be %(action)s.")
                % {"status": application.get_status_display(), "action": str(step.label).lower()}
            )
        if Cooperation.objects.filter(application_id=application.pk).exists():
            # The agreement is signed: its cooperation is followed (or terminated) in tracking, not undone here.
            raise InvalidTransition(
                _("An agreement has been signed on this application; it can no longer be withdrawn or declined.")
            )
        if step.reason_required and not reason:
            raise ValidationFailed(_("A reason is required."), code="reason_required",
                                   details={"reason": [_("A reason is required.")]})
        if len(reason) > 1000:
            raise ValidationFailed(_("The reason is too long (1000 characters at most)."),
                                   details={"reason": [_("Too long.")]})
        updates: dict[str, Any] = {"status": step.target, "updated_at": now}
        if step.scope == lifecycle.OWNER:
            updates.update(decision_reason=reason, decided_by=actor.user, decided_at=now)
        # Guarded update: if a concurrent request changed the status, nothing is touched and we lose.
        if Application.objects.filter(pk=application.pk, status=application.status).update(**updates) != 1:
            raise InvalidTransition(_("The application changed while you were acting on it. Reload and try again."))
        ApplicationTransition.objects.create(
            application=application, action=step.action, from_status=application.status, to_status=step.target,
            actor=actor.user, organisation=actor.organisation, reason=reason, created_at=now,
        )
        audit_record(
            actor=actor.user, organisation=actor.organisation, action=f"application.{step.action}", obj=application,
            data={"from": application.status, "to": step.target, "reason": reason, "scenario": scenario.pk},
            ip_address=actor.ip_address,
        )
        verb, message = _STEP_MESSAGES[step.action]
        recipients = organisation_users(
            scenario.owner_id if step.scope == lifecycle.APPLICANT else application.supplier_id
        )
        notify(
            recipients=recipients, verb=verb, message=message, exclude=actor.user,
            params={"scenario": scenario.title, "reason": reason, "supplier": application.supplier.name},
            link=reverse("matching:application-detail", args=[application.pk]), obj=application,
        )
        application.refresh_from_db()
    return application


def application_shortlist(*, actor: Actor, application_id: int, reason: str = "") -> Application:
    return application_step(actor=actor, application_id=application_id, action="shortlist", reason=reason)


def application_decline(*, actor: Actor, application_id: int, reason: str) -> Application:
    return application_step(actor=actor, application_id=application_id, action="decline", reason=reason)


def application_withdraw(*, actor: Actor, application_id: int, reason: str = "") -> Application:
    return application_step(actor=actor, application_id=application_id, action="withdraw", reason=reason)
