"""Writes of the exchange app: upload a workbook, check it, confirm it, commit it.

Rows become drafts of the uploader's organisation through `scenarios.services.scenario_create`, so an
imported scenario is validated and audited exactly like one typed into the form; the commit writes all
rows in one transaction, or none.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.core.tasks import enqueue
from scenariohub.core.uploads import XLSX, validate_upload
from scenariohub.exchange import tasks
from scenariohub.exchange.models import RUNNING_STATUSES, ImportBatch, ImportRow, ImportStatus
from scenariohub.exchange.problems import NOTICES, Problem
from scenariohub.exchange.reader import read_workbook
from scenariohub.exchange.selectors import import_batch_get_for_actor
from scenariohub.scenarios import services as scenario_services
from scenariohub.scenarios.services import CREATOR_ROLES

logger = logging.getLogger(__name__)

IMPORT_ROLES = CREATOR_ROLES  # whoever may open a scenario may import scenarios
MAX_STORED_PROBLEMS = 5_000  # a hopeless file does not need its 50,000th problem stored
PROGRESS_EVERY = 100


def progress_key(batch_id: int) -> str:
    return f"exchange:import:{batch_id}:progress"


def _set_progress(batch_id: int, done: int, total: int | None) -> None:
    # Inside the commit's transaction the batch row cannot show progress to other connections; the cache can.
    cache.set(progress_key(batch_id), {"done": done, "total": total}, timeout=3600)


def import_upload(*, actor: Actor, uploaded) -> ImportBatch:
    """Store the workbook as a new batch and queue its check."""
    if actor.role not in IMPORT_ROLES:
        raise PermissionDenied(_("Your organisation cannot open scenarios, so it cannot import them."))
    validate_upload(uploaded, allowed=(XLSX,))
    with transaction.atomic():
        batch = ImportBatch(
            organisation_id=actor.organisation_id,
            created_by=actor.user,
            membership=actor.membership,
            original_name=(uploaded.name or "import.xlsx")[-200:],
            size=uploaded.size,
        )
        batch.file.save(uploaded.name or "import.xlsx", uploaded, save=False)
        batch.save()
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="exchange.import_upload",
            obj=batch,
            data={"file": batch.original_name, "size": batch.size},
            ip_address=actor.ip_address,
        )
        enqueue(tasks.CHECK, batch.pk)
    return batch


def _actor_of(batch: ImportBatch) -> Actor:
    return Actor(user=batch.created_by, membership=batch.membership)


def import_check(*, batch_id: int) -> ImportBatch:
    """Parse and check the stored workbook (task body). Runs once: only an `uploaded` batch is checked."""
    if not ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.PARSING
    ):
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("membership__organisation").get(pk=batch_id)
    actor = _actor_of(batch)
    own_region = actor.region_id if actor.membership else None
    try:
        with batch.file.open("rb") as handle:
            result = read_workbook(
                handle,
                forced_region=own_region if actor.role == Role.CITY else None,
                default_region=own_region,
                progress=lambda done, total: _set_progress(batch_id, done, total),
            )
    except Exception as exc:
        logger.exception("import %s could not be checked", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        return ImportBatch.objects.get(pk=batch_id)
    blocking = result.blocking
    stored = [p.as_json() for p in result.problems[:MAX_STORED_PROBLEMS]]
    with transaction.atomic():
        if not blocking:
            ImportRow.objects.bulk_create(
                [ImportRow(batch_id=batch_id, row_number=r.row, data=_jsonable(r.data)) for r in result.rows],
                batch_size=1000,
            )
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.PARSING).update(
            status=ImportStatus.INVALID if blocking else ImportStatus.READY,
            rows_total=result.rows_seen,
            rows_checked=result.rows_seen,
            problems=stored,
            problem_count=len(blocking),
            checked_at=timezone.now(),
        )
    cache.delete(progress_key(batch_id))
    return ImportBatch.objects.get(pk=batch_id)


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _from_json(data: dict) -> dict:
    out = dict(data)
    if out.get("deadline"):
        out["deadline"] = dt.date.fromisoformat(out["deadline"])
    return out


def import_confirm(*, actor: Actor, batch_id: int) -> ImportBatch:
    """The uploader confirms a checked batch without problems; the commit is queued."""
    batch = import_batch_get_for_actor(actor=actor, pk=batch_id, write=True)
    with transaction.atomic():
        touched = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.READY).update(
            status=ImportStatus.COMMITTING, confirmed_by=actor.user, confirmed_at=timezone.now()
        )
        if touched != 1:
            batch.refresh_from_db()
            if batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
                raise Conflict(_("This import has already been confirmed."), code="already_confirmed")
            raise Conflict(_("Only a checked import without problems can be confirmed."), code="not_ready")
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="exchange.import_confirm",
            obj=batch,
            data={"rows": batch.rows_total},
            ip_address=actor.ip_address,
        )
        enqueue(tasks.COMMIT, batch.pk)
    batch.refresh_from_db()
    return batch


class _RollBack(Exception):
    pass


def import_commit(*, batch_id: int) -> ImportBatch:
    """Write every row as a draft through scenario_create (or its bulk form, see _create_in_bulk), in one
    transaction (task body). A row refused now (the data changed since the check) rolls back every row."""
    batch = ImportBatch.objects.select_related("membership__organisation", "created_by").get(pk=batch_id)
    if batch.status != ImportStatus.COMMITTING:
        return batch
    actor = _actor_of(batch)
    rows = list(batch.rows.order_by("row_number").values_list("row_number", "data"))
    failures: list[Problem] = []
    created: list[int] = []
    try:
        with transaction.atomic():
            created, failures = _create_in_bulk(actor, rows)
            if failures:
                raise _RollBack
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportStatus.COMMITTED,
                rows_committed=len(rows),
                scenario_ids=created,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=actor.user,
                organisation=actor.organisation,
                action="exchange.import_commit",
                obj=batch,
                data={"rows": len(rows), "file": batch.original_name},
            )
    except _RollBack:
        # Nothing was written. The rows stay, so the problems can be shown against them.
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.INVALID,
            problems=[*batch.problems, *(p.as_json() for p in failures)],
            problem_count=len(failures),
            finished_at=timezone.now(),
        )
    except DomainError as exc:  # e.g. the membership was removed since the upload
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, error=exc.message[:1000], finished_at=timezone.now()
        )
    finally:
        cache.delete(progress_key(batch_id))
    return ImportBatch.objects.get(pk=batch_id)


def _create_in_bulk(actor: Actor, rows: list) -> tuple[list[int], list[Problem]]:
    """All rows through `scenarios.services.scenario_create_many`: the form's rules and audit, bulk inserts.

    It answers `ValidationFailed(details={"<index>.<field>": [messages]})`, index being the position in `rows`.
    """
    try:
        made = scenario_services.scenario_create_many(actor=actor, rows=[_from_json(data) for _row, data in rows])
    except ValidationFailed as exc:
        failures: list[Problem] = []
        for key, messages in (exc.details or {"__all__": [exc.message]}).items():
            index, _dot, name = key.partition(".")
            row_number = rows[int(index)][0] if index.isdigit() and int(index) < len(rows) else None
            failures.extend(
                _commit_problems(
                    row_number, ValidationFailed(exc.message, details={name or "__all__": messages})
                )
            )
        return [], failures
    return [scenario.pk for scenario in made], []


def _commit_problems(row_number: int | None, exc: ValidationFailed) -> list[Problem]:
    from scenariohub.exchange.columns import COLUMNS_BY_KEY

    details = exc.details or {"__all__": [exc.message]}
    return [
        Problem(
            "rejected_at_commit",
            row=row_number,
            column=name if name in COLUMNS_BY_KEY else None,
            params={"message": str(m)},
        )
        for name, messages in details.items()
        for m in messages
    ]


def import_purge(*, days: int | None = None, now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """Remove the workbooks and staged rows of imports uploaded more than ``days`` ago (default
    ``SCENARIOHUB_IMPORT_RETENTION_DAYS``); the batch (who imported what, when, how many rows, the problems)
    stays as the record. A batch still checked or committed is skipped; one never confirmed can no longer be
    and is marked failed. Files under ``imports/`` no batch refers to (an upload whose transaction rolled
    back) go too once as old. One audit record per run that removed anything."""
    days = settings.SCENARIOHUB_IMPORT_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValidationFailed(_("Imports are kept at least one day."), details={"days": [str(days)]})
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING_STATUSES)
    with_data = old.exclude(file="") | old.filter(rows__isnull=False)
    batch_ids = list(with_data.values_list("pk", flat=True).distinct().order_by("pk"))
    storage = ImportBatch._meta.get_field("file").storage
    names = set(ImportBatch.objects.filter(pk__in=batch_ids).exclude(file="").values_list("file", flat=True))
    referenced = set(ImportBatch.objects.exclude(file="").values_list("file", flat=True))
    orphans = [name for name in _stored_imports(storage, older_than=cutoff) if name not in referenced]
    summary = {
        "batches": len(batch_ids),
        "files": len(names) + len(orphans),
        "rows": ImportRow.objects.filter(batch_id__in=batch_ids).count(),
        "days": days,
    }
    if dry_run or not (batch_ids or orphans):
        return summary
    with transaction.atomic():
        expired = ImportBatch.objects.filter(pk__in=batch_ids, status=ImportStatus.READY)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Not confirmed within %(days)d days: the file and its rows were removed.")
        message %= {"days": days}
        expired.update(status=ImportStatus.FAILED, error=message, finished_at=timezone.now())
        ImportRow.objects.filter(batch_id__in=batch_ids).delete()
        ImportBatch.objects.filter(pk__in=batch_ids).update(file="")
        audit_record(
            actor=None,
            organisation=None,
            action="exchange.import_purge",
            object_type="exchange.importbatch",
            data={**summary, "batch_ids": batch_ids[:1000]},
        )
        # Files go once the rows no longer name them; a rolled-back purge keeps them.
        transaction.on_commit(lambda: [storage.delete(name) for name in (*names, *orphans)])
    return summary


def _stored_imports(storage, *, older_than: dt.datetime) -> list[str]:
    try:
        _dirs, files = storage.listdir("imports")
    except FileNotFoundError:
        return []
    return [f"imports/{name}" for name in files if storage.get_modified_time(f"imports/{name}") < older_than]


__all__ = ["NOTICES", "import_check", "import_commit", "import_confirm", "import_purge", "import_upload"]
