from typing import Any

from scenariohub.core.models import AuditLog


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
) -> AuditLog:
    """Insert one audit row. Call inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        ip_address=ip_address,
    )
