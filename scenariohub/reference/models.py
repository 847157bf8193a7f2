"""Facts from the work plan: sectors, fields, regions and scenario kinds.

Stable codes are primary keys, so a foreign key column holds the code that URLs, the API, imports and
exports use, and filtering by code needs no join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScenarioKind(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    GOVERNMENT = "government", _("Government")


class Sector(models.Model):
    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name_zh


class Field(models.Model):
    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="fields")
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["sector__position", "position"]

    def __str__(self) -> str:
        return self.name_zh


class Region(models.Model):
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name_zh
