"""Reads of the matching app: what each actor may see, the shared list filters, the comparison table,
the scenario panel, and the recommendation hooks the AI engine will replace.

Access rules (object level):
- an application is seen by its lead supplier and consortium members, by the organisation that owns the
  scenario, and by the reviewers invited to that scenario — by nobody else (404);
- answered questions are seen by the scenario's applicants and reviewers without the asker's identity;
  the asker sees its own questions, the owner sees every question and who asked it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, Role, User
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.core.personal import Contact, contact_for
from scenariohub.matching.filters import SolutionFilter, SupplierFilter
from scenariohub.matching.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Criterion,
    Notification,
    Question,
    ReviewerInvitation,
    Score,
    Solution,
    Subscription,
    SupplierProfile,
    Talk,
)
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.selectors import scenario_get_for_actor

# A scenario takes applications (and questions) while released and not yet agreed; `is_public` also
# covers the later stages, which are closed to new suppliers.
OPEN_FOR_APPLICATIONS = (Status.PUBLISHED, Status.MATCHING)
ACTIVE_APPLICATION = ~Q(status=ApplicationStatus.WITHDRAWN)


def deadline_passed(scenario: Scenario, *, today: dt.date | None = None) -> bool:
    """The deadline is the last day applications are taken (local time)."""
    return scenario.deadline is not None and (today or timezone.localdate()) > scenario.deadline


def accepts_applications(scenario: Scenario, *, today: dt.date | None = None) -> bool:
    return scenario.status in OPEN_FOR_APPLICATIONS and not deadline_passed(scenario, today=today)


def _profiles() -> QuerySet:
    return SupplierProfile.objects.select_related("organisation", "organisation__region").prefetch_related(
        "sectors", "fields"
    )


def supplier_list_public(*, filters: SupplierFilter) -> QuerySet:
    return filters.apply(_profiles().filter(organisation__type=Role.SUPPLIER)).order_by(
        "-verified", "organisation__name", "pk"
    )


def supplier_get_public(*, organisation_id: int) -> SupplierProfile:
    profile = _profiles().filter(organisation_id=organisation_id, organisation__type=Role.SUPPLIER).first()
    if profile is None:
        raise NotFound(_("Supplier not found."))
    return profile


def supplier_contact_for_actor(*, actor: Actor, profile: SupplierProfile) -> Contact:
    """The supplier's contact person in full for the supplier itself, its city and the office; masked
    for everyone else (the directory is public, the people in it are not)."""
    return contact_for(actor, profile, owner_id=profile.organisation_id, region_id=profile.organisation.region_id)


def supplier_profile_for_actor(*, actor: Actor) -> SupplierProfile | None:
    if actor.role != Role.SUPPLIER:
        return None
    return _profiles().filter(organisation_id=actor.organisation_id).first()


# ---------------------------------------------------------------------------------------------- solutions


def _solutions() -> QuerySet:
    return Solution.objects.select_related("supplier", "sector", "supplier__supplier_profile").prefetch_related(
        "fields", "attachments"
    )


def solution_list_public(*, filters: SolutionFilter) -> QuerySet:
    return filters.apply(_solutions().filter(published=True)).order_by("-updated_at", "-id")


def solution_list_own(*, actor: Actor) -> QuerySet:
    if actor.role != Role.SUPPLIER:
        return Solution.objects.none()
    return _solutions().filter(supplier_id=actor.organisation_id).order_by("-updated_at", "-id")


def solution_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> Solution:
    """Published solutions are public; drafts only for their supplier. 403 to change another's."""
    solution = _solutions().filter(pk=pk).first()
    own = solution is not None and actor.organisation_id is not None and solution.supplier_id == actor.organisation_id
    if solution is None or not (solution.published or own):
        raise NotFound(_("Solution not found."))
    if write and not own:
        raise PermissionDenied(_("Only the supplier may change its solutions."))
    return solution


# ---------------------------------------------------------------------------------------------- applications


def _invited_scenarios(actor: Actor) -> QuerySet:
    return ReviewerInvitation.objects.filter(reviewer_id=actor.membership.pk).values("scenario_id")


def application_visible_q(actor: Actor) -> Q:
    if actor.is_anonymous or actor.organisation_id is None:
        return Q(pk__in=[])
    org = actor.organisation_id
    member_of = Application.members.through.objects.filter(organisation_id=org).values("application_id")
    return (
        Q(supplier_id=org)
        | Q(pk__in=member_of)
        | Q(scenario__owner_id=org)
        | Q(scenario_id__in=_invited_scenarios(actor))
    )


def _applications() -> QuerySet:
    return Application.objects.select_related(
        "scenario", "scenario__owner", "supplier", "solution", "supplier__supplier_profile"
    ).prefetch_related(
        "members", "attachments",
        Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("organisation", "actor")),
    )


