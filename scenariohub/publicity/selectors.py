"""Reads of news items: the public list and the one access helper used by views and the API."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.publicity.models import NewsItem


def news_list_public() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(published=True).select_related("region").order_by("-published_at", "-id")


def news_list_for_actor(*, actor: Actor) -> QuerySet[NewsItem]:
    """The office sees drafts too; everyone else the published items."""
    if actor.is_office:
        return NewsItem.objects.select_related("region").order_by("published", "-published_at", "-id")
    return news_list_public()


def news_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> NewsItem:
    """404 for an item one may not see (an unpublished one, unless office); 403 for a change by anyone else."""
    item = NewsItem.objects.select_related("region").filter(pk=pk).first()
    if item is None or (not item.published and not actor.is_office):
        raise NotFound(_("News item not found."))
    if write and not actor.is_office:
        raise PermissionDenied(_("Only the provincial office writes news."))
    return item
