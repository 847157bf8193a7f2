"""The audit trail's machinery: the hash chain, the request context, and the outcome of a response.

Hash chain. Every record carries `prev_hash` (the `hash` of the record before it, in id order) and its own
`hash`, an HMAC over a canonical serialisation of the record (`canonical_bytes`). Changing a field, or
removing a record, breaks a link that `scenariohub audit_verify` reports. The MAC is keyed with
`AUDIT_HMAC_KEY` (environment; in development derived from SECRET_KEY), which is not in the database: a
person who can write to the database but does not hold the key cannot re-seal what they changed.

Algorithm: HMAC-SM3 (SM3, GB/T 32905-2016, through `cryptography`), the hash the assessors of GB/T 22239 and
GB/T 39786 expect; it is keyed, so unlike a bare SM3 chain it cannot be recomputed by whoever edits the rows.
Each row records its algorithm (`hash_alg`): an OpenSSL build without SM3 falls back to HMAC-SHA256, and
rows sealed under either still verify.

Appending is serialised by one chain-head row (`AuditChainHead`, pk=1) locked with SELECT ... FOR UPDATE in
the writing transaction (PostgreSQL), or by SQLite's single writer (transactions start IMMEDIATE): two
transactions can never both link to the same predecessor. The head also carries the last id/hash (so a cut
tail is seen) and the anchor (where the chain starts after a purge), all under a MAC of their own.

Request context. `AuditMiddleware` sets a context variable for the duration of a request (request id, IP,
method, path); `audit_record` fills those in on every record it writes, so services and the login code need
not pass them, and log lines carry the request id (`RequestIdLogFilter`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import hmac as std_hmac
import ipaddress
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

GENESIS_HASH = "0" * 64
ALG_SM3 = "hmac-sm3"
ALG_SHA256 = "hmac-sha256"
CANONICAL_VERSION = 1


# ------------------------------------------------------------------------------------------ key and MAC


def _sm3_available() -> bool:
    try:
        from cryptography.hazmat.backends import default_backend
        from cryptography.hazmat.primitives import hashes
    except ImportError:  # pragma: no cover - cryptography is a dependency
        return False
    return bool(default_backend().hmac_supported(hashes.SM3()))


SM3_AVAILABLE = _sm3_available()
DEFAULT_ALG = ALG_SM3 if SM3_AVAILABLE else ALG_SHA256


def audit_key() -> bytes:
    """The MAC key: AUDIT_HMAC_KEY, else one derived from SECRET_KEY (settings refuse that in production)."""
    configured = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if configured:
        return configured.encode()
    return std_hmac.new(settings.SECRET_KEY.encode(), b"scenariohub audit chain v1", hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A key's public name (8 hex digits of SHA-256 under a label), stored on each record it seals."""
    return hashlib.sha256(b"scenariohub audit key id:" + key).hexdigest()[:8]


def audit_keys() -> tuple[str, dict[str, bytes]]:
    """The current key's id, and every usable key by id: AUDIT_HMAC_KEY and AUDIT_HMAC_KEY_PREVIOUS.

    Previous keys only verify (records sealed before a rotation); new records are always sealed under the
    current key, and a key rotation record (`audit_rotate_key`) retires the previous ones for what follows.
    """
    current = audit_key()
    keys = {key_id(current): current}
    for secret in getattr(settings, "AUDIT_HMAC_KEY_PREVIOUS", []) or []:
        keys.setdefault(key_id(secret.encode()), secret.encode())
    return key_id(current), keys


