from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scenariohub.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """The audit log is evidence: it can be searched and read, never added to, changed or deleted."""

    list_display = [
        "id",
        "time_with_offset",
        "action",
        "outcome",
        "actor",
        "organisation",
        "object_type",
        "object_id",
        "ip_address",
        "request_id",
    ]
    list_filter = ["outcome", "method", "object_type"]
    search_fields = ["object_id", "actor__username", "organisation__name", "action", "request_id"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    @admin.display(description=_("time"), ordering="created_at")
    def time_with_offset(self, obj):
        return obj.time_with_offset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
