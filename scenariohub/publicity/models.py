"""Publicity: the news and updates the provincial office writes for the public.

A `NewsItem` is written by the office; its body is rich text that the service cleans with nh3 (the
allow-list in `scenariohub.core.sanitize`) before it is stored, so what is in the table is already safe
to show. `region` says which city an item is about (empty for province-wide news): the demonstration-zone
score reads it as the region's publicity effort, counting published items by `published_at` year.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def cover_path(instance: "NewsItem", filename: str) -> str:
    # The stored name is random: the uploader's file name is never trusted as a path.
    return f"publicity/news/{uuid.uuid4().hex}"


class NewsItem(models.Model):
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences, shown in lists and link previews.")
    )
    # Sanitised HTML (nh3 allow-list) written by the service; templates still render it through |rich_text.
    body = models.TextField(_("body"), max_length=50_000)
    cover = models.FileField(_("cover image"), upload_to=cover_path, max_length=255, blank=True)
    cover_kind = models.CharField(_("cover image type"), max_length=10, blank=True)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city the item is about; empty for province-wide news."),
    )
    published = models.BooleanField(_("published"), default=False)
    # Set on the first publication and kept afterwards: an item counts for the year it first went out.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="publicity_published_has_time",
            ),
        ]
        indexes = [models.Index(fields=["published", "-published_at"], name="publicity_news_pub_idx")]

    def __str__(self) -> str:
        return self.title
