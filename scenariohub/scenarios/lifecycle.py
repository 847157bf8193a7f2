"""The scenario lifecycle in one table: which transitions exist, who may make each, what each requires.

A row names its source states, its target, the roles that may act and the *scope* each role needs on the
scenario: `owner` (a member of the owner organisation), `region` (a city lead department of the scenario's
region, for scenarios of organisations in that city — provincial departments' scenarios go to the office)
or `any` (the provincial office), or `applicant` (a supplier acting on a released scenario: the first
application moves it to matching). `docs/lifecycle.md` draws the same table; a test keeps them in step.

After matching the scenario follows its cooperation (app `tracking`): a row with `service` set can only be
taken by that service, which passes `via=<service>` to `scenarios.services.scenario_transition`, because the
step must record something the scenario row cannot hold (the agreement, the pilot's results, the benchmark
designation) and the cooperation's own status mirrors the stage. The generic transition API and the
lifecycle buttons never offer such rows. The benchmark-case review designates through
`scenariohub.tracking.services.cooperation_designate_benchmark(actor=, cooperation_id=, reason=, now=)`.

Side exits after an agreement: the owner can no longer *withdraw* (a signed agreement is not the owner's
alone to undo); a cooperation that fails is *terminated* by the city of the region or the office, with a
reason, which closes the scenario and the cooperation together. A piloted scenario has no exit: its pilot
happened and its results stay on record.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.scenarios.models import Scenario, Status

OWNER = "owner"
REGION = "region"
ANY = "any"
APPLICANT = "applicant"  # a supplier whose application to the released scenario triggers the step

TRACKING = "tracking"  # the cooperation services of `scenariohub.tracking`

# Organisations whose scenarios are provincial: no city reviews them.
PROVINCIAL_OWNER_TYPES = (Role.OFFICE, Role.DEPARTMENT)

OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED, Status.MATCHING)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    scopes: dict[str, str]  # role -> scope
    reason_required: bool = False
    requires_complete: bool = False  # all fields valid and the deadline still ahead
    stamps: tuple[str, ...] = field(default=())  # timestamp columns set when the transition happens
    service: str = ""  # when set, only that service (passing `via=`) may take this step


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="submit",
        label=_("Submit for review"),
        sources=(Status.DRAFT,),
        target=Status.SUBMITTED,
        scopes={Role.PROVIDER: OWNER, Role.DEPARTMENT: OWNER, Role.CITY: OWNER, Role.OFFICE: OWNER},
        requires_complete=True,
        stamps=("submitted_at",),
    ),
    Transition(
        action="return",
        label=_("Return for revision"),
        sources=(Status.SUBMITTED,),
        target=Status.DRAFT,
        scopes={Role.CITY: REGION, Role.OFFICE: ANY},
        reason_required=True,
    ),
    Transition(
        action="approve",
        label=_("Approve"),
        sources=(Status.SUBMITTED,),
        target=Status.APPROVED,
        scopes={Role.CITY: REGION, Role.OFFICE: ANY},
        stamps=("approved_at",),
    ),
    Transition(
        action="send_back",
        label=_("Send back to the owner"),
        sources=(Status.APPROVED,),
        target=Status.DRAFT,
        scopes={Role.OFFICE: ANY},
        reason_required=True,
    ),
    Transition(
        action="publish",
        label=_("Publish"),
        sources=(Status.APPROVED,),
        target=Status.PUBLISHED,
        scopes={Role.OFFICE: ANY},
        stamps=("published_at",),
    ),
    Transition(
        action="start_matching",
        label=_("Start matching"),
        sources=(Status.PUBLISHED,),
        target=Status.MATCHING,
        scopes={Role.SUPPLIER: APPLICANT},
    ),
    Transition(
        action="withdraw",
        label=_("Withdraw"),
        sources=OPEN_STATUSES,
        target=Status.WITHDRAWN,
        scopes={Role.PROVIDER: OWNER, Role.DEPARTMENT: OWNER, Role.CITY: OWNER, Role.OFFICE: OWNER},
    ),
    Transition(
        action="close",
        label=_("Close"),
        sources=(Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED, Status.MATCHING),
        target=Status.CLOSED,
        scopes={Role.OFFICE: ANY, Role.CITY: REGION},
        reason_required=True,
    ),
    Transition(
        action="agree",
        label=_("Record the cooperation agreement"),
        sources=(Status.MATCHING,),
        target=Status.AGREED,
        scopes={Role.PROVIDER: OWNER, Role.DEPARTMENT: OWNER, Role.CITY: OWNER, Role.OFFICE: OWNER},
        service=TRACKING,
    ),
    Transition(
        action="start_implementation",
        label=_("Start implementation"),
        sources=(Status.AGREED,),
        target=Status.IMPLEMENTING,
        scopes={Role.PROVIDER: OWNER, Role.DEPARTMENT: OWNER, Role.CITY: OWNER, Role.OFFICE: OWNER},
        service=TRACKING,
    ),
    Transition(
        action="accept_pilot",
        label=_("Accept the pilot"),
        sources=(Status.IMPLEMENTING,),
        target=Status.PILOTED,
        scopes={Role.PROVIDER: OWNER, Role.DEPARTMENT: OWNER, Role.CITY: OWNER, Role.OFFICE: OWNER},
        service=TRACKING,
    ),
    Transition(
        action="designate",
        label=_("Designate as benchmark case"),
        sources=(Status.PILOTED,),
        target=Status.BENCHMARK,
        scopes={Role.OFFICE: ANY},
        service=TRACKING,
    ),
    Transition(
        action="terminate",
        label=_("Terminate the cooperation"),
        sources=(Status.AGREED, Status.IMPLEMENTING),
        target=Status.CLOSED,
        scopes={Role.OFFICE: ANY, Role.CITY: REGION},
        reason_required=True,
        service=TRACKING,
    ),
)

_BY_ACTION = {t.action: t for t in TRANSITIONS}


def transition_by_action(action: str) -> Transition | None:
    return _BY_ACTION.get(action)


def transition_between(source: str, target: str) -> Transition | None:
    """The transition leading from `source` to `target`, if the table has one."""
    for t in TRANSITIONS:
        if source in t.sources and t.target == target:
            return t
    return None


def in_scope(actor: Actor, scenario: Scenario, scope: str) -> bool:
    if scope == ANY:
        return True
    if scope == OWNER:
        return actor.organisation_id == scenario.owner_id
    if scope == APPLICANT:
        return scenario.is_public
    if scope == REGION:
        return actor.region_id == scenario.region_id and scenario.owner.type not in PROVINCIAL_OWNER_TYPES
    raise ValueError(f"unknown scope {scope!r}")


def may_perform(actor: Actor, scenario: Scenario, transition: Transition) -> bool:
    """True when the actor's role and relation to the scenario allow this transition (state aside)."""
    scope = transition.scopes.get(actor.role) if actor.role else None
    return scope is not None and in_scope(actor, scenario, scope)


def available_transitions(actor: Actor, scenario: Scenario) -> list[Transition]:
    """What this actor can do to this scenario now: for buttons, never for enforcement alone.

    Steps reserved to a service are left out: they are offered by that service's own pages."""
    return [
        t for t in TRANSITIONS if not t.service and scenario.status in t.sources and may_perform(actor, scenario, t)
    ]
