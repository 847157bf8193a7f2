"""HTMX fragments for the scenario form and page (suggestions, near-duplicates) and the office's status page.

The fragments are made to be included by other apps' templates (see the package docstring for where);
they render nothing at all when there is nothing to say, so a container can stay in the page.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import NotFound

from . import selectors
from .schemas import MAX_TEXT, MAX_TITLE


def _text(data, *names: str, limit: int) -> str:
    """The named form fields joined (capped: a fragment must not become a way to make the model work)."""
    parts = [str(data.get(name, "")).replace("\x00", "").strip() for name in names]
    return "。".join(p for p in parts if p)[:limit]


def _data(request):
    return request.POST if request.method == "POST" else request.GET


@require_http_methods(["GET", "POST"])
def classify_suggest(request):
    """Top 3 sector/field suggestions for the `title` and `purpose` (and `tech_requirements`) being typed."""
    data = _data(request)
    title = _text(data, "title", limit=MAX_TITLE)
    text = _text(data, "purpose", "tech_requirements", limit=MAX_TEXT)
    suggestions = selectors.suggest_fields(title=title, text=text, k=3)
    return render(request, "ai/_suggestions.html", {"suggestions": suggestions})


@require_http_methods(["GET", "POST"])
def duplicates(request):
    """Near-duplicates of a saved scenario (`?scenario=<id>`) or of the form being typed (`title`, `purpose`,
    `tech_requirements`, `field`; `exclude` leaves the edited scenario out)."""
    actor = actor_for_request(request)
    data = _data(request)
    scenario_id = str(data.get("scenario", "")).strip()
    if scenario_id:
        from scenariohub.scenarios.selectors import scenario_get_for_actor

        if not scenario_id.isascii() or not scenario_id.isdigit() or len(scenario_id) > 18:
            raise Http404(_("Scenario not found."))
        try:
            scenario = scenario_get_for_actor(actor=actor, pk=int(scenario_id))
        except NotFound as exc:
            raise Http404(exc.message) from exc
        found = selectors.duplicates_for_scenario(actor=actor, scenario=scenario)
    else:
        exclude = str(data.get("exclude", "")).strip()
        found = selectors.duplicates_for_text(
            actor=actor,
            title=_text(data, "title", limit=MAX_TITLE),
            text=_text(data, "purpose", "tech_requirements", limit=MAX_TEXT),
            field_code=str(data.get("field", ""))[:60],
            exclude_id=int(exclude)
            if exclude.isascii() and exclude.isdigit() and len(exclude) <= 18
            else None,
        )
    return render(request, "ai/_duplicates.html", {"duplicates": found})


@require_GET
@login_required
def status(request):
    """The engine's state for the provincial office (and staff): model, index sizes, memory, classifier."""
    actor = actor_for_request(request)
    if actor.role != Role.OFFICE and not request.user.is_staff:
        raise HttpForbidden(_("The AI engine status is for the provincial office."))
    return render(request, "ai/status.html", {"status": selectors.ai_status()})
