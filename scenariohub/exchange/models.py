"""Import batches: one uploaded workbook, its parsed rows, its problems and its outcome.

A batch is the record of an import (who, when, which file, how many rows, what happened), and the
staging area between the preview and the confirmation: rows are parsed once, stored, and written as
scenarios only when the uploader confirms, all in one transaction.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scenariohub.core.fields import EncryptedJSONField
from scenariohub.core.storage import encrypted_storage


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PARSING = "parsing", _("Checking")
    READY = "ready", _("Ready to confirm")
    INVALID = "invalid", _("Has problems")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.COMMITTING)


def import_file_path(instance: "ImportBatch", filename: str) -> str:
    # The user's file name is kept in a column, never trusted as a path.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportBatch(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    membership = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("acting as"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The workbook holds every row's contact: SM4-encrypted on disk (core.storage). Removed, with the
    # staged rows, after SCENARIOHUB_IMPORT_RETENTION_DAYS (`scenariohub purge_imports`); then "".
    file = models.FileField(
        _("file"), upload_to=import_file_path, max_length=255, storage=encrypted_storage, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_committed = models.PositiveIntegerField(_("rows imported"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # [{"row", "column", "letter", "code", "params"}], worded when shown (see problems.py).
    problems = models.JSONField(_("problems found"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The drafts the commit created, in row order (one list: linking 10,000 rows one by one costs seconds).
    scenario_ids = models.JSONField(_("scenarios created"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="exchange_batch_org_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def blocking_problem_count(self) -> int:
        from scenariohub.exchange.problems import NOTICES

        return sum(1 for p in self.problems if p.get("code") not in NOTICES)


class ImportRow(models.Model):
    """One checked row, staged until the uploader confirms; the commit makes it a scenario."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField(_("row"))
    # The row's values, contacts included: one SM4-encrypted JSON document (core.fields).
    data = EncryptedJSONField(_("values"))
    scenario = models.ForeignKey(
        "scenarios.Scenario",
        verbose_name=_("scenario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="exchange_row_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
