"""Reads of the exchange app: import batches as their readers may see them, and rows to export."""

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.core.personal import mask_email, mask_phone, may_export_personal_data, sees_personal_data
from scenariohub.exchange.columns import EXPORT_VALUES, NAME_OF, PERSONAL
from scenariohub.exchange.models import ImportBatch
from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES
from scenariohub.scenarios.selectors import ScenarioFilter, scenario_list_public, scenario_list_visible

EXPORT_CHUNK = 2_000


def import_batch_list(*, actor: Actor) -> QuerySet:
    """The office sees every import (the record of who imported what); others their organisation's."""
    qs = ImportBatch.objects.select_related("organisation", "created_by").defer("problems", "scenario_ids")
    if actor.is_anonymous:
        return qs.none()
    if actor.is_office:
        return qs
    return qs.filter(organisation_id=actor.organisation_id)


def import_batch_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> ImportBatch:
    """404 for an import the actor may not see; 403 when only its uploader may act on it."""
    if actor.is_anonymous:
        raise NotFound(_("Import not found."))
    try:
        batch = import_batch_list(actor=actor).defer(None).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("Import not found.")) from None
    if write and (
        batch.membership_id is None or batch.membership_id != getattr(actor.membership, "pk", None)
    ):
        raise PermissionDenied(_("Only the person who uploaded this file may confirm it."))
    return batch


def import_preview_rows(*, batch: ImportBatch, limit: int = 20) -> list:
    """The first rows of a batch, each with the id of the draft it became once committed."""
    rows = list(batch.rows.order_by("row_number")[:limit])
    for row, scenario_id in zip(rows, [*batch.scenario_ids, *[None] * len(rows)], strict=False):
        row.scenario_id = scenario_id
    return rows


def export_queryset(*, actor: Actor, filters: ScenarioFilter) -> QuerySet:
    """The catalogue's list for this actor (the public list for anonymous readers), with the same filters."""
    if actor.is_anonymous:
        return scenario_list_public(filters=filters)
    return scenario_list_visible(actor=actor, filters=filters)


def export_rows(*, actor: Actor, filters: ScenarioFilter, include_personal: bool = False) -> Iterator[dict]:
    """One dict per scenario with every export column, streamed from the database in chunks.

    Personal data: none for anonymous readers; the actor's own organisation's rows in full; other
    organisations' phones and e-mails masked unless ``include_personal`` is asked for, which needs the
    permission (``may_export_personal_data``: office, cities) and is audited by the caller, and even then
    only on the rows the actor may see in full (``sees_personal_data``: its city's, or all for the office).
    """
    if include_personal and not may_export_personal_data(actor):  # checked now, not at the first row
        raise PermissionDenied(_("Exporting contact details in full needs the personal-data export permission."))
    return _export_rows(actor, filters, include_personal)


def _export_rows(actor: Actor, filters: ScenarioFilter, include_personal: bool) -> Iterator[dict]:
    hide_personal = actor.is_anonymous
    values = tuple(dict.fromkeys((*EXPORT_VALUES, "owner_id", "owner__type")))
    qs = export_queryset(actor=actor, filters=filters).values(*values)
    for row in qs.iterator(chunk_size=EXPORT_CHUNK):
        for key, (source, name_of) in NAME_OF.items():
            row[key] = name_of(row[source])
        if hide_personal:
            for key in PERSONAL:
                row[key] = ""
        else:
            region_id = None if row["owner__type"] in PROVINCIAL_OWNER_TYPES else row["region_id"]
            full = row["owner_id"] == actor.organisation_id or (
                include_personal and sees_personal_data(actor, owner_id=row["owner_id"], region_id=region_id)
            )
            if not full:
                row["contact_phone"] = mask_phone(row["contact_phone"])
                row["contact_email"] = mask_email(row["contact_email"])
        published = row.get("published_at")
        row["published_at"] = _local_naive(published) if published else None
        yield row


def _local_naive(moment: dt.datetime) -> dt.datetime:
    # Spreadsheets have no time zones: write Beijing time, as the column's description says.
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)
