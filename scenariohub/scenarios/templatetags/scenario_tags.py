from django import template
from django.utils.html import format_html
from django.utils.text import capfirst

from scenariohub.scenarios.models import Status

register = template.Library()


@register.filter
def verbose(obj, name: str) -> str:
    """The translated verbose name of a model field: `{{ scenario|verbose:"purpose" }}`."""
    return capfirst(obj._meta.get_field(name).verbose_name)


@register.simple_tag
def status_badge(status: str) -> str:
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="status status-{}">{}</span>', status, label)


@register.simple_tag
def elided_pages(page):
    """Page numbers around the current one, with … for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
