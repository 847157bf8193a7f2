"""The owner's side of matching: scoring criteria, reviewer invitations, scores, talks and Q&A."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.matching.models import (
    SCORE_MAX,
    ApplicationStatus,
    Criterion,
    Question,
    ReviewerInvitation,
    Score,
    Talk,
    TalkOutcome,
    Verb,
)
from scenariohub.matching.selectors import (
    OPEN_FOR_APPLICATIONS,
    criteria_locked,
    reviewer_candidates,
    talk_participant_candidates,
)
from scenariohub.matching.services._common import (
    clean_text,
    locked_application,
    organisation_users,
    raise_if,
    require_role,
)
from scenariohub.matching.services.notifications import notify
from scenariohub.scenarios.models import Scenario
from scenariohub.scenarios.selectors import scenario_get_for_actor

# Data, not interface text: the names are stored as the owner will see and edit them.
DEFAULT_CRITERIA = (("技术方案", 40), ("团队能力", 20), ("实施计划", 20), ("成本", 20))
MAX_CRITERIA = 10


def _owned_scenario(actor: Actor, scenario_id: int, *, lock: bool = False) -> Scenario:
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id, write=True)  # 404 / 403
    if lock:
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    return scenario


# ---------------------------------------------------------------------------------------------- criteria


def criteria_ensure_defaults(*, scenario: Scenario) -> None:
    """Give a scenario the default criteria when it has none (called on its first application)."""
    if not Criterion.objects.filter(scenario=scenario).exists():
        Criterion.objects.bulk_create(
            [Criterion(scenario=scenario, name=name, weight=weight, position=i)
             for i, (name, weight) in enumerate(DEFAULT_CRITERIA)]
        )


@transaction.atomic
def criteria_replace(*, actor: Actor, scenario_id: int, items: list[dict[str, Any]]) -> list[Criterion]:
    """Set the scenario's criteria (name, weight 1–100). Refused once anyone has scored: the scale would shift."""
    scenario = _owned_scenario(actor, scenario_id, lock=True)
    if criteria_locked(scenario=scenario):
        raise Conflict(_("The criteria cannot change once reviewers have scored."), code="criteria_locked")
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[str, int]] = []
    for item in items:
        name = str(item.get("name") or "").strip()
        if not name:
            continue
        try:
            weight = int(item.get("weight"))
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 100:
            errors.setdefault("criteria", []).append(_("Each weight is a whole number from 1 to 100."))
        if len(name) > 40:
            errors.setdefault("criteria", []).append(_("A criterion name has at most 40 characters."))
        if name in (n for n, _w in cleaned):
            errors.setdefault("criteria", []).append(_("Criterion names must differ: %(name)s") % {"name": name})
        cleaned.append((name, weight))
    if not cleaned or len(cleaned) > MAX_CRITERIA:
        errors.setdefault("criteria", []).append(_("Give between 1 and %(n)d criteria.") % {"n": MAX_CRITERIA})
    raise_if(errors)
    Criterion.objects.filter(scenario=scenario).delete()
    rows = Criterion.objects.bulk_create(
        [Criterion(scenario=scenario, name=name, weight=weight, position=i) for i, (name, weight) in enumerate(cleaned)]
    )
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="matching.criteria_replace", obj=scenario,
        data={"criteria": [[n, w] for n, w in cleaned]}, ip_address=actor.ip_address,
    )
    return rows


# ---------------------------------------------------------------------------------------------- reviewers


@transaction.atomic
def reviewer_invite(*, actor: Actor, scenario_id: int, membership_id: int) -> ReviewerInvitation:
    """Invite a member of the owner organisation, of the scenario's city lead department or of the office."""
    scenario = _owned_scenario(actor, scenario_id, lock=True)
    membership = reviewer_candidates(scenario=scenario).filter(pk=membership_id).first()
    if membership is None:
        raise ValidationFailed(
            _("Reviewers are members of your organisation, of the city lead department or of the provincial office."),
            details={"reviewer": [_("Select a valid choice.")]},
        )
    invitation, created = ReviewerInvitation.objects.get_or_create(
        scenario=scenario, reviewer=membership, defaults={"invited_by": actor.user}
    )
    if created:
        audit_record(
            actor=actor.user, organisation=actor.organisation, action="matching.reviewer_invite", obj=invitation,
            data={"scenario": scenario.pk, "membership": membership.pk, "user": membership.user_id},
            ip_address=actor.ip_address,
        )
        notify(
            recipients=[membership.user], verb=Verb.REVIEW_INVITED, exclude=actor.user,
            message=gettext_lazy("You are invited to review the applicants of “%(scenario)s”."),
            params={"scenario": scenario.title},
            link=reverse("matching:scenario-applications", args=[scenario.pk]), obj=invitation,
        )
    return invitation


