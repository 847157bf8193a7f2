"""The office's back room. Confirmed versions are read-only: they are the record of what was confirmed."""

from django.contrib import admin

from scenariohub.plans.models import AnnualPlan, PlanItem, PlanVersion, PlanVersionItem


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("scenario", "state", "reason", "changed_by", "changed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "last_version_number", "revision", "updated_at")
    readonly_fields = ("status", "revision", "last_version_number", "created_by", "created_at", "updated_at")
    inlines = [PlanItemInline]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "confirmed_by", "confirmed_at", "item_count")
    list_filter = ("plan",)


@admin.register(PlanVersionItem)
class PlanVersionItemAdmin(ReadOnlyAdmin):
    list_display = ("version", "position", "title", "owner_name", "region")
    list_filter = ("version__plan", "region")
    search_fields = ("title", "owner_name")
