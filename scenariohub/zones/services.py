"""Writes for demonstration zones: weights, office inputs, selections, and deciding a year.

Every write is the office's, runs in one transaction with the year's row locked (`select_for_update`;
SQLite serialises writers anyway) and refuses a decided year, so a change that races the decision either
lands before it (and is in the snapshot) or is refused after it. Each write leaves an audit row.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import Conflict, NotFound, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.reference import selectors as ref
from scenariohub.zones import criteria as c
from scenariohub.zones.models import YearStatus, ZoneInput, ZoneLevel, ZoneScore, ZoneSelection, ZoneYear
from scenariohub.zones.selectors import score_to_json, zone_live_scores, zone_year_get_for_actor

MAX_INPUT = Decimal("9999999999.99")
MAX_REASON = 2000
MAX_SOURCE = 300


def _audit(actor: Actor, action: str, obj: Any, data: dict) -> None:
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=obj,
        data=data,
        ip_address=actor.ip_address,
    )


def _locked_open_year(*, actor: Actor, year: int) -> ZoneYear:
    """The year's row, created with the default weights if needed, locked, and still open."""
    zone_year_get_for_actor(actor=actor, year=year, write=True)
    defaults = {f"weight_{k}": v for k, v in c.DEFAULT_WEIGHTS.items()}
    try:
        with transaction.atomic():
            ZoneYear.objects.get_or_create(year=year, defaults=defaults)
    except IntegrityError:  # created by someone else a moment ago: theirs is the row
        pass
    zone_year = ZoneYear.objects.select_for_update().get(year=year)
    if zone_year.status == YearStatus.DECIDED:
        raise Conflict(
            _("The year %(year)s has been decided; its scores are frozen and can no longer change.")
            % {"year": year},
            code="year_decided",
        )
    return zone_year


def _clean_weights(weights: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for crit in c.CRITERIA:
        value = weights.get(crit.code)
        if value is None or value == "":
            errors[crit.code] = [_("Give a weight for this criterion.")]
            continue
        if isinstance(value, bool):
            errors[crit.code] = [_("A weight is a whole number from 0 to 100.")]
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            errors[crit.code] = [_("A weight is a whole number from 0 to 100.")]
            continue
        if not 0 <= number <= 100:
            errors[crit.code] = [_("A weight is a whole number from 0 to 100.")]
            continue
        clean[crit.code] = number
    unknown = set(weights) - set(c.CRITERION_CODES)
    if unknown:
        errors["__all__"] = [
            _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(sorted(map(str, unknown)))}
        ]
    if not errors and sum(clean.values()) != 100:
        errors["__all__"] = [
            _("The weights must add up to 100; they add up to %(total)d.") % {"total": sum(clean.values())}
        ]
    if errors:
        raise ValidationFailed(_("The weights are not valid."), details=errors)
    return clean


@transaction.atomic
def zone_weights_set(
    *, actor: Actor, year: int, weights: Mapping[str, Any], now: dt.datetime | None = None
) -> ZoneYear:
    """Set the year's five weights (whole numbers ≥ 0 adding up to 100). The ranking follows at once."""
    clean = _clean_weights(weights)
    zone_year = _locked_open_year(actor=actor, year=year)
    before = zone_year.weights
    for code, value in clean.items():
        setattr(zone_year, f"weight_{code}", value)
    zone_year.weights_updated_at = now or timezone.now()
    zone_year.weights_updated_by = actor.user
    zone_year.save()
    _audit(actor, "zones.weights_set", zone_year, {"year": year, "before": before, "after": clean})
    return zone_year


@dataclass(frozen=True)
class InputChange:
    region: str
    kind: str
    value: Decimal | None  # None: clear it (missing again)
    source: str = ""


def _parse_value(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError from exc
    if not value.is_finite() or value < 0 or value > MAX_INPUT or value != value.quantize(Decimal("0.01")):
        raise ValueError
    return value.quantize(Decimal("0.01"))  # as stored, so the audit says what the table holds


def parse_input_changes(rows: Iterable[Mapping[str, Any]]) -> list[InputChange]:
    """Rows `{region, kind, value, source}` checked all together; errors by `<region>.<kind>`."""
    regions = ref.region_names()
    errors: dict[str, list[str]] = {}
    changes: list[InputChange] = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows):
        region, kind = str(row.get("region") or ""), str(row.get("kind") or "")
        key = f"{region}.{kind}" if region and kind else str(i)
        if region not in regions:
            errors.setdefault(key, []).append(_("Unknown region."))
            continue
        if kind not in c.InputKind.values:
            errors.setdefault(key, []).append(_("Unknown input."))
            continue
        if (region, kind) in seen:
            errors.setdefault(key, []).append(_("This input is given twice."))
            continue
        seen.add((region, kind))
        try:
            value = _parse_value(row.get("value"))
        except ValueError:
            errors.setdefault(key, []).append(
                _("Enter a number of at least 0 with at most two decimals, or leave it empty.")
            )
            continue
        source = str(row.get("source") or "").strip()
        if len(source) > MAX_SOURCE or "\x00" in source:
            errors.setdefault(key, []).append(_("The source is at most 300 characters."))
            continue
        changes.append(InputChange(region, kind, value, source))
    if errors:
        raise ValidationFailed(_("Some inputs are not valid; nothing was saved."), details=errors)
    return changes