def mac(alg: str, payload: bytes, *, key: bytes | None = None) -> str:
    key = audit_key() if key is None else key
    if alg == ALG_SM3:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import hmac as crypto_hmac

        h = crypto_hmac.HMAC(key, hashes.SM3())
        h.update(payload)
        return h.finalize().hex()
    if alg == ALG_SHA256:
        return std_hmac.new(key, payload, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {alg!r}")


# ------------------------------------------------------------------------------------ canonical form


def storable_text(value: str) -> str:
    """PostgreSQL refuses NUL in text and jsonb: a request for /api/v1/x%00 is recorded as "x\\x00"."""
    return value.replace("\x00", "\\x00") if "\x00" in value else value


def _normalise(value):
    """JSON as both databases give it back: PostgreSQL's jsonb turns 1e16 into 10000000000000000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


def storable_data(data: dict | None) -> dict:
    """The details as they will be stored: JSON-native (dates, decimals, UUIDs become strings)."""
    return _normalise(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def normalise_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def utc_text(when: dt.datetime) -> str:
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_bytes(row) -> bytes:
    """The serialisation the MAC covers: every field of the record except its id and its own hash.

    The id is left out on purpose: the chain's order is carried by `prev_hash`, and bulk inserts learn their
    ids only after the INSERT.
    """
    doc = {
        "v": CANONICAL_VERSION,
        "alg": row.hash_alg,
        "prev": row.prev_hash,
        "time": utc_text(row.created_at),
        "actor": row.actor_id,
        "organisation": row.organisation_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "outcome": row.outcome,
        "ip": normalise_ip(row.ip_address),
        "request_id": row.request_id,
        "method": row.method,
        "path": row.path,
        "data": _normalise(row.data or {}),
    }
    kid = getattr(row, "key_id", None)
    if kid:  # records sealed before keys had ids keep their exact serialisation
        doc["kid"] = kid
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(row, *, key: bytes | None = None) -> str:
    """The record's MAC under `key`, by default the key its `key_id` names (the current key if unnamed)."""
    if key is None:
        _current, keys = audit_keys()
        key = keys.get(getattr(row, "key_id", None) or "") or audit_key()
    return mac(row.hash_alg, canonical_bytes(row), key=key)


def sealing_key_id(row) -> str | None:
    """The id of the configured key that sealed this record, or None (altered, or its key is not configured).

    A record names its key; records from before key ids are tried under each configured key."""
    _current, keys = audit_keys()
    named = getattr(row, "key_id", None)
    candidates = [named] if named else list(keys)
    for kid in candidates:
        key = keys.get(kid)
        if key is not None and std_hmac.compare_digest(row.hash, record_hash(row, key=key)):
            return kid
    return None


def head_payload(head) -> bytes:
    return f"head|{head.last_id or 0}|{head.last_hash}|{head.anchor_id or 0}|{head.anchor_hash}".encode()


def head_mac(head, *, key: bytes | None = None) -> str:
    return mac(head.mac_alg or DEFAULT_ALG, head_payload(head), key=key)


def head_key_id(head) -> str | None:
    """Which configured key sealed the head (app servers mid-rotation may still hold the previous one)."""
    _current, keys = audit_keys()
    for kid, key in keys.items():
        if std_hmac.compare_digest(head.mac, head_mac(head, key=key)):
            return kid
    return None


# ----------------------------------------------------------------------------------------- appending


def locked_head(using: str):
    """The chain head, locked for the rest of the transaction (created on first use or after a flush)."""
    from scenariohub.core.models import AuditChainHead, AuditLog

    head = AuditChainHead.objects.using(using).select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditLog.objects.using(using).order_by("-id").only("id", "hash").first()
    first = AuditLog.objects.using(using).order_by("id").only("id", "prev_hash").first()
    head = AuditChainHead(
        pk=1,
        last_id=last.id if last else None,
        last_hash=last.hash if last else GENESIS_HASH,
        anchor_id=first.id if first else None,
        anchor_hash=first.prev_hash if first else GENESIS_HASH,
        mac_alg=DEFAULT_ALG,
    )
    head.mac = head_mac(head)
    try:
        with transaction.atomic(using=using):
            head.save(using=using, force_insert=True)
    except IntegrityError:  # another transaction created it first: wait for its lock like everyone else
        pass
    return AuditChainHead.objects.using(using).select_for_update().get(pk=1)


def seal(rows: list, *, head) -> None:
    """Give unsaved rows their place in the chain after `head` (hash fields only; no query)."""
    prev = head.last_hash
    kid, keys = audit_keys()
    for row in rows:
        row.hash_alg = DEFAULT_ALG
        row.key_id = kid
        row.prev_hash = prev
        row.hash = record_hash(row, key=keys[kid])
        prev = row.hash


def advance(head, rows: list, *, using: str) -> None:
    """Move the head past rows just inserted (they have ids now)."""
    from scenariohub.core.models import AuditChainHead

    if not rows:
        return
    head.last_id = max(r.id for r in rows)
    head.last_hash = rows[-1].hash
    if head.anchor_id is None:
        head.anchor_id = min(r.id for r in rows)
    head.mac_alg = DEFAULT_ALG
    head.mac = head_mac(head)
    AuditChainHead.objects.using(using).filter(pk=1).update(
        last_id=head.last_id,
        last_hash=head.last_hash,
        anchor_id=head.anchor_id,
        mac_alg=head.mac_alg,
        mac=head.mac,
    )


# ---------------------------------------------------------------------------------- request context


@dataclass
class RequestContext:
    request_id: str
    ip_address: str | None
    method: str
    path: str
    outcomes: list[str] = field(default_factory=list)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "scenariohub_audit", default=None
)
_clock: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "scenariohub_audit_clock", default=None
)


