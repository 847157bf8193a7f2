from django.contrib import admin

from scenariohub.exchange.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The record of imports, read-only: batches change only through the import services."""

    list_display = [
        "id",
        "original_name",
        "organisation",
        "created_by",
        "created_at",
        "status",
        "rows_total",
        "rows_committed",
        "problem_count",
    ]
    list_filter = ["status"]
    search_fields = ["original_name", "organisation__name"]
    date_hierarchy = "created_at"
    exclude = ["problems", "scenario_ids"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
