from typing import Any

from django.utils.translation import gettext as _

from scenariohub.core import audit
from scenariohub.core.errors import PermissionDenied
from scenariohub.core.models import AuditLog, Outcome

# What an auditor may cause to be recorded: signing in and out, their own password, and reading the trail.
# Anything else means a service let an auditor change something; `audit_record` refuses, which rolls back
# the service's transaction (separation of duties, GB/T 22239 8.1.4.2), whatever the service checked.
AUDITOR_ACTION_PREFIXES = ("auth.", "account.password", "audit.", "session.")


def _auditor_guard(actor: Any, organisation: Any, action: str) -> None:
    from scenariohub.accounts.models import Membership, Role

    if action.startswith(AUDITOR_ACTION_PREFIXES) or organisation is None or actor is None:
        return
    if getattr(organisation, "type", None) != Role.OFFICE:  # auditors are members of the office only
        return
    if Membership.objects.filter(
        user_id=actor.pk, organisation_id=organisation.pk, role=Role.AUDITOR
    ).exists():
        raise PermissionDenied(
            _("Auditors read the audit trail and change nothing."), code="auditor_read_only"
        )


def default_outcome(action: str) -> str:
    name = action.rsplit(".", 1)[-1]
    if name.endswith("_failed"):
        return Outcome.FAILURE
    if name.endswith(("_refused", "_denied")) or name in ("lockout", "locked"):
        return Outcome.DENIED
    return Outcome.SUCCESS


def audit_record(
    *,
    actor: Any,
    organisation: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    data: dict | None = None,
    ip_address: str | None = None,
    outcome: str | None = None,
) -> AuditLog:
    """Insert one audit row, sealed into the hash chain. Call inside the transaction of the change it records.

    Inside a request the row gets the request's id and client IP (the middleware's context). `outcome`, when not given, follows the action's name (`default_outcome`): `*_failed` is a
    failure, `*_refused`/`*_denied` and `*.lockout` a denial, anything else a success.
    """
    outcome = outcome or default_outcome(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor = actor if getattr(actor, "is_authenticated", False) else None
    _auditor_guard(actor, organisation, action)
    ctx = audit.current_request()
    if ctx is not None:
        ctx.outcomes.append(str(outcome))
    return AuditLog.objects.create(
        actor=actor,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        ip_address=ip_address,
        outcome=outcome,
    )


def audit_record_many(
    *,
    actor: Any,
    organisation: Any,
    action: str,
    objects: list,
    data: Any = None,
    ip_address: str | None = None,
    outcome: str | None = None,
) -> list[AuditLog]:
    """`audit_record` for a batch of objects the same actor changed the same way (an import): one record
    per object, all appended under one lock of the chain head and inserted in a few statements, so the
    chain stays as `audit_verify` checks it. `data(obj) -> dict` gives each record its details.

    The same guard and context as `audit_record`: the auditor is refused, request id and IP are filled in.
    """
    if not objects:
        return []
    outcome = outcome or default_outcome(action)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    _auditor_guard(actor, organisation, action)
    ctx = audit.current_request()
    if ctx is not None:
        ctx.outcomes.append(str(outcome))
    return AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=actor,
                organisation=organisation,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                data=(data(obj) if callable(data) else data) or {},
                ip_address=ip_address,
                outcome=outcome,
            )
            for obj in objects
        ],
        batch_size=1000,
    )


AUDIT_RETENTION_DAYS = 184  # GB/T 22239-2019 / 网络安全法 第二十一条: logs are kept at least six months


def _intact_chain_head(using: str, refusal: str):
    """Lock the chain head and verify the whole chain (inside the caller's transaction): (head, report).
    A broken chain raises Conflict with `refusal` (naming the broken record as %(id)s): what would change
    the chain's evidence waits until the break is investigated."""
    from scenariohub.core.errors import Conflict

    head = audit.locked_head(using)
    report = audit.verify_chain(using=using)
    if not report.ok:
        raise Conflict(refusal % {"id": report.broken.record_id}, code="chain_broken")
    return head, report