@transaction.atomic
def reviewer_remove(*, actor: Actor, invitation_id: int) -> int:
    """Withdraw an invitation; returns the scenario's id. Scores already given stay: they were given while
    invited."""
    invitation = ReviewerInvitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("Invitation not found."))
    scenario = _owned_scenario(actor, invitation.scenario_id)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="matching.reviewer_remove", obj=invitation,
        data={"scenario": scenario.pk, "membership": invitation.reviewer_id}, ip_address=actor.ip_address,
    )
    invitation.delete()
    return scenario.pk


# ---------------------------------------------------------------------------------------------- scores


@transaction.atomic
def score_save(*, actor: Actor, application_id: int, values: dict[Any, Any], comment: str = "") -> list[Score]:
    """An invited reviewer scores one application on every criterion (0–10). Locked once it is decided."""
    application = locked_application(actor=actor, application_id=application_id)
    if actor.membership is None or not ReviewerInvitation.objects.filter(
        scenario_id=application.scenario_id, reviewer=actor.membership
    ).exists():
        raise PermissionDenied(_("Only invited reviewers score applications."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(_("Scores are locked: a decision has been made on this application."), code="scores_locked")
    criteria = list(Criterion.objects.filter(scenario_id=application.scenario_id))
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, int] = {}
    for criterion in criteria:
        raw = values.get(criterion.pk, values.get(str(criterion.pk)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors.setdefault(str(criterion.pk), []).append(_("This field is required."))
            continue
        if not 0 <= value <= SCORE_MAX:
            errors.setdefault(str(criterion.pk), []).append(
                _("A score is a whole number from 0 to %(max)d.") % {"max": SCORE_MAX}
            )
            continue
        cleaned[criterion.pk] = value
    unknown = {str(k) for k in values} - {str(c.pk) for c in criteria}
    if unknown:
        errors.setdefault("__all__", []).append(_("Unknown criteria: %(ids)s") % {"ids": ", ".join(sorted(unknown))})
    comment = (comment or "").strip()
    if len(comment) > 500:
        errors.setdefault("comment", []).append(_("Too long."))
    raise_if(errors)
    rows = []
    for criterion in criteria:
        row, _created = Score.objects.update_or_create(
            application=application, criterion=criterion, reviewer=actor.membership,
            defaults={"value": cleaned[criterion.pk], "comment": comment},
        )
        rows.append(row)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="application.score", obj=application,
        data={"scores": {str(k): v for k, v in cleaned.items()}}, ip_address=actor.ip_address,
    )
    return rows


# ---------------------------------------------------------------------------------------------- talks


def _when(raw) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = parse_datetime(raw.strip())
        except ValueError:
            return None
    else:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _talk_values(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    values = {
        "place": clean_text(data, "place", errors, max_length=200),
        "online_link": clean_text(data, "online_link", errors, max_length=200),
        "participants_note": clean_text(data, "participants_note", errors, max_length=300),
    }
    if values["online_link"]:
        try:
            URLValidator(schemes=["http", "https"])(values["online_link"])
        except ValidationError:
            errors.setdefault("online_link", []).append(_("Enter a valid URL."))
    if not values["place"] and not values["online_link"]:
        errors.setdefault("place", []).append(_("Give a place or an online meeting link."))
    return values


@transaction.atomic
def talk_schedule(*, actor: Actor, application_id: int, data: dict[str, Any]) -> Talk:
    """The scenario owner schedules a talk (对接洽谈) with a shortlisted applicant and tells the participants."""
    application = locked_application(actor=actor, application_id=application_id)
    scenario = Scenario.objects.get(pk=application.scenario_id)
    if not actor.acts_for(scenario.owner_id):
        raise PermissionDenied(_("Only the scenario owner schedules talks."))
    if application.status != ApplicationStatus.SHORTLISTED:
        raise InvalidTransition(_("Talks are held with shortlisted applicants."), code="not_shortlisted")
    errors: dict[str, list[str]] = {}
    values = _talk_values(data, errors)
    scheduled_at = _when(data.get("scheduled_at"))
    if scheduled_at is None:
        errors.setdefault("scheduled_at", []).append(_("Enter a valid date/time."))
    candidates = {u.pk: u for u in talk_participant_candidates(application=application)}
    try:
        wanted = [int(p) for p in data.get("participants") or []]
    except (TypeError, ValueError):
        wanted = [0]
    if any(p not in candidates for p in wanted):
        errors.setdefault("participants", []).append(
            _("Participants are members of the scenario owner or of the applying suppliers.")
        )
    raise_if(errors)
    participants = [candidates[p] for p in wanted] or [u for u in (actor.user, application.submitted_by) if u]
    talk = Talk.objects.create(application=application, scheduled_at=scheduled_at, created_by=actor.user, **values)
    talk.participants.set(participants)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="talk.schedule", obj=talk,
        data={"application": application.pk, "scheduled_at": scheduled_at.isoformat(),
              "participants": [u.pk for u in participants]},
        ip_address=actor.ip_address,
    )
    local = timezone.localtime(scheduled_at)
    notify(
        recipients=participants, verb=Verb.TALK_SCHEDULED, exclude=actor.user,
        message=gettext_lazy("A talk on “%(scenario)s” is scheduled for %(when)s at %(where)s."),
        params={"scenario": scenario.title, "when": f"{local:%Y-%m-%d %H:%M}",
                "where": values["place"] or values["online_link"]},
        link=reverse("matching:talk-detail", args=[talk.pk]), obj=talk,
    )
    return talk


@transaction.atomic
def talk_record(*, actor: Actor, talk_id: int, data: dict[str, Any]) -> Talk:
    """The owner records minutes and outcome (and may move the time or place)."""
    talk = Talk.objects.select_for_update().filter(pk=talk_id).first()
    if talk is None:
        raise NotFound(_("Talk not found."))
    application = locked_application(actor=actor, application_id=talk.application_id)
    scenario = Scenario.objects.get(pk=application.scenario_id)
    if not actor.acts_for(scenario.owner_id):
        raise PermissionDenied(_("Only the scenario owner records talks."))
    errors: dict[str, list[str]] = {}
    merged = {"place": talk.place, "online_link": talk.online_link, "participants_note": talk.participants_note, **data}
    values = _talk_values(merged, errors)
    values["minutes"] = clean_text(data, "minutes", errors, max_length=8000)
    outcome = data.get("outcome") or talk.outcome
    if outcome not in TalkOutcome.values:
        errors.setdefault("outcome", []).append(_("Select a valid choice."))
    if "scheduled_at" in data:
        scheduled_at = _when(data.get("scheduled_at"))
        if scheduled_at is None:
            errors.setdefault("scheduled_at", []).append(_("Enter a valid date/time."))
        values["scheduled_at"] = scheduled_at
    raise_if(errors)
    values["outcome"] = outcome
    for name, value in values.items():
        setattr(talk, name, value)
    talk.save()
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="talk.record", obj=talk,
        data={"outcome": outcome, "minutes_length": len(values["minutes"])}, ip_address=actor.ip_address,
    )
    return talk


# ---------------------------------------------------------------------------------------------- Q&A


@transaction.atomic
def question_ask(*, actor: Actor, scenario_id: int, text: str) -> Question:
    require_role(actor, Role.SUPPLIER, message=_("Only suppliers ask questions on scenarios."))
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    if scenario.status not in OPEN_FOR_APPLICATIONS:
        raise InvalidTransition(_("This scenario no longer takes questions."), code="not_open")
    errors: dict[str, list[str]] = {}
    text = clean_text({"text": text}, "text", errors, max_length=2000, required=True)
    raise_if(errors)
    question = Question.objects.create(
        scenario=scenario, asker_organisation_id=actor.organisation_id, asked_by=actor.user, text=text
    )
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="question.ask", obj=question,
        data={"scenario": scenario.pk}, ip_address=actor.ip_address,
    )
    notify(
        recipients=organisation_users(scenario.owner_id), verb=Verb.QUESTION_ASKED,
        message=gettext_lazy("A supplier asked a question on “%(scenario)s”."), params={"scenario": scenario.title},
        link=reverse("matching:scenario-matching", args=[scenario.pk]), obj=question,
    )
    return question


