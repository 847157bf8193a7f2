from django.contrib import admin

from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking: writes go through the pages and the API (rules, row locks, audit)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BenchmarkQuota)
class BenchmarkQuotaAdmin(ReadOnlyAdmin):
    list_display = ("year", "region", "number", "updated_at")
    list_filter = ("year",)


@admin.register(BenchmarkCase)
class BenchmarkCaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "year", "region", "status", "nominated_at", "decided_at")
    list_filter = ("status", "year", "region")
    search_fields = ("title",)
