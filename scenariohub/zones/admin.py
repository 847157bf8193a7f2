"""The office's back room. Weights, inputs, selections and the decision are made on the site (services,
audited); here they can be read, not changed, so nothing bypasses the frozen snapshot."""

from django.contrib import admin

from scenariohub.zones.models import ZoneInput, ZoneScore, ZoneSelection, ZoneYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ZoneYear)
class ZoneYearAdmin(ReadOnlyAdmin):
    list_display = (
        "year",
        "status",
        "weight_policy",
        "weight_procurement",
        "weight_concentration",
        "weight_publicity",
        "weight_benchmark",
        "decided_at",
    )


@admin.register(ZoneInput)
class ZoneInputAdmin(ReadOnlyAdmin):
    list_display = ("zone_year", "region", "kind", "value", "source", "updated_at")
    list_filter = ("zone_year", "kind")


@admin.register(ZoneScore)
class ZoneScoreAdmin(ReadOnlyAdmin):
    list_display = ("zone_year", "rank", "region", "total", "tied")
    list_filter = ("zone_year",)


@admin.register(ZoneSelection)
class ZoneSelectionAdmin(ReadOnlyAdmin):
    list_display = ("zone_year", "region", "level", "selected_at", "selected_by")
    list_filter = ("zone_year", "level")
