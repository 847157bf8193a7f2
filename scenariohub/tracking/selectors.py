"""Reads of cooperation tracking: who sees which cooperation, lists with filters, overdue milestones,
the cooperation's timeline.

Access (object level, one helper for views and API: `cooperation_get_for_actor`):
- the scenario's owner organisation, the application's lead supplier and its consortium members see the
  cooperation with its milestones, reports, follow-ups and results;
- the city lead department of the scenario's region sees its region's cooperations;
- the office sees all;
- anybody else gets 404. `write=True` further requires the owner organisation (403 otherwise).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.matching.models import Application
from scenariohub.tracking.models import (
    ACTIVE_STATUSES,
    Cooperation,
    CooperationAttachment,
    CooperationStatus,
    FollowUp,
    Milestone,
    MilestoneStatus,
    PilotMetric,
    ProgressReport,
    RiskLevel,
)


def cooperation_visible_q(actor: Actor) -> Q:
    """The cooperations this actor may see, as a filter on Cooperation."""
    if actor.is_anonymous or actor.organisation_id is None:
        return Q(pk__in=[])
    if actor.is_office:
        return Q()
    org = actor.organisation_id
    member_of = Application.members.through.objects.filter(organisation_id=org).values("application_id")
    q = Q(owner_id=org) | Q(supplier_id=org) | Q(application_id__in=member_of)
    if actor.role == Role.CITY and actor.region_id:
        q |= Q(scenario__region_id=actor.region_id)
    return q


def is_city_of(actor: Actor, cooperation: Cooperation) -> bool:
    """The city lead department of the cooperation's scenario region."""
    return (
        actor.role == Role.CITY
        and bool(actor.region_id)
        and actor.region_id == cooperation.scenario.region_id
    )


def may_follow_up(actor: Actor, cooperation: Cooperation) -> bool:
    return actor.is_office or is_city_of(actor, cooperation)


def is_owner(actor: Actor, cooperation: Cooperation) -> bool:
    return actor.organisation_id is not None and actor.organisation_id == cooperation.owner_id


def _base() -> QuerySet:
    return Cooperation.objects.select_related(
        "scenario", "scenario__region", "scenario__owner", "owner", "supplier", "application"
    )


def cooperation_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> Cooperation:
    """The cooperation if the actor may see it (else 404); with `write`, only for the owner organisation
    (403 for the others who see it)."""
    cooperation = _base().filter(cooperation_visible_q(actor), pk=pk).first()
    if cooperation is None:
        raise NotFound(_("Cooperation not found."))
    if write and not is_owner(actor, cooperation):
        raise PermissionDenied(_("Only the scenario's owner organisation may change this cooperation."))
    return cooperation


@dataclass(frozen=True)
class CooperationFilter:
    region: str = ""
    year: int | None = None
    status: str = ""
    overdue: bool = False
    risk: bool = False

    @classmethod
    def from_params(cls, params) -> "CooperationFilter":
        """Parse list filters (page and API); bad values are a 422 with the field named."""
        errors: dict[str, list[str]] = {}
        year = None
        raw_year = (params.get("year") or "").strip()
        if raw_year:
            if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100:
                year = int(raw_year)
            else:
                errors["year"] = [_("Enter a year such as 2026.")]
        region = (params.get("region") or "").strip()
        if region:
            from scenariohub.reference import selectors as ref

            if region not in ref.region_names():
                errors["region"] = [_("Unknown region “%(value)s”.") % {"value": region[:30]}]
        status = (params.get("status") or "").strip()
        if status and status not in CooperationStatus.values:
            errors["status"] = [_("Unknown status “%(value)s”.") % {"value": status[:30]}]
        if errors:
            raise ValidationFailed(_("Please correct the filters."), details=errors)
        truthy = ("1", "true", "on", "yes")
        return cls(
            region=region,
            year=year,
            status=status,
            overdue=str(params.get("overdue") or "").lower() in truthy,
            risk=str(params.get("risk") or "").lower() in truthy,
        )

    def apply(self, qs: QuerySet, *, today: dt.date) -> QuerySet:
        if self.region:
            qs = qs.filter(scenario__region_id=self.region)
        if self.year:
            qs = qs.filter(signed_on__year=self.year)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.overdue:
            qs = qs.filter(has_overdue=True)
        if self.risk:
            qs = qs.filter(has_open_risk=True)
        return qs


def overdue_milestones_q(today: dt.date) -> Q:
    """Milestones not done whose planned date is before `today`, of cooperations still under way."""
    return (
        ~Q(status=MilestoneStatus.DONE) & Q(planned_on__lt=today) & Q(cooperation__status__in=ACTIVE_STATUSES)
    )