def application_get_for_actor(*, actor: Actor, pk: int) -> Application:
    application = _applications().filter(application_visible_q(actor), pk=pk).first()
    if application is None:
        raise NotFound(_("Application not found."))
    return application


@dataclass
class Relation:
    """How the actor stands to one application: for buttons and for what a page shows."""

    owner: bool = False
    applicant: bool = False
    member: bool = False
    reviewer: bool = False


def application_relation(*, actor: Actor, application: Application) -> Relation:
    org = actor.organisation_id
    if org is None:
        return Relation()
    return Relation(
        owner=application.scenario.owner_id == org,
        applicant=application.supplier_id == org,
        member=any(m.pk == org for m in application.members.all()),
        reviewer=is_reviewer(actor=actor, scenario_id=application.scenario_id),
    )


def application_list_for_supplier(*, actor: Actor, status: str = "") -> QuerySet:
    """The applications of the acting supplier: as lead, or as a consortium member."""
    if actor.role != Role.SUPPLIER:
        return Application.objects.none()
    member_of = Application.members.through.objects.filter(organisation_id=actor.organisation_id).values(
        "application_id")
    qs = _applications().filter(Q(supplier_id=actor.organisation_id) | Q(pk__in=member_of))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def is_reviewer(*, actor: Actor, scenario_id: int) -> bool:
    if actor.membership is None:
        return False
    return ReviewerInvitation.objects.filter(scenario_id=scenario_id, reviewer_id=actor.membership.pk).exists()


def scenario_for_review(*, actor: Actor, scenario_id: int) -> Scenario:
    """The scenario whose applicants the actor may compare: its owner or an invited reviewer.
    404 when the scenario is invisible, 403 when visible but not the actor's to review."""
    reviewer = is_reviewer(actor=actor, scenario_id=scenario_id)
    if reviewer:
        scenario = Scenario.objects.select_related("owner", "region", "sector", "field").filter(pk=scenario_id).first()
        if scenario is None:
            raise NotFound(_("Scenario not found."))
        return scenario
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    if scenario.owner_id != actor.organisation_id:
        raise PermissionDenied(_("Only the scenario owner and invited reviewers see the applicants."))
    return scenario


def application_list_for_scenario(*, actor: Actor, scenario_id: int, status: str = "") -> tuple[Scenario, QuerySet]:
    scenario = scenario_for_review(actor=actor, scenario_id=scenario_id)
    qs = _applications().filter(scenario=scenario)
    if status:
        qs = qs.filter(status=status)
    return scenario, qs.order_by("created_at", "id")


def criteria_for_scenario(*, scenario: Scenario) -> list[Criterion]:
    return list(Criterion.objects.filter(scenario=scenario))


def criteria_locked(*, scenario: Scenario) -> bool:
    """Criteria are fixed once anyone has scored against them."""
    return Score.objects.filter(criterion__scenario=scenario).exists()


@dataclass
class ComparisonRow:
    application: Application
    averages: list[float | None]  # per criterion, in the criteria's order
    total: float | None  # weighted, 0–100, over the criteria that have scores
    reviewers: int
    complete: bool  # every criterion has at least one score


def application_comparison(*, criteria: list[Criterion], applications: list[Application]) -> list[ComparisonRow]:
    """Applicants side by side with their average scores: one query for every score of every applicant."""
    stats = (
        Score.objects.filter(application__in=[a.pk for a in applications])
        .values("application_id", "criterion_id")
        .annotate(avg=Avg("value"), n=Count("reviewer_id", distinct=True))
    )
    by_app: dict[int, dict[int, float]] = {}
    reviewers: dict[int, int] = {}
    for row in stats:
        by_app.setdefault(row["application_id"], {})[row["criterion_id"]] = float(row["avg"])
        reviewers[row["application_id"]] = max(reviewers.get(row["application_id"], 0), row["n"])
    rows = []
    for application in applications:
        scores = by_app.get(application.pk, {})
        averages = [round(scores[c.pk], 1) if c.pk in scores else None for c in criteria]
        weight = sum(c.weight for c in criteria if c.pk in scores)
        total = round(sum(scores[c.pk] * c.weight for c in criteria if c.pk in scores) * 10 / weight, 1) if weight else None
        rows.append(ComparisonRow(application, averages, total, reviewers.get(application.pk, 0),
                                  bool(criteria) and all(c.pk in scores for c in criteria)))
    return rows


def score_map_for_reviewer(*, actor: Actor, application: Application) -> dict[int, Score]:
    if actor.membership is None:
        return {}
    return {s.criterion_id: s for s in Score.objects.filter(application=application, reviewer_id=actor.membership.pk)}


