"""Writes to benchmark cases: quotas (office), nominations and their write-up (city), decisions (office).

Every write checks access itself, runs in one transaction and writes an audit row. The quota is enforced
under a row lock on the city's quota for the year, so two nominations at once cannot both take the last
place; designation moves the scenario (and its cooperation) to `benchmark` through the tracking service,
in the same transaction, so the case and the lifecycle history never disagree.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.cases.models import (
    MAX_FIGURES,
    MAX_PHOTOS,
    QUOTA_MAX,
    BenchmarkCase,
    BenchmarkQuota,
    CaseFigure,
    CasePhoto,
    CaseStatus,
)
from scenariohub.cases.selectors import (
    PROVINCIAL,
    case_may_edit,
    case_may_see,
    is_provincial_cooperation,
    last_declined,
    nomination_target,
    quota_used,
)
from scenariohub.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.publicity.images import validate_image
from scenariohub.reference import selectors as ref

TEXT_LIMITS = {"title": 100, "background": 4000, "solution": 4000, "results": 4000}
_https = URLValidator(schemes=["https"])


def _storable(value: str) -> bool:
    return "\x00" not in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


def _clean_writeup(
    data: dict[str, Any], *, partial: bool
) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
    """The write-up's fields and figures, trimmed and checked; all problems at once, by field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        if partial and name not in data:
            continue
        value = str(data.get(name) or "").strip()
        if not value:
            errors.setdefault(name, []).append(_("This field is required."))
        elif len(value) > limit:
            errors.setdefault(name, []).append(
                _("Ensure this value has at most %(limit)d characters.") % {"limit": limit}
            )
        elif not _storable(value):
            errors.setdefault(name, []).append(_("This text contains characters that cannot be stored."))
        values[name] = value
    if not partial or "video_url" in data:
        url = str(data.get("video_url") or "").strip()
        if url:
            try:
                if len(url) > 300:
                    raise ValidationError("too long")
                _https(url)
            except ValidationError:
                errors.setdefault("video_url", []).append(_("Enter a web address that starts with https://."))
        values["video_url"] = url
    figures = None
    if not partial or "figures" in data:
        figures = []
        rows = data.get("figures") or []
        if len(rows) > MAX_FIGURES:
            errors.setdefault("figures", []).append(_("At most %(n)d key figures.") % {"n": MAX_FIGURES})
        for index, row in enumerate(rows[:MAX_FIGURES], start=1):
            label = str(row.get("label") or "").strip()
            value = str(row.get("value") or "").strip()
            if not label or not value:
                errors.setdefault("figures", []).append(
                    _("Key figure %(n)d needs both an indicator and a value.") % {"n": index}
                )
            elif len(label) > 40 or len(value) > 40 or not _storable(label + value):
                errors.setdefault("figures", []).append(
                    _("Key figure %(n)d: indicator and value have at most 40 characters each.") % {"n": index}
                )
            else:
                figures.append((label, value))
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    return values, figures


def _replace_figures(case: BenchmarkCase, figures: list[tuple[str, str]] | None) -> None:
    if figures is None:
        return
    case.figures.all().delete()
    CaseFigure.objects.bulk_create(
        [
            CaseFigure(case=case, label=label, value=value, position=i)
            for i, (label, value) in enumerate(figures)
        ]
    )


# ---------------------------------------------------------------------------------------------- quotas


@transaction.atomic
def quota_set(*, actor: Actor, year: int, region: str, number: int) -> BenchmarkQuota:
    """Set a city's quota for a year (office), or with `region=PROVINCIAL` the provincial quota (the office's
    nominations of provincial scenarios). It cannot go below the places already used that year."""
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office sets benchmark quotas."))
    errors: dict[str, list[str]] = {}
    if region != PROVINCIAL and region not in ref.region_names():
        errors["region"] = [_("Unknown code: %(code)s") % {"code": str(region)[:40]}]
    if not 2025 <= int(year) <= 2100:
        errors["year"] = [_("Year must be a four-digit year.")]
    if not 0 <= int(number) <= QUOTA_MAX:
        errors["number"] = [_("A quota is between 0 and %(max)d.") % {"max": QUOTA_MAX}]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    region_id = None if region == PROVINCIAL else region
    quota = BenchmarkQuota.objects.select_for_update().filter(year=year, region_id=region_id).first()
    used = quota_used(year=year, region=region)
    if number < used:
        raise ValidationFailed(
            _("%(used)d nominations already count against this quota; it cannot be lower.") % {"used": used},
            code="quota_below_used",
            details={"number": [_("At least %(used)d.") % {"used": used}]},
        )
    before = quota.number if quota else None
    if quota is None:
        try:
            with transaction.atomic():
                quota = BenchmarkQuota.objects.create(
                    year=year, region_id=region_id, number=number, set_by=actor.user
                )
        except IntegrityError:  # set by someone else a moment ago: update theirs
            quota = BenchmarkQuota.objects.select_for_update().get(year=year, region_id=region_id)
    quota.number = number
    quota.set_by = actor.user
    quota.save()
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="cases.quota_set",
        obj=quota,
        data={"year": year, "region": region, "from": before, "to": number},
        ip_address=actor.ip_address,
    )
    return quota