@transaction.atomic
def zone_inputs_set(*, actor: Actor, year: int, rows: Iterable[Mapping[str, Any]]) -> int:
    """Save the office's inputs all or nothing; an empty value clears an input (missing again). Returns how
    many inputs changed; each change is audited with its old and new value."""
    changes = parse_input_changes(rows)
    zone_year = _locked_open_year(actor=actor, year=year)
    existing = {(i.region_id, i.kind): i for i in ZoneInput.objects.filter(zone_year=zone_year)}
    changed = 0
    for ch in changes:
        row = existing.get((ch.region, ch.kind))
        old = None if row is None else str(row.value)
        if ch.value is None:
            if row is None:
                continue
            row.delete()
        elif row is None:
            row = ZoneInput.objects.create(
                zone_year=zone_year,
                region_id=ch.region,
                kind=ch.kind,
                value=ch.value,
                source=ch.source,
                updated_by=actor.user,
            )
        elif row.value == ch.value and row.source == ch.source:
            continue
        else:
            row.value, row.source, row.updated_by = ch.value, ch.source, actor.user
            row.save()
        changed += 1
        _audit(
            actor,
            "zones.input_set",
            zone_year,
            {
                "year": year,
                "region": ch.region,
                "kind": ch.kind,
                "before": old,
                "after": None if ch.value is None else str(ch.value),
                "source": ch.source,
            },
        )
    return changed


@transaction.atomic
def zone_select(*, actor: Actor, year: int, region: str, level: str, reason: str) -> ZoneSelection:
    """Select a region as a provincial demonstration zone, or recommend one of them for a national one."""
    errors: dict[str, list[str]] = {}
    if region not in ref.region_names():
        errors["region"] = [_("Unknown region.")]
    if level not in ZoneLevel.values:
        errors["level"] = [_("Choose provincial zone or national recommendation.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for this selection.")]
    elif len(reason) > MAX_REASON or "\x00" in reason:
        errors["reason"] = [_("The reason is at most 2000 characters.")]
    if errors:
        raise ValidationFailed(_("The selection is not valid."), details=errors)
    zone_year = _locked_open_year(actor=actor, year=year)
    selections = ZoneSelection.objects.filter(zone_year=zone_year, region_id=region)
    if selections.filter(level=level).exists():
        raise Conflict(_("This region is already selected at this level."), code="already_selected")
    if level == ZoneLevel.NATIONAL and not selections.filter(level=ZoneLevel.PROVINCIAL).exists():
        raise ValidationFailed(
            _("Only a provincial demonstration zone can be recommended for a national one; select it first."),
            details={"level": [_("Select the region as a provincial demonstration zone first.")]},
        )
    selection = ZoneSelection.objects.create(
        zone_year=zone_year, region_id=region, level=level, reason=reason, selected_by=actor.user
    )
    _audit(
        actor, "zones.selected", selection, {"year": year, "region": region, "level": level, "reason": reason}
    )
    return selection


@transaction.atomic
def zone_unselect(*, actor: Actor, year: int, selection_id: int, reason: str = "") -> None:
    zone_year = _locked_open_year(actor=actor, year=year)
    selection = ZoneSelection.objects.filter(pk=selection_id, zone_year=zone_year).first()
    if selection is None:
        raise NotFound(_("Selection not found."))
    if selection.level == ZoneLevel.PROVINCIAL:
        # A national recommendation stands on the provincial selection: it goes with it.
        ZoneSelection.objects.filter(
            zone_year=zone_year, region_id=selection.region_id, level=ZoneLevel.NATIONAL
        ).delete()
    data = {
        "year": year,
        "region": selection.region_id,
        "level": selection.level,
        "reason": (reason or "")[:MAX_REASON],
    }
    selection.delete()
    _audit(actor, "zones.unselected", zone_year, data)


@transaction.atomic
def zone_year_decide(
    *, actor: Actor, year: int, note: str = "", now: dt.datetime | None = None
) -> ZoneYear:
    """Decide the year: write the frozen snapshot of every region's score and lock weights, inputs and
    selections. Needs at least one provincial demonstration zone."""
    note = (note or "").strip()
    if len(note) > MAX_REASON or "\x00" in note:
        raise ValidationFailed(_("The note is at most 2000 characters."), details={"note": [_("Too long.")]})
    zone_year = _locked_open_year(actor=actor, year=year)
    if not ZoneSelection.objects.filter(zone_year=zone_year, level=ZoneLevel.PROVINCIAL).exists():
        raise ValidationFailed(
            _("Select at least one provincial demonstration zone before deciding the year."),
            code="nothing_selected",
        )
    scores = zone_live_scores(zone_year=zone_year)
    weights = zone_year.weights
    ZoneScore.objects.bulk_create(
        [
            ZoneScore(
                zone_year=zone_year,
                region_id=s.region,
                rank=s.rank,
                tied=s.tied,
                total=s.total,
                breakdown=score_to_json(s),
                weights=weights,
            )
            for s in scores
        ]
    )
    updated = ZoneYear.objects.filter(pk=zone_year.pk, status=YearStatus.OPEN).update(
        status=YearStatus.DECIDED, decided_at=now or timezone.now(), decided_by=actor.user, decision_note=note
    )
    if updated != 1:  # the row is locked above; this guards the rule even where locks are not row-level
        raise Conflict(_("The year has just been decided by someone else."), code="year_decided")
    zone_year.refresh_from_db()
    _audit(
        actor,
        "zones.year_decided",
        zone_year,
        {
            "year": year,
            "weights": weights,
            "note": note,
            "ranking": [{"region": s.region, "rank": s.rank, "total": str(s.total)} for s in scores],
        },
    )
    return zone_year