def milestones_overdue(*, today: dt.date | None = None) -> QuerySet:
    """Overdue milestones computed live (the flag set by the daily command only records the reminder)."""
    today = today or timezone.localdate()
    return Milestone.objects.filter(overdue_milestones_q(today)).select_related(
        "cooperation", "cooperation__scenario", "cooperation__owner"
    )


def cooperation_list_for_actor(
    *, actor: Actor, filters: CooperationFilter | None = None, today: dt.date | None = None
) -> QuerySet:
    """The actor's cooperations with `has_overdue` and `has_open_risk` annotated (for flags and filters)."""
    today = today or timezone.localdate()
    overdue = Milestone.objects.filter(overdue_milestones_q(today), cooperation=OuterRef("pk"))
    risk = FollowUp.objects.filter(cooperation=OuterRef("pk"), resolved=False).exclude(
        risk_level=RiskLevel.NONE
    )
    qs = (
        _base()
        .filter(cooperation_visible_q(actor))
        .annotate(has_overdue=Exists(overdue), has_open_risk=Exists(risk))
    )
    if filters:
        qs = filters.apply(qs, today=today)
    return qs.order_by("-signed_on", "-id")


def cooperation_detail(*, actor: Actor, pk: int) -> Cooperation:
    """The cooperation with everything its page shows, prefetched."""
    cooperation = cooperation_get_for_actor(actor=actor, pk=pk)
    return (
        _base()
        .prefetch_related(
            "milestones",
            "application__members",
            Prefetch(
                "attachments",
                to_attr="agreement_files",
                queryset=CooperationAttachment.objects.filter(report__isnull=True),
            ),
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.select_related("author", "organisation").prefetch_related(
                    "attachments"
                ),
            ),
            Prefetch(
                "followups", queryset=FollowUp.objects.select_related("author", "organisation", "resolved_by")
            ),
        )
        .get(pk=cooperation.pk)
    )


def pilot_metrics(cooperation: Cooperation) -> list[PilotMetric]:
    acceptance = acceptance_of(cooperation)
    return list(acceptance.metrics.all()) if acceptance else []


def _has_acceptance(cooperation: Cooperation) -> bool:
    try:
        cooperation.acceptance  # noqa: B018 - the reverse one-to-one raises when absent
    except Cooperation.acceptance.RelatedObjectDoesNotExist:
        return False
    return True


def acceptance_of(cooperation: Cooperation):
    return cooperation.acceptance if _has_acceptance(cooperation) else None


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    label: str
    detail: str = ""
    who: str = ""


def cooperation_timeline(*, cooperation: Cooperation) -> list[TimelineEntry]:
    """Lifecycle steps of the scenario from the agreement on, milestones reached, reports and follow-ups,
    oldest first: read from the history rows, not guessed from the current state."""
    from scenariohub.scenarios.lifecycle import transition_by_action
    from scenariohub.scenarios.models import ScenarioTransition

    tz = timezone.get_current_timezone()
    entries: list[TimelineEntry] = []
    steps = ScenarioTransition.objects.filter(
        scenario_id=cooperation.scenario_id, created_at__gte=cooperation.created_at - dt.timedelta(seconds=1)
    ).select_related("organisation")
    for row in steps:
        step = transition_by_action(row.action)
        entries.append(
            TimelineEntry(
                row.created_at,
                str(step.label) if step else row.action,
                row.reason,
                row.organisation.name if row.organisation else "",
            )
        )
    for m in cooperation.milestones.all():
        if m.done_on:
            entries.append(
                TimelineEntry(
                    dt.datetime.combine(m.done_on, dt.time(12), tz), _("Milestone reached"), m.title
                )
            )
    for r in cooperation.reports.all():
        entries.append(
            TimelineEntry(
                r.created_at,  # when it was written: the report date may be earlier than the agreement row
                _("Progress report: %(percent)d%%") % {"percent": r.percent_complete},
                r.text[:120],
                r.organisation.name if r.organisation else "",
            )
        )
    for f in cooperation.followups.all():
        entries.append(
            TimelineEntry(
                f.created_at,
                _("Follow-up by %(org)s") % {"org": f.organisation.name if f.organisation else ""},
                f.comment[:120],
            )
        )
    return sorted(entries, key=lambda e: e.when)


def shortlisted_without_agreement(*, scenario_id: int) -> QuerySet:
    """Shortlisted applications of a scenario that no cooperation comes from yet (agreement candidates)."""
    return Application.objects.filter(scenario_id=scenario_id, status="shortlisted", cooperation__isnull=True)
