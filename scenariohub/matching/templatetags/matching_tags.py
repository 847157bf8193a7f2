"""Template helpers of the matching app: the scenario panel, links to scenario pages, the unread badge."""

from django import template
from django.urls import NoReverseMatch, reverse

from scenariohub.accounts.actors import ANONYMOUS
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.matching import selectors

register = template.Library()

# The scenario page belongs to the scenarios app; until it has a detail page, link to our matching page.
_SCENARIO_DETAIL_NAMES = ("scenarios:scenario-detail", "scenarios:detail")


@register.simple_tag
def scenario_url(scenario) -> str:
    pk = getattr(scenario, "pk", scenario)
    for name in _SCENARIO_DETAIL_NAMES:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return reverse("matching:scenario-matching", args=[pk])


@register.simple_tag(takes_context=True)
def matching_panel(context, scenario):
    """Everything `_scenario_panel.html` shows, in a constant number of queries."""
    request = context.get("request")
    actor = actor_for_request(request) if request is not None else None
    return selectors.scenario_panel(actor=actor or ANONYMOUS, scenario=scenario)


@register.simple_tag(takes_context=True)
def matching_unread_count(context) -> int:
    """For the navigation badge: `{% matching_unread_count as n %}`."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return selectors.notification_unread_count(actor=actor_for_request(request))