def audit_purge(*, before, now=None, using: str = "default") -> dict:
    """Delete the oldest records, all older than `before`, keeping the chain verifiable.

    Only a prefix of the chain is removed (records in id order up to the first one at or after `before`), so
    what remains still links record to record; the head's anchor then names the first kept record and the
    `prev_hash` it carries. Refused when `before` is less than 184 days ago, or when the chain is broken
    (purging would destroy the evidence). The purge is itself recorded.
    """
    import datetime as dt

    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from scenariohub.core.errors import ValidationFailed

    now = now or timezone.now()
    if timezone.is_naive(before):
        before = timezone.make_aware(before)
    limit = now - dt.timedelta(days=AUDIT_RETENTION_DAYS)
    if before > limit:
        raise ValidationFailed(
            _("Audit records are kept for at least %(days)d days: the date must be on or before %(limit)s.")
            % {"days": AUDIT_RETENTION_DAYS, "limit": timezone.localtime(limit).date().isoformat()},
            code="retention",
        )
    with transaction.atomic(using=using):
        head, _report = _intact_chain_head(
            using, _("The audit chain is broken at record %(id)s; it is not purged until this is investigated.")
        )
        rows = AuditLog.objects.using(using)
        young = rows.filter(created_at__gte=before).order_by("id").values_list("id", flat=True).first()
        old = rows.filter(id__lt=young) if young is not None else rows.all()
        up_to = old.aggregate(m=Max("id"))["m"]
        deleted = rows._purge_prefix(up_to_id=up_to) if up_to is not None else 0
        first = rows.order_by("id").only("id", "prev_hash").first()
        if first is not None:
            head.anchor_id, head.anchor_hash = first.id, first.prev_hash
        else:  # everything went: the next record (the purge's own) links to the last one removed
            head.anchor_id, head.anchor_hash = None, head.last_hash
        head.mac_alg = audit.DEFAULT_ALG
        head.mac = audit.head_mac(head)
        head.save(using=using)
        summary = {
            "before": before.isoformat(),
            "deleted": deleted,
            "up_to_id": up_to,
            "anchor_id": head.anchor_id,
            "anchor_hash": head.anchor_hash,
        }
        audit_record(
            actor=None, organisation=None, action="audit.purge", object_type="core.auditlog", data=summary
        )
    return summary


AUDIT_EXPORT_MAX_ROWS = 100_000


def audit_export(*, actor, filters: dict):
    """The filtered trail as .xlsx, for auditors and the office; the export is itself recorded.

    Returns (file, row count). More than AUDIT_EXPORT_MAX_ROWS rows are refused: narrow the filters.
    """
    from django.db import transaction

    from scenariohub.core.audit_xlsx import audit_xlsx
    from scenariohub.core.errors import ValidationFailed
    from scenariohub.core.selectors import audit_search

    qs = audit_search(actor=actor, filters=filters)
    total = qs.count()
    if total > AUDIT_EXPORT_MAX_ROWS:
        raise ValidationFailed(
            _("%(n)d records match; narrow the filters to at most %(max)d for an export.")
            % {"n": total, "max": AUDIT_EXPORT_MAX_ROWS},
            code="too_many_rows",
        )
    with transaction.atomic():
        out, count = audit_xlsx(qs.iterator(chunk_size=2000))
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="audit.export",
            object_type="core.auditlog",
            data={"filters": filters, "rows": count, "format": "xlsx"},
        )
    return out, count


def audit_key_rotate(*, using: str = "default") -> dict:
    """Seal the switch to a new AUDIT_HMAC_KEY: one record, under the new key, that retires the previous ones.

    Run once every app server writes under the new key (AUDIT_HMAC_KEY) with the old one in
    AUDIT_HMAC_KEY_PREVIOUS. The record names the last record before it, signed by each retired key
    (`seal_by_previous`), and links to it like any record; from then on `audit_verify` refuses a record or
    a chain head sealed under a retired key. Older records keep verifying under the previous keys for as
    long as those stay configured. Refused on a broken chain, and when there is no previous key.
    """
    from django.db import transaction

    from scenariohub.core.errors import ValidationFailed

    current, keys = audit.audit_keys()
    retired = sorted(kid for kid in keys if kid != current)
    if not retired:
        raise ValidationFailed(
            _("AUDIT_HMAC_KEY_PREVIOUS holds no other key than AUDIT_HMAC_KEY: there is nothing to retire."),
            code="no_previous_key",
        )
    with transaction.atomic(using=using):
        head, report = _intact_chain_head(
            using,
            _("The audit chain is broken at record %(id)s; the key is not rotated until this is investigated."),
        )
        payload = audit.rotation_payload(last_id=head.last_id, last_hash=head.last_hash, key_id=current)
        summary = {
            "key_id": current,
            "retired_key_ids": retired,
            "last_id": head.last_id,
            "last_hash": head.last_hash,
            "records_by_key": report.key_ids,
            "seal_by_previous": {
                kid: audit.mac(audit.DEFAULT_ALG, payload, key=keys[kid]) for kid in retired
            },
        }
        record = audit_record(
            actor=None,
            organisation=None,
            action=audit.KEY_ROTATE_ACTION,
            object_type="core.auditlog",
            data=summary,
        )
    return {**summary, "record_id": record.pk}
