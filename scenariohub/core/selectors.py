"""Reads of the audit trail, for the auditor role and the office (both read-only)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.core.errors import PermissionDenied
from scenariohub.core.models import AuditLog

AUDIT_READER_ROLES = ("auditor", "office")


def audit_check_reader(*, actor) -> None:
    """The one access rule of the audit trail: the auditor role and the office read it, nobody else."""
    if actor.role not in AUDIT_READER_ROLES:
        raise PermissionDenied(_("Only auditors and the provincial office can read the audit trail."))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_search(*, actor, filters: dict) -> QuerySet[AuditLog]:
    """Records matching `filters` (AuditFilterForm.filters()), newest first."""
    audit_check_reader(actor=actor)
    qs = AuditLog.objects.select_related("actor", "organisation").order_by("-created_at", "-id")
    if value := filters.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(dt.date.fromisoformat(value)))
    if value := filters.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(dt.date.fromisoformat(value) + dt.timedelta(days=1)))
    if value := filters.get("actor"):
        qs = qs.filter(Q(actor__username__iexact=value) | Q(actor__display_name__icontains=value))
    if value := filters.get("organisation"):
        qs = qs.filter(organisation__name__icontains=value)
    if value := filters.get("action"):
        qs = qs.filter(action__startswith=value)
    if value := filters.get("object"):
        kind, sep, ident = value.partition("#")
        if sep:
            qs = qs.filter(object_type=kind, object_id=ident)
        else:
            qs = qs.filter(Q(object_type=value) | Q(object_id=value))
    if value := filters.get("outcome"):
        qs = qs.filter(outcome=value)
    if value := filters.get("ip"):
        qs = qs.filter(ip_address=value)
    if value := filters.get("request_id"):
        qs = qs.filter(request_id=value)
    return qs
