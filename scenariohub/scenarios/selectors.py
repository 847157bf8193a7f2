"""Reads of scenarios: what each actor may see, the shared filters, the review queues."""

import datetime as dt
import logging
from dataclasses import dataclass, fields

from django.apps import apps
from django.db.models import F, Func, IntegerField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.personal import Contact, contact_for
from scenariohub.reference import selectors as ref
from scenariohub.reference.models import ScenarioKind
from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES
from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario, ScenarioTransition, Status

logger = logging.getLogger(__name__)

SORTS = {
    "-published": ("-published_at", "-id"),
    "published": ("published_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "-budget": ("-budget_max", "-id"),
    "deadline": ("deadline", "id"),
}
DEFAULT_SORT = "-published"


@dataclass
class ScenarioFilter:
    """The filters shared by the catalogue, the workspace, the API and (later) exports."""

    region: str = ""
    sector: str = ""
    field: str = ""
    kind: str = ""
    year: int | None = None
    status: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params, *, strict: bool) -> "ScenarioFilter":
        """Parse query parameters. `strict` (the API) rejects unknown codes; the UI drops them instead."""
        errors: dict[str, list[str]] = {}
        values: dict = {}
        known = {
            "region": ref.region_names(),
            "sector": ref.sector_names(),
            "field": ref.field_names(),
            "kind": dict(ScenarioKind.choices),
            "status": dict(Status.choices),
            "sort": SORTS,
        }
        for f in fields(cls):
            raw = params.get(f.name)
            if raw in (None, ""):
                continue
            raw = str(raw).strip()
            if f.name == "year":
                if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
                    values["year"] = int(raw)
                else:
                    errors["year"] = [_("Year must be a four-digit year.")]
            elif f.name == "q":
                values["q"] = raw[:100]
            elif raw in known[f.name]:
                values[f.name] = raw
            else:
                errors[f.name] = [_("Unknown code: %(code)s") % {"code": raw[:40]}]
        if errors and strict:
            raise ValidationFailed(_("Some filters are not valid."), code="bad_filter", details=errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, "") and not (f.name == "sort" and value == DEFAULT_SORT):
                out[f.name] = str(value)
        return out

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.sector:
            qs = qs.filter(sector_id=self.sector)
        if self.field:
            qs = qs.filter(field_id=self.field)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.year:
            # The release year decides for released scenarios; the creation year for the others.
            local = timezone.get_current_timezone()  # a year is a year in Sichuan, not in UTC
            start = dt.datetime(self.year, 1, 1, tzinfo=local)
            end = dt.datetime(self.year + 1, 1, 1, tzinfo=local)
            qs = qs.filter(
                Q(published_year=self.year) | Q(published_year__isnull=True, created_at__gte=start, created_at__lt=end)
            )
        order = SORTS.get(self.sort, SORTS[DEFAULT_SORT])
        if self.q:
            ranked = engine_search_ids(self.q)
            if not ranked:
                # No engine, no index yet, or nothing found by it: the substring search answers.
                return qs.filter(keyword_q(self.q)).order_by(*order)
            # The engine's matches (ranked by words and, in hybrid mode, meaning, plus exact title matches)
            # are looked up by primary key: no scan of the table's texts. It indexes released scenarios only;
            # drafts and scenarios under review that the caller may see are still found by substring.
            found = Q(pk__in=ranked)
            if not _public_only(qs):
                found |= ~Q(status__in=PUBLIC_STATUSES) & keyword_q(self.q)
            qs = qs.filter(found)
            if self.sort == DEFAULT_SORT:
                # Best match first; substring-only matches after the ranked ones, newest first.
                return qs.alias(search_rank=search_rank(ranked)).order_by("search_rank", *order)
        return qs.order_by(*order)


# Ranked ids asked of the AI engine for a keyword search: 25 pages of the catalogue. A broad term ("检测")
# therefore lists its best 500 scenarios, not every one that mentions it.
ENGINE_SEARCH_LIMIT = 500


def engine_search_ids(q: str) -> list[int] | None:
    """Scenario ids matching `q` from the AI engine's in-memory index, best first (no SQL); None when the
    engine is not installed, has no index yet, or fails, and the substring search answers alone."""
    if not apps.is_installed("scenariohub.ai"):
        return None
    try:
        from scenariohub.ai.selectors import search_ids

        return search_ids(kind="scenario", query=q, limit=ENGINE_SEARCH_LIMIT)
    except Exception:  # the catalogue must answer even if the engine breaks
        logger.exception("AI search failed; falling back to substring search")
        return None


def _public_only(qs: QuerySet) -> bool:
    """True when the queryset is already restricted to released scenarios (`status__in=PUBLIC_STATUSES` at
    the top level, as the public catalogue and anonymous API callers are): no draft can match there."""

    def restricted(node) -> bool:
        if getattr(node, "connector", None) is not None:  # a WhereNode: look inside a plain AND
            return node.connector == "AND" and not node.negated and any(restricted(c) for c in node.children)
        target = getattr(getattr(node, "lhs", None), "target", None)
        return (
            getattr(node, "lookup_name", "") == "in"
            and target is not None
            and target.model is Scenario
            and target.name == "status"
            and set(node.rhs) <= set(PUBLIC_STATUSES)
        )

    return restricted(qs.query.where)