# ---------------------------------------------------------------------------------------------- nomination


WRITEUP_FIELDS = ("title", "background", "solution", "results", "video_url")


def _same_writeup(case: BenchmarkCase, values: dict[str, Any], figures: list[tuple[str, str]]) -> bool:
    return all(getattr(case, name) == values[name] for name in WRITEUP_FIELDS) and [
        (f.label, f.value) for f in case.figures.all()
    ] == figures


def case_nominate(
    *, actor: Actor, cooperation_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> BenchmarkCase:
    """Nominate a piloted cooperation, within the year's quota.

    A city nominates its region's cooperations against its own quota; the office nominates provincial
    scenarios' (PROVINCIAL_OWNER_TYPES) against the provincial quota. A cooperation whose case was
    declined may be nominated again with a changed write-up: the new case points at the declined one,
    which stays as it was."""
    from scenariohub.tracking.models import CooperationStatus

    now = now or timezone.now()
    with transaction.atomic():
        cooperation = nomination_target(actor=actor, cooperation_id=cooperation_id)
        region = cooperation.scenario.region_id
        provincial = is_provincial_cooperation(cooperation)
        if cooperation.status != CooperationStatus.PILOTED:
            raise InvalidTransition(
                _(
                    "Only a cooperation whose pilot has been accepted can be nominated; this one is %(status)s."
                )
                % {"status": cooperation.get_status_display()},
                code="not_piloted",
            )
        values, figures = _clean_writeup(data, partial=False)
        year = timezone.localtime(now).year
        quota_key = PROVINCIAL if provincial else region
        # The lock on the quota row serialises nominations of one quota and year: the count below cannot
        # change under us, so two nominations at once cannot both take the last place.
        quota = (
            BenchmarkQuota.objects.select_for_update()
            .filter(year=year, region_id=None if provincial else region)
            .first()
        )
        if quota is None:
            raise Conflict(
                _("The provincial office has not set %(year)d's provincial benchmark quota yet.")
                % {"year": year}
                if provincial
                else _("The provincial office has not set %(year)d's benchmark quota for your city yet.")
                % {"year": year},
                code="no_quota",
            )
        used = quota_used(year=year, region=quota_key)
        if used >= quota.number:
            raise Conflict(
                (
                    _("The provincial benchmark quota for %(year)d is used up (%(used)d of %(number)d).")
                    if provincial
                    else _("Your city's benchmark quota for %(year)d is used up (%(used)d of %(number)d).")
                )
                % {"year": year, "used": used, "number": quota.number},
                code="quota_exhausted",
            )
        if BenchmarkCase.objects.filter(cooperation=cooperation).exclude(status=CaseStatus.DECLINED).exists():
            raise Conflict(_("This cooperation has already been nominated."), code="already_nominated")
        previous = last_declined(cooperation)
        if previous is not None and _same_writeup(previous, values, figures):
            raise ValidationFailed(
                _("This write-up is the one that was declined; change it before nominating the case again."),
                code="unchanged",
                details={"background": [_("Address the reason the case was declined: %(reason)s")
                                        % {"reason": previous.decision_reason}]},
            )
        try:
            with transaction.atomic():
                case = BenchmarkCase.objects.create(
                    cooperation=cooperation,
                    previous=previous,
                    year=year,
                    region_id=region,
                    provincial=provincial,
                    status=CaseStatus.NOMINATED,
                    nominated_by=actor.user,
                    nominating_organisation=actor.organisation,
                    nominated_at=now,
                    **values,
                )
        except IntegrityError:
            raise Conflict(
                _("This cooperation has already been nominated."), code="already_nominated"
            ) from None
        _replace_figures(case, figures)
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cases.nominate",
            obj=case,
            data={
                "cooperation": cooperation.pk,
                "year": year,
                "region": region,
                "provincial": provincial,
                "previous": previous.pk if previous else None,
                "quota": quota.number,
                "used_before": used,
            },
            ip_address=actor.ip_address,
        )
    return case


def _locked_case(case_id: int) -> BenchmarkCase:
    case = BenchmarkCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Benchmark case not found."))
    return case


def _editable(actor: Actor, case_id: int) -> BenchmarkCase:
    case = _locked_case(case_id)
    case = BenchmarkCase.objects.select_related("cooperation").get(pk=case.pk)
    if not case_may_see(actor, case):
        raise NotFound(_("Benchmark case not found."))
    if not case_may_edit(actor, case):
        raise PermissionDenied(
            _("Only the city lead department (or, for a provincial scenario, the office) that nominated the case may change its write-up.")
        )
    if case.status != CaseStatus.NOMINATED:
        raise InvalidTransition(
            _("The write-up can only be changed while the case awaits a decision."), code="not_editable"
        )
    return case