def reviewer_candidates(*, scenario: Scenario) -> QuerySet:
    """Who may be invited: members of the owner organisation, of the city lead department of the scenario's
    region, and of the provincial office."""
    return (
        Membership.objects.filter(
            Q(organisation_id=scenario.owner_id)
            | Q(role=Role.OFFICE)
            | Q(role=Role.CITY, organisation__region_id=scenario.region_id)
        )
        .filter(user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__username")
    )


def reviewer_invitation_list(*, scenario: Scenario) -> list[ReviewerInvitation]:
    return list(scenario.reviewer_invitations.select_related("reviewer__user", "reviewer__organisation"))


def reviewer_scenario_list(*, actor: Actor) -> QuerySet:
    if actor.membership is None:
        return Scenario.objects.none()
    return Scenario.objects.filter(pk__in=_invited_scenarios(actor)).select_related("owner").order_by("-id")


def owner_scenarios_with_applications(*, actor: Actor) -> QuerySet:
    """The actor's organisation's released scenarios with their application counts (one query)."""
    if actor.organisation_id is None:
        return Scenario.objects.none()
    return (
        Scenario.objects.filter(owner_id=actor.organisation_id, status__in=OPEN_FOR_APPLICATIONS + (Status.AGREED,))
        .annotate(
            n_applications=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)),
            n_undecided=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)),
        )
        .order_by("deadline", "id")
    )


def application_history(*, application: Application) -> list:
    return list(application.transitions.all())  # prefetched with the application


# ---------------------------------------------------------------------------------------------- talks


def talk_participant_candidates(*, application: Application) -> list[User]:
    orgs = [application.scenario.owner_id, application.supplier_id, *[m.pk for m in application.members.all()]]
    user_ids = Membership.objects.filter(organisation_id__in=orgs).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("username"))


def _talks() -> QuerySet:
    return Talk.objects.select_related(
        "application", "application__scenario", "application__supplier"
    ).prefetch_related("participants")


def talk_list_for_actor(*, actor: Actor, scenario_id: int | None = None,
                        application_id: int | None = None) -> QuerySet:
    """Talks on the applications the actor may see."""
    qs = _talks().filter(application__in=Application.objects.filter(application_visible_q(actor)).values("pk"))
    if scenario_id:
        qs = qs.filter(application__scenario_id=scenario_id)
    if application_id:
        qs = qs.filter(application_id=application_id)
    return qs.order_by("-scheduled_at", "-id")


def talk_get_for_actor(*, actor: Actor, pk: int) -> Talk:
    talk = talk_list_for_actor(actor=actor).filter(pk=pk).first()
    if talk is None:
        raise NotFound(_("Talk not found."))
    return talk


# ---------------------------------------------------------------------------------------------- questions


@dataclass
class QuestionList:
    questions: list[Question]
    show_asker: bool  # only the owner learns who asked
    can_ask: bool
    can_answer: bool
    unanswered: int = 0


def _is_applicant(actor: Actor, scenario_id: int) -> bool:
    org = actor.organisation_id
    member_of = Application.members.through.objects.filter(organisation_id=org).values("application_id")
    return Application.objects.filter(Q(supplier_id=org) | Q(pk__in=member_of), scenario_id=scenario_id).exists()


def question_list_for_actor(*, actor: Actor, scenario: Scenario, applicant: bool | None = None,
                            reviewer: bool | None = None) -> QuestionList:
    """Three queries at most (has the actor applied, is it a reviewer, the questions); callers that already
    know pass `applicant` / `reviewer`."""
    qs = Question.objects.filter(scenario=scenario).select_related("asker_organisation", "asked_by")
    can_ask = actor.role == Role.SUPPLIER and scenario.status in OPEN_FOR_APPLICATIONS
    if actor.is_anonymous:
        return QuestionList([], False, False, False)
    if scenario.owner_id == actor.organisation_id:
        questions = list(qs)
        return QuestionList(questions, True, False, True, sum(1 for q in questions if q.answered_at is None))
    org = actor.organisation_id
    if applicant is None:
        applicant = actor.role == Role.SUPPLIER and _is_applicant(actor, scenario.pk)
    if reviewer is None:
        # Reviewers are members of the owner, a city or the office (reviewer_candidates), never suppliers.
        reviewer = actor.role != Role.SUPPLIER and is_reviewer(actor=actor, scenario_id=scenario.pk)
    visible = Q(asker_organisation_id=org)
    if applicant or reviewer:
        visible |= Q(answered_at__isnull=False)
    return QuestionList(list(qs.filter(visible)), False, can_ask, False)


# ---------------------------------------------------------------------------------------------- notifications


def notification_list(*, actor: Actor, unread: bool = False) -> QuerySet:
    if actor.user is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=actor.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, actor: Actor) -> int:
    return notification_list(actor=actor, unread=True).count()