class SearchRank(Func):
    """`CASE id WHEN <best> THEN 0 WHEN <next> THEN 1 … ELSE n END`: the engine's order in SQL.

    Written out rather than as Case(When(…)): the ORM builds and compiles 500 When() objects in ~150 ms
    of Python per query, this in ~1 ms. The ids are integers from the engine, passed as parameters.
    """

    output_field = IntegerField()

    def __init__(self, ranked: list[int]):
        super().__init__(F("pk"))
        self.ranked = [int(pk) for pk in ranked]

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        whens = " ".join(["WHEN %s THEN %s"] * len(self.ranked))
        ranks = [value for rank, pk in enumerate(self.ranked) for value in (pk, rank)]
        return f"CASE {column} {whens} ELSE %s END", (*params, *ranks, len(self.ranked))


def search_rank(ranked: list[int]) -> SearchRank:
    """0 for the best match, 1 for the next…; rows matched only by substring come after."""
    return SearchRank(ranked)


def keyword_q(q: str) -> Q:
    """Every whitespace-separated term must occur in the title, purpose or requirements.

    Chinese has no spaces, so a term is matched as a substring, which finds two-character words such as
    光伏 too. The AI engine's search adds its ranked matches to these (see `ScenarioFilter.apply`).
    Terms without letter case (Chinese, digits) use a case-sensitive LIKE: on PostgreSQL `icontains`
    upper-cases every text it scans, for nothing.
    """
    cond = Q()
    for term in q.split()[:8]:
        lookup = "icontains" if term.lower() != term.upper() else "contains"
        cond &= (
            Q(**{f"title__{lookup}": term})
            | Q(**{f"purpose__{lookup}": term})
            | Q(**{f"tech_requirements__{lookup}": term})
        )
    return cond


def _with_names(qs: QuerySet) -> QuerySet:
    return qs.select_related("owner", "region", "sector", "field")


def visible_q(actor: Actor) -> Q:
    """Which scenarios an actor may read. Drafts are private to their owner organisation."""
    cond = Q(status__in=PUBLIC_STATUSES)
    if actor.is_anonymous:
        return cond
    cond |= Q(owner_id=actor.organisation_id)
    if actor.role == Role.OFFICE:
        cond |= ~Q(status=Status.DRAFT)
    elif actor.role == Role.CITY:
        cond |= Q(region_id=actor.region_id) & ~Q(status=Status.DRAFT) & ~Q(owner__type__in=PROVINCIAL_OWNER_TYPES)
    return cond


def scenario_list_public(*, filters: ScenarioFilter) -> QuerySet:
    return filters.apply(_with_names(Scenario.objects.filter(status__in=PUBLIC_STATUSES)))


def scenario_list_visible(*, actor: Actor, filters: ScenarioFilter) -> QuerySet:
    return filters.apply(_with_names(Scenario.objects.filter(visible_q(actor))))


def scenario_list_owned(*, actor: Actor, status: str = "") -> QuerySet:
    qs = _with_names(Scenario.objects.filter(owner_id=actor.organisation_id))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


def scenario_count_owned_by_status(*, actor: Actor) -> dict[str, int]:
    from django.db.models import Count

    rows = Scenario.objects.filter(owner_id=actor.organisation_id).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def scenario_review_queue(*, actor: Actor) -> QuerySet:
    """The scenarios waiting for this actor's decision: a city's submitted ones, the office's approved ones
    plus submitted scenarios of provincial departments (which no city reviews)."""
    qs = _with_names(Scenario.objects.all())
    if actor.role == Role.CITY:
        qs = qs.filter(status=Status.SUBMITTED, region_id=actor.region_id).exclude(
            owner__type__in=PROVINCIAL_OWNER_TYPES
        )
    elif actor.role == Role.OFFICE:
        qs = qs.filter(
            Q(status=Status.APPROVED) | Q(status=Status.SUBMITTED, owner__type__in=PROVINCIAL_OWNER_TYPES)
        )
    else:
        return qs.none()
    return qs.order_by("submitted_at", "id")


def scenario_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> Scenario:
    """404 for what the actor may not see; 403 for what they may see but not change."""
    try:
        scenario = _with_names(Scenario.objects.filter(visible_q(actor))).get(pk=pk)
    except (Scenario.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("Scenario not found.")) from None
    if write and not actor.acts_for(scenario.owner_id):
        raise PermissionDenied(_("Only the owner organisation may change this scenario."))
    return scenario


def timeline_details_visible(*, actor: Actor, scenario: Scenario) -> bool:
    """Who acted and why is for the people in the workflow: the owner, the office, the reviewing city.
    Everyone else who may see the scenario sees only which step happened when."""
    if actor.is_anonymous:
        return False
    if actor.role == Role.OFFICE or actor.organisation_id == scenario.owner_id:
        return True
    return (
        actor.role == Role.CITY
        and actor.region_id == scenario.region_id
        and scenario.owner.type not in PROVINCIAL_OWNER_TYPES
    )


def scenario_contact_for_actor(*, actor: Actor, scenario: Scenario) -> Contact:
    """The scenario's contact person as this actor may see it: in full for the owner, the office and the
    city that reviews it (a provincial department's scenario has no reviewing city); masked for others."""
    region_id = None if scenario.owner.type in PROVINCIAL_OWNER_TYPES else scenario.region_id
    return contact_for(actor, scenario, owner_id=scenario.owner_id, region_id=region_id)


def scenario_attachment_get_for_actor(*, actor: Actor, scenario_id: int, attachment_id: int):
    """An attachment of a scenario the actor may see (404 otherwise)."""
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    attachment = scenario.attachments.filter(pk=attachment_id).first() if str(attachment_id).isdigit() else None
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment


def scenario_timeline(*, scenario: Scenario) -> list[ScenarioTransition]:
    return list(scenario.transitions.select_related("actor", "organisation").order_by("created_at", "id"))
