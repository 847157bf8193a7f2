"""The office's back room: cooperations are read here; they change on the site, through the services,
so that the scenario's lifecycle and the audit trail move with them."""

from django.contrib import admin

from scenariohub.tracking.models import Cooperation, FollowUp, Milestone, PilotAcceptance, ProgressReport


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "planned_on", "done_on", "status", "overdue_flagged_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cooperation)
class CooperationAdmin(admin.ModelAdmin):
    list_display = ("scenario", "supplier", "signed_on", "amount", "status")
    list_filter = ("status",)
    search_fields = ("scenario__title", "supplier__name", "owner__name")
    inlines = [MilestoneInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services (audited, notified); the back room reads them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("cooperation", "reported_on", "percent_complete", "source", "organisation")
    list_filter = ("source",)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("cooperation", "created_at", "risk_level", "resolved", "organisation")
    list_filter = ("risk_level", "resolved")


@admin.register(PilotAcceptance)
class PilotAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("cooperation", "accepted_on", "accepted_by")