def current_request() -> RequestContext | None:
    return _current.get()


@contextlib.contextmanager
def request_context(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def recorded_at(when: dt.datetime) -> Iterator[None]:
    """Records written inside get `when` as their time: for loading historic data (the demo seed) only.

    The time is sealed into the chain at insertion, so historic rows never need an UPDATE afterwards.
    """
    token = _clock.set(when)
    try:
        yield
    finally:
        _clock.reset(token)


def record_time() -> dt.datetime:
    return _clock.get() or timezone.now()


def begin_request(ctx: RequestContext) -> None:
    """Set for the rest of the request, until its response is closed (`end_request`, on request_finished):
    Django logs "Not Found" and friends after the middleware has returned, and those lines need the id too."""
    _current.set(ctx)


def end_request(**kwargs) -> None:
    _current.set(None)


def current_request_id() -> str:
    ctx = _current.get()
    return ctx.request_id if ctx else "-"


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every log record ("-" outside a request) for the formatter to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


# --------------------------------------------------------------------------------------------- outcome


def outcome_for_status(status: int) -> str:
    from scenariohub.core.models import Outcome

    if status >= 500:
        return Outcome.ERROR
    if status in (401, 403, 404, 429):
        return Outcome.DENIED
    if status >= 400:
        return Outcome.INVALID
    return Outcome.SUCCESS


# ------------------------------------------------------------------------------------------ verifying


@dataclass
class ChainBreak:
    record_id: int | None
    time: str
    problem: str


@dataclass
class ChainReport:
    checked: int = 0
    first_id: int | None = None
    last_id: int | None = None
    broken: ChainBreak | None = None
    key_ids: dict[str, int] = field(default_factory=dict)  # records checked per sealing key

    @property
    def ok(self) -> bool:
        return self.broken is None


KEY_ROTATE_ACTION = "audit.key_rotate"


def rotation_payload(*, last_id: int | None, last_hash: str, key_id: str) -> bytes:
    """What each retired key signs in the rotation record: where its segment of the chain ends."""
    return f"rotate|{last_id or 0}|{last_hash}|{key_id}".encode()


def _rotation_problem(row, kid: str, keys: dict[str, bytes]) -> str | None:
    data = row.data or {}
    if data.get("key_id") != kid:
        return "the key rotation record names another key than the one that sealed it"
    payload = rotation_payload(last_id=data.get("last_id"), last_hash=data.get("last_hash", ""), key_id=kid)
    for retired, signature in (data.get("seal_by_previous") or {}).items():
        key = keys.get(retired)
        if key is not None and not std_hmac.compare_digest(
            str(signature), mac(row.hash_alg, payload, key=key)
        ):
            return f"the key rotation record's seal by key {retired} does not match"
    return None


def verify_chain(*, using: str = "default", progress=None, chunk: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first broken link (see module docstring).

    `progress(done, total)` is called every `chunk` records. Reads only; takes no lock, so records appended
    meanwhile are checked up to the head as it was read at the start.
    """
    from scenariohub.core.models import AuditChainHead, AuditLog

    report = ChainReport()
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    rows = AuditLog.objects.using(using).order_by("id")
    if head is None:
        first = rows.first()
        if first is not None:
            report.broken = ChainBreak(first.id, first.time_with_offset, "the chain head is missing")
        return report
    _current, keys = audit_keys()
    head_kid = head_key_id(head)
    if head_kid is None:
        report.broken = ChainBreak(
            None, "", "the chain head's MAC does not match (head row altered, or its key is not configured)"
        )
        return report
    retired: dict[str, int] = {}  # key id -> the rotation record that retired it
    if head.last_id is not None:
        rows = rows.filter(id__lte=head.last_id)
    total = rows.count()
    prev_hash, prev_id = head.anchor_hash, None
    for row in rows.iterator(chunk_size=chunk):
        report.checked += 1
        if report.first_id is None:
            report.first_id = row.id
            if head.anchor_id is not None and row.id != head.anchor_id:
                where = "removed" if row.id > head.anchor_id else "inserted"
                report.broken = ChainBreak(
                    row.id,
                    row.time_with_offset,
                    f"the chain starts at record {head.anchor_id}; records were {where}",
                )
                return report
        if row.hash_alg not in (ALG_SM3, ALG_SHA256):
            report.broken = ChainBreak(row.id, row.time_with_offset, "the record is not sealed (no hash)")
            return report
        kid = sealing_key_id(row)
        if kid is None:
            named = getattr(row, "key_id", None)
            problem = (
                f"the record is sealed under key {named}, which is neither AUDIT_HMAC_KEY nor in "
                "AUDIT_HMAC_KEY_PREVIOUS"
                if named and named not in keys
                else "the record's content does not match its hash (record altered)"
            )
            report.broken = ChainBreak(row.id, row.time_with_offset, problem)
            return report
        if kid in retired:
            report.broken = ChainBreak(
                row.id,
                row.time_with_offset,
                f"the record is sealed under key {kid}, retired by the key rotation in record {retired[kid]}",
            )
            return report
        if row.action == KEY_ROTATE_ACTION and not row.method:
            if problem := _rotation_problem(row, kid, keys):
                report.broken = ChainBreak(row.id, row.time_with_offset, problem)
                return report
            for old in (row.data or {}).get("retired_key_ids") or []:
                if old != kid:
                    retired.setdefault(old, row.id)
        report.key_ids[kid] = report.key_ids.get(kid, 0) + 1
        if row.prev_hash != prev_hash:
            after = f"record {prev_id}" if prev_id is not None else "the chain's anchor"
            report.broken = ChainBreak(
                row.id,
                row.time_with_offset,
                f"the link to {after} is broken: a record between them was removed, or the predecessor altered",
            )
            return report
        prev_hash, prev_id = row.hash, row.id
        report.last_id = row.id
        if progress and report.checked % chunk == 0:
            progress(report.checked, total)
    if head.last_id is not None and (prev_id != head.last_id or prev_hash != head.last_hash):
        report.broken = ChainBreak(
            prev_id,
            "",
            f"the chain ends at record {head.last_id} but the last record found is {prev_id}: records were removed",
        )
    if report.ok and head_kid in retired:
        report.broken = ChainBreak(
            None, "", f"the chain head is sealed under key {head_kid}, retired in record {retired[head_kid]}"
        )
    if progress and report.checked % chunk:
        progress(report.checked, total)
    return report
