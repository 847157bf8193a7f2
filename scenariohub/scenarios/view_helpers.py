"""Small reads and choice lists the scenario pages need and the selectors do not (yet) offer.

Reference choices come from the cached taxonomy, not the database, so rendering a filter form costs
no query however many pages are served.
"""

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import NotFound
from scenariohub.reference import selectors as ref
from scenariohub.scenarios import lifecycle
from scenariohub.scenarios.models import ScenarioAttachment, Status
from scenariohub.scenarios.selectors import ScenarioFilter, scenario_get_for_actor

FIRST_PLAN_YEAR = 2025
LAST_PLAN_YEAR = 2027

SORT_LABELS = {
    "-published": _("Newest first"),
    "published": _("Oldest first"),
    "deadline": _("Deadline soonest"),
    "-budget": _("Largest budget"),
    "title": _("Title"),
}


def region_choices() -> list[tuple[str, str]]:
    return list(ref.region_names().items())


def sector_choices() -> list[tuple[str, str]]:
    return list(ref.sector_names().items())


def field_choices(sector: str = "") -> list:
    """The fields of one sector, or all fields grouped by sector (an <optgroup> each)."""
    sectors = ref.taxonomy()["sectors"]
    if sector:
        return [(f["code"], f["name_zh"]) for s in sectors if s["code"] == sector for f in s["fields"]]
    return [(s["name_zh"], [(f["code"], f["name_zh"]) for f in s["fields"]]) for s in sectors]


def field_groups(sector: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """`field_choices` as (group label, options) pairs; one unlabelled group for a chosen sector."""
    choices = field_choices(sector)
    return [("", choices)] if sector else choices


def year_choices() -> list[tuple[str, str]]:
    last = max(LAST_PLAN_YEAR, timezone.localdate().year)
    return [(str(y), str(y)) for y in range(last, FIRST_PLAN_YEAR - 1, -1)]


def sort_choices() -> list[tuple[str, str]]:
    return list(SORT_LABELS.items())


def filter_normalised(filters: ScenarioFilter) -> ScenarioFilter:
    """Drop a field that does not belong to the chosen sector.

    When a visitor changes the sector, the old field is still in the form for one request; keeping it
    would filter by a pair that cannot match and show an empty list.
    """
    if filters.field and filters.sector and ref.field_sector().get(filters.field) != filters.sector:
        return dataclasses.replace(filters, field="")
    return filters


def attachment_get_for_actor(*, actor: Actor, scenario_id: int, attachment_id: int) -> ScenarioAttachment:
    """An attachment of a scenario the actor may read; 404 otherwise (same answer as for the scenario)."""
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    attachment = ScenarioAttachment.objects.filter(pk=attachment_id, scenario=scenario).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    attachment.scenario = scenario
    return attachment


@dataclasses.dataclass(frozen=True)
class ReviewSection:
    key: str
    label: str
    status: str
    help: str


def review_sections(actor: Actor) -> list[ReviewSection]:
    """The tabs of the review queue: what waits for this role's decision (see scenario_review_queue)."""
    if actor.role == Role.CITY:
        return [ReviewSection("submitted", _("Waiting for review"), Status.SUBMITTED,
                              _("Scenarios submitted by organisations of your city."))]
    if actor.role == Role.OFFICE:
        return [
            ReviewSection("approved", _("Ready to publish"), Status.APPROVED,
                          _("Scenarios approved by the cities, waiting for release.")),
            ReviewSection("submitted", _("Provincial submissions"), Status.SUBMITTED,
                          _("Scenarios submitted by provincial departments, which no city reviews.")),
        ]
    return []


# Scopes under which a person decides by pressing a button. Others (an applicant's first application
# starting the matching) happen as a consequence of another action, never from a lifecycle button.
BUTTON_SCOPES = (lifecycle.OWNER, lifecycle.REGION, lifecycle.ANY)
REVIEW_SCOPES = (lifecycle.REGION, lifecycle.ANY)


def button_transitions(actor: Actor, scenario) -> list[lifecycle.Transition]:
    """The lifecycle buttons to show this actor on this scenario (the service still decides)."""
    steps = [t for t in lifecycle.available_transitions(actor, scenario) if t.scopes.get(actor.role) in BUTTON_SCOPES]
    return _forward_first(steps)


def _forward_first(steps: list[lifecycle.Transition]) -> list[lifecycle.Transition]:
    # The step that moves the scenario on (submit, approve, publish) first; those that need a reason after.
    return sorted(steps, key=lambda t: t.reason_required)


def bulk_actions(actor: Actor, status: str) -> list[lifecycle.Transition]:
    """Review decisions this role may apply from `status` (scope is checked per scenario by the service)."""
    return _forward_first(
        [t for t in lifecycle.TRANSITIONS if status in t.sources and t.scopes.get(actor.role) in REVIEW_SCOPES]
    )
