"""The application lifecycle in one table: which steps exist, who takes each, what each requires.

`applicant` is the lead supplier organisation of the application; `owner` a member of the organisation
that owns the scenario. Decisions lock the scores of that application.

    submitted ──shortlist──▶ shortlisted ──decline──▶ declined
        │ └──────────────decline───────────────────▶ declined
        └─ withdraw (also from shortlisted) ──▶ withdrawn (kept as history; the supplier may apply again)
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from scenariohub.matching.models import ApplicationStatus as S

APPLICANT = "applicant"
OWNER = "owner"


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    scope: str
    reason_required: bool = False


STEPS: tuple[Step, ...] = (
    Step("shortlist", _("Shortlist"), (S.SUBMITTED,), S.SHORTLISTED, OWNER),
    Step("decline", _("Decline"), (S.SUBMITTED, S.SHORTLISTED), S.DECLINED, OWNER, reason_required=True),
    Step("withdraw", _("Withdraw"), (S.SUBMITTED, S.SHORTLISTED), S.WITHDRAWN, APPLICANT),
)
_BY_ACTION = {s.action: s for s in STEPS}


def step_by_action(action: str) -> Step | None:
    return _BY_ACTION.get(action)


def available_steps(*, status: str, is_owner: bool, is_applicant: bool) -> list[Step]:
    """For buttons only; services re-check."""
    allowed = {OWNER: is_owner, APPLICANT: is_applicant}
    return [s for s in STEPS if status in s.sources and allowed[s.scope]]