@transaction.atomic
def question_answer(*, actor: Actor, question_id: int, answer: str) -> Question:
    """The owner answers; every applicant of the scenario then sees question and answer (not who asked)."""
    question = Question.objects.select_for_update().filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("Question not found."))
    scenario = scenario_get_for_actor(actor=actor, pk=question.scenario_id)
    if not actor.acts_for(scenario.owner_id):
        if question.asker_organisation_id == actor.organisation_id or actor.role == Role.OFFICE:
            raise PermissionDenied(_("Only the scenario owner answers questions."))
        raise NotFound(_("Question not found."))
    errors: dict[str, list[str]] = {}
    answer = clean_text({"answer": answer}, "answer", errors, max_length=4000, required=True)
    raise_if(errors)
    first = question.answered_at is None
    question.answer, question.answered_by, question.answered_at = answer, actor.user, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="question.answer" if first else "question.reanswer",
        obj=question, data={"scenario": scenario.pk}, ip_address=actor.ip_address,
    )
    if first:
        notify(
            recipients=[question.asked_by] if question.asked_by else [], verb=Verb.QUESTION_ANSWERED,
            message=gettext_lazy("Your question on “%(scenario)s” has been answered."),
            params={"scenario": scenario.title},
            link=reverse("matching:scenario-matching", args=[scenario.pk]), obj=question,
        )
    return question

