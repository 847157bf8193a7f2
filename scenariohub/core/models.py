from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """Raised on any attempt to change or delete audit records through the application."""


class Outcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    INVALID = "invalid", _("invalid")
    ERROR = "error", _("error")
    FAILURE = "failure", _("failure")


class AuditLogQuerySet(models.QuerySet):
    """Rows are inserted (one by one or in bulk, always sealed into the chain) and never changed.

    `update`, `delete` and `bulk_update` refuse; the only removal path is `audit_purge` (retention), which
    deletes a prefix of the chain through `_purge_prefix`.
    """

    def update(self, **kwargs):
        raise AuditImmutable("audit records cannot be changed")

    def delete(self):
        raise AuditImmutable("audit records cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable("audit records cannot be changed")

    def update_or_create(self, *args, **kwargs):
        raise AuditImmutable("audit records cannot be changed")

    def bulk_create(self, objs, batch_size=None, **kwargs):
        from scenariohub.core import audit

        objs = list(objs)
        if not objs:
            return objs
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise AuditImmutable("audit records are inserted as they are, never merged")
        using = self.db
        with transaction.atomic(using=using):
            head = audit.locked_head(using)
            for row in objs:
                _prepare(row)
            audit.seal(objs, head=head)
            created = super().bulk_create(objs, batch_size=batch_size)
            if any(r.id is None for r in created):  # pragma: no cover - both databases return ids
                raise AuditImmutable("the database did not return the ids of the audit records")
            audit.advance(head, created, using=using)
        return created

    def requests(self):
        """Request-level records (one per state-changing request and per denied read)."""
        return self.exclude(method="")

    def changes(self):
        """Records of what services changed (and logins, exports…): everything but the request records."""
        return self.filter(method="")

    def _purge_prefix(self, *, up_to_id: int) -> int:
        """Delete records with id <= up_to_id. For `audit_purge` only (it checks the retention rule)."""
        qs = self.model.objects.using(self.db).filter(id__lte=up_to_id)
        return models.QuerySet.delete(qs)[0]


def _prepare(row) -> None:
    from scenariohub.core import audit

    if row.created_at is None:
        row.created_at = audit.record_time()
    ctx = audit.current_request()
    if ctx is not None:  # records written while a request is served carry its id (and its IP by default)
        # The request's address (proxy-aware, see core.middleware.client_ip) wins over what a caller passed.
        row.request_id = row.request_id or ctx.request_id
        row.ip_address = ctx.ip_address or row.ip_address
    row.ip_address = audit.normalise_ip(row.ip_address)
    row.data = audit.storable_data(row.data)
    row.action = audit.storable_text(row.action)[:64]
    row.object_type = audit.storable_text(row.object_type or "")[:100]
    row.object_id = audit.storable_text(str(row.object_id or ""))[:200]
    row.path = audit.storable_text(row.path or "")[:500]


class AuditLog(models.Model):
    """One row for every state change made through the platform (and every request that asked for one, and
    every denied access): who, as which organisation, from where, did what to what, with what outcome.

    Rows are only ever inserted (services call `audit_record`, the middleware writes the request record) and
    sealed into a hash chain (see `core.audit`). Actor and organisation are kept as references without a
    database constraint: deleting a user or an organisation must not rewrite (SET NULL) or cascade into
    the evidence of what they did.
    """

    created_at = models.DateTimeField(_("time"), default=None, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_index=True)
    method = models.CharField(_("HTTP method"), max_length=8, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    hash_alg = models.CharField(_("hash algorithm"), max_length=16, blank=True)
    # The id of the AUDIT_HMAC_KEY that sealed the record (core.audit.key_id); NULL on records sealed before
    # keys had ids. Nullable so adding it altered no existing row (they are immutable).
    key_id = models.CharField(_("key id"), max_length=8, null=True, blank=True)  # noqa: DJ001 - see above
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
            models.Index(fields=["actor", "created_at"], name="core_audit_actor_time_idx"),
            models.Index(fields=["organisation", "created_at"], name="core_audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.time_with_offset} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        from scenariohub.core import audit

        if not self._state.adding or self.pk is not None:
            raise AuditImmutable("audit records cannot be changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            head = audit.locked_head(using)
            _prepare(self)
            audit.seal([self], head=head)
            super().save(*args, **kwargs)
            audit.advance(head, [self], using=using)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("audit records cannot be deleted")

    @property
    def time_with_offset(self) -> str:
        """The time in the platform's zone with its offset, e.g. 2026-12-03 21:30:05+08:00."""
        if self.created_at is None:
            return ""
        return timezone.localtime(self.created_at).isoformat(sep=" ", timespec="seconds")

    @property
    def is_request_record(self) -> bool:
        return bool(self.method)


class AuditChainHead(models.Model):
    """The one row (pk=1) that appends lock, holding where the chain ends and where it starts.

    `anchor_id`/`anchor_hash` are the first record and the `prev_hash` it must carry (all zeros until a
    purge removes the oldest records); `last_id`/`last_hash` the newest. `mac` seals these four values, so
    records cut from either end are detected as well as records changed in the middle.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64)
    anchor_id = models.BigIntegerField(null=True, blank=True)
    anchor_hash = models.CharField(max_length=64)
    mac_alg = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"audit chain: {self.anchor_id}…{self.last_id}"
