"""`{% cooperation_link scenario %}`: on a scenario's page, a link to its cooperation for those who may
see it (the parties, the city of the region, the office); nothing for anybody else."""

from django import template

from scenariohub.scenarios.models import Status
from scenariohub.tracking.models import Cooperation
from scenariohub.tracking.selectors import cooperation_visible_q

register = template.Library()

# States a scenario can have once an agreement exists (closed: terminated).
_WITH_AGREEMENT = (Status.AGREED, Status.IMPLEMENTING, Status.PILOTED, Status.BENCHMARK, Status.CLOSED)


@register.inclusion_tag("tracking/_cooperation_link.html", takes_context=True)
def cooperation_link(context, scenario):
    actor = context.get("actor")
    cooperation = None
    if actor is not None and not actor.is_anonymous and scenario.status in _WITH_AGREEMENT:
        cooperation = Cooperation.objects.filter(
            cooperation_visible_q(actor), scenario_id=scenario.pk
        ).first()
    return {"cooperation": cooperation}