# ---------------------------------------------------------------------------------------------- subscriptions


def subscription_list(*, actor: Actor) -> QuerySet:
    if actor.user is None or actor.organisation_id is None:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user=actor.user, organisation_id=actor.organisation_id)
        .prefetch_related("sectors", "fields", "regions")
        .order_by("-created_at", "-id")
    )


def subscription_get_for_actor(*, actor: Actor, pk: int) -> Subscription:
    subscription = subscription_list(actor=actor).filter(pk=pk).first()
    if subscription is None:
        raise NotFound(_("Subscription not found."))
    return subscription


def subscription_matches(*, subscription: Subscription, today: dt.date) -> QuerySet:
    """Open scenarios released since the subscription was made that meet all its criteria (any keyword)."""
    qs = Scenario.objects.filter(
        status__in=OPEN_FOR_APPLICATIONS, published_at__gte=subscription.created_at
    ).filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
    sectors = [s.pk for s in subscription.sectors.all()]
    fields_ = [f.pk for f in subscription.fields.all()]
    regions = [r.pk for r in subscription.regions.all()]
    if sectors:
        qs = qs.filter(sector_id__in=sectors)
    if fields_:
        qs = qs.filter(field_id__in=fields_)
    if regions:
        qs = qs.filter(region_id__in=regions)
    keywords = subscription.keyword_list
    if keywords:
        any_keyword = Q()
        for word in keywords:
            any_keyword |= Q(title__icontains=word) | Q(purpose__icontains=word) | Q(tech_requirements__icontains=word)
        qs = qs.filter(any_keyword)
    return qs


def subscription_deliveries(*, subscription: Subscription, limit: int = 100) -> list:
    return list(
        subscription.deliveries.select_related("scenario", "scenario__region").order_by("-delivered_at", "-id")[:limit]
    )


# ---------------------------------------------------------------------------------------------- scenario panel


@dataclass
class ScenarioPanel:
    """What `matching/_scenario_panel.html` shows on a scenario page. A constant number of queries."""

    scenario: Scenario
    open: bool = False
    deadline_passed: bool = False
    is_supplier: bool = False
    is_owner: bool = False
    is_reviewer: bool = False
    my_application: Application | None = None
    counts: dict[str, int] = field(default_factory=dict)
    questions: QuestionList | None = None

    @property
    def can_apply(self) -> bool:
        return self.is_supplier and self.open and self.my_application is None

    @property
    def active_count(self) -> int:
        return sum(n for s, n in self.counts.items() if s != ApplicationStatus.WITHDRAWN)


def scenario_panel(*, actor: Actor, scenario: Scenario) -> ScenarioPanel:
    panel = ScenarioPanel(
        scenario=scenario, open=accepts_applications(scenario), deadline_passed=deadline_passed(scenario)
    )
    if actor.is_anonymous:
        return panel
    panel.is_owner = scenario.owner_id == actor.organisation_id
    panel.is_supplier = actor.role == Role.SUPPLIER
    applicant = None
    if panel.is_owner:
        rows = Application.objects.filter(scenario=scenario).values("status").annotate(n=Count("id"))
        panel.counts = {r["status"]: r["n"] for r in rows}
    elif panel.is_supplier:
        # Suppliers are never reviewers; a lead application answers "has applied" without another query.
        panel.my_application = (
            Application.objects.filter(ACTIVE_APPLICATION, scenario=scenario, supplier_id=actor.organisation_id)
            .only("pk", "status", "scenario_id", "supplier_id")
            .first()
        )
        applicant = True if panel.my_application else None
    else:
        panel.is_reviewer = is_reviewer(actor=actor, scenario_id=scenario.pk)
    panel.questions = question_list_for_actor(
        actor=actor, scenario=scenario, applicant=applicant, reviewer=panel.is_reviewer
    )
    return panel


# ---------------------------------------------------------------------------------------------- recommendations


@dataclass
class Recommendation:
    """One recommended object with a score in [0, 1] and the reasons shown to people."""

    object: Any
    score: float
    reasons: list[str]


def recommended_scenarios_for_supplier(*, supplier_org, limit: int = 5) -> list[Recommendation]:
    """Open scenarios for a supplier, ranked by the AI engine, with the reasons shown to people."""
    from scenariohub.ai.selectors import recommend_scenarios_for_supplier

    return recommend_scenarios_for_supplier(organisation=supplier_org, limit=limit)


def recommended_suppliers_for_scenario(*, scenario: Scenario, limit: int = 5) -> list[Recommendation]:
    """Suppliers for a scenario, ranked by the AI engine, with the reasons shown to people."""
    from scenariohub.ai.selectors import recommend_suppliers_for_scenario

    return recommend_suppliers_for_scenario(scenario=scenario, limit=limit)

