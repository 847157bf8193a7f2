"""The office's back room. Applications are submitted, decided and withdrawn on the site (services check
eligibility and who decides, and audit); here they can be read, not changed."""

from django.contrib import admin

from scenariohub.support.models import MeasureDepartment, SupportApplication


@admin.register(MeasureDepartment)
class MeasureDepartmentAdmin(admin.ModelAdmin):
    list_display = ("measure", "department", "updated_at", "updated_by")
    readonly_fields = ("measure", "department", "updated_at", "updated_by")

    def has_add_permission(self, request):
        return False  # set on the measures page, which audits the change

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportApplication)
class SupportApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "measure",
        "applicant",
        "region",
        "year",
        "status",
        "amount_requested",
        "amount_granted",
    )
    list_filter = ("measure", "status", "year")
    search_fields = ("applicant__name", "summary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