@transaction.atomic
def case_update(*, actor: Actor, case_id: int, data: dict[str, Any]) -> BenchmarkCase:
    """Change the write-up (the fields present in `data`) while the nomination awaits a decision."""
    case = _editable(actor, case_id)
    values, figures = _clean_writeup(data, partial=True)
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name, value in values.items():
        setattr(case, name, value)
    case.save()
    _replace_figures(case, figures)
    if figures is not None:
        changed.append("figures")
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="cases.update",
        obj=case,
        data={"changed": changed},
        ip_address=actor.ip_address,
    )
    return case


@transaction.atomic
def case_photo_add(*, actor: Actor, case_id: int, uploaded, caption: str = "") -> CasePhoto:
    case = _editable(actor, case_id)
    if case.photos.count() >= MAX_PHOTOS:
        raise ValidationFailed(
            _("A case has at most %(n)d photos.") % {"n": MAX_PHOTOS},
            details={"file": [_("Too many photos.")]},
        )
    caption = (caption or "").strip()
    if len(caption) > 100 or not _storable(caption):
        raise ValidationFailed(
            _("Please correct the errors below."), details={"caption": [_("At most 100 characters.")]}
        )
    kind = validate_image(uploaded)
    photo = CasePhoto(
        case=case,
        kind=kind.code,
        caption=caption,
        original_name=uploaded.name[-200:],
        size=uploaded.size,
        uploaded_by=actor.user,
    )
    photo.file.save(uploaded.name, uploaded, save=False)
    photo.save()
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="cases.photo_add",
        obj=case,
        data={"photo": photo.pk, "name": photo.original_name, "size": photo.size},
        ip_address=actor.ip_address,
    )
    return photo


@transaction.atomic
def case_photo_delete(*, actor: Actor, photo_id: int) -> None:
    photo = CasePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(_("Photo not found."))
    case = _editable(actor, photo.case_id)
    stored, storage, name = photo.file.name, photo.file.storage, photo.original_name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        actor=actor.user,
        organisation=actor.organisation,
        action="cases.photo_delete",
        obj=case,
        data={"photo": photo_id, "name": name},
        ip_address=actor.ip_address,
    )


# ---------------------------------------------------------------------------------------------- decision


def _decidable(actor: Actor, case_id: int) -> BenchmarkCase:
    if not actor.is_office:
        case = BenchmarkCase.objects.select_related("cooperation").filter(pk=case_id).first()
        if case is None or not case_may_see(actor, case):
            raise NotFound(_("Benchmark case not found."))
        raise PermissionDenied(_("Only the provincial office designates or declines benchmark cases."))
    case = _locked_case(case_id)
    if case.status != CaseStatus.NOMINATED:
        raise InvalidTransition(
            _("This case has already been decided (%(status)s).") % {"status": case.get_status_display()},
            code="already_decided",
        )
    return case


def _decide(case: BenchmarkCase, status: str, actor: Actor, reason: str, now: dt.datetime) -> None:
    # Guarded update: of two decisions at once, only the first finds the case still nominated.
    touched = BenchmarkCase.objects.filter(pk=case.pk, status=CaseStatus.NOMINATED).update(
        status=status, decided_by=actor.user, decided_at=now, decision_reason=reason, updated_at=now
    )
    if touched != 1:
        raise InvalidTransition(_("The case changed while you were acting on it. Reload and try again."))


def case_designate(
    *, actor: Actor, case_id: int, reason: str = "", now: dt.datetime | None = None
) -> BenchmarkCase:
    """The office designates: the case becomes public and the scenario a benchmark case (lifecycle history)."""
    from scenariohub.tracking.services import cooperation_designate_benchmark

    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise ValidationFailed(
            _("The reason is too long (1000 characters at most)."), details={"reason": [_("Too long.")]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        case = _decidable(actor, case_id)
        _decide(case, CaseStatus.DESIGNATED, actor, reason, now)
        cooperation_designate_benchmark(
            actor=actor, cooperation_id=case.cooperation_id, reason=reason, now=now
        )
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cases.designate",
            obj=case,
            data={
                "cooperation": case.cooperation_id,
                "year": case.year,
                "region": case.region_id,
                "reason": reason,
            },
            ip_address=actor.ip_address,
        )
    case.refresh_from_db()
    return case


def case_decline(*, actor: Actor, case_id: int, reason: str, now: dt.datetime | None = None) -> BenchmarkCase:
    """The office declines, with a reason; the place in the city's quota is freed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A reason is required."),
            code="reason_required",
            details={"reason": [_("A reason is required.")]},
        )
    if len(reason) > 1000:
        raise ValidationFailed(
            _("The reason is too long (1000 characters at most)."), details={"reason": [_("Too long.")]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        case = _decidable(actor, case_id)
        _decide(case, CaseStatus.DECLINED, actor, reason, now)
        audit_record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cases.decline",
            obj=case,
            data={"reason": reason},
            ip_address=actor.ip_address,
        )
    case.refresh_from_db()
    return case
