"""Scenarios in the back room, read-only.

Every change to a scenario goes through the services (lifecycle table, version check, audit record);
an admin form would bypass all three, so the office reads here and acts in the review queue.
"""

from django.contrib import admin

from scenariohub.scenarios.models import Scenario, ScenarioAttachment, ScenarioTransition


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = ScenarioTransition
    extra = 0
    fields = ["created_at", "action", "from_status", "to_status", "actor", "organisation", "reason"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = ScenarioAttachment
    extra = 0
    fields = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "region", "sector", "kind", "status", "published_at", "updated_at"]
    list_filter = ["status", "region", "sector", "kind", "published_year"]
    search_fields = ["title", "owner__name"]
    list_select_related = ["owner", "region", "sector"]
    date_hierarchy = "created_at"
    inlines = [TransitionInline, AttachmentInline]
