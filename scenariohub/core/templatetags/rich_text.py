"""``{% load rich_text %}{{ value|rich_text }}``: user HTML rendered through the nh3 allow-list."""

from django import template

from scenariohub.core import sanitize

register = template.Library()


@register.filter(name="rich_text")
def rich_text(value):
    return sanitize.rich_text(value)


@register.filter(name="plain_text")
def plain_text(value):
    return sanitize.plain_text(value)
