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
    readonly_fields = ("scenario", "application", "owner", "supplier", "status", "created_by", "terminated_at")
    inlines = [MilestoneInline]


admin.site.register(ProgressReport)
admin.site.register(FollowUp)
admin.site.register(PilotAcceptance)
