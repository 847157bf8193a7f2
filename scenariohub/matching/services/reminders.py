"""Reminders sent by commands: undecided applications after the deadline, scenarios about to close.

Each (kind, scenario, recipient) is reminded once, ever: the `ReminderSent` row is inserted in the same
transaction as the notification, and its unique constraint turns a second run into a no-op.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from scenariohub.matching.models import ApplicationStatus, ReminderKind, ReminderSent, Verb
from scenariohub.matching.selectors import OPEN_FOR_APPLICATIONS
from scenariohub.matching.services._common import organisation_users
from scenariohub.matching.services.notifications import notify
from scenariohub.scenarios.models import Scenario, Status

ACTIVE = (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED)


def _remind_once(*, kind: str, scenario: Scenario, recipients, verb: str, message, params: dict, link: str) -> int:
    sent = 0
    for user in recipients:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(kind=kind, scenario=scenario, recipient=user)
                notify(recipients=[user], verb=verb, message=message, params=params, link=link, obj=scenario)
        except IntegrityError:
            continue  # reminded before (or by a concurrent run)
        sent += 1
    return sent


def remind_undecided(*, now: dt.datetime | None = None) -> int:
    """Tell the owners of matching scenarios whose deadline has passed that applications await a decision."""
    today = timezone.localdate(now or timezone.now())
    scenarios = (
        Scenario.objects.filter(status=Status.MATCHING, deadline__lt=today,
                                applications__status=ApplicationStatus.SUBMITTED)
        .distinct().order_by("pk")
    )
    sent = 0
    for scenario in scenarios:
        done = ReminderSent.objects.filter(kind=ReminderKind.UNDECIDED, scenario=scenario).values_list(
            "recipient_id", flat=True)
        recipients = [u for u in organisation_users(scenario.owner_id) if u.pk not in set(done)]
        sent += _remind_once(
            kind=ReminderKind.UNDECIDED, scenario=scenario, recipients=recipients, verb=Verb.UNDECIDED,
            message=gettext_lazy("The deadline of “%(scenario)s” has passed and some applications await your "
                                 "decision."),
            params={"scenario": scenario.title},
            link=reverse("matching:scenario-applications", args=[scenario.pk]),
        )
    return sent


def remind_closing(*, days: int = 3, now: dt.datetime | None = None) -> int:
    """Tell applicants that a scenario closes within `days` days (once per scenario and person)."""
    today = timezone.localdate(now or timezone.now())
    scenarios = (
        Scenario.objects.filter(status__in=OPEN_FOR_APPLICATIONS, deadline__gte=today,
                                deadline__lte=today + dt.timedelta(days=days), applications__status__in=ACTIVE)
        .distinct().order_by("pk")
    )
    sent = 0
    for scenario in scenarios:
        supplier_ids = set(scenario.applications.filter(status__in=ACTIVE).values_list("supplier_id", flat=True))
        done = set(ReminderSent.objects.filter(kind=ReminderKind.CLOSING, scenario=scenario).values_list(
            "recipient_id", flat=True))
        recipients = [u for u in organisation_users(*supplier_ids) if u.pk not in done]
        sent += _remind_once(
            kind=ReminderKind.CLOSING, scenario=scenario, recipients=recipients, verb=Verb.SCENARIO_CLOSING,
            message=gettext_lazy("Applications to “%(scenario)s” close on %(deadline)s."),
            params={"scenario": scenario.title, "deadline": scenario.deadline.isoformat()},
            link=reverse("matching:scenario-matching", args=[scenario.pk]),
        )
    return sent
