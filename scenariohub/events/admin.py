"""The office's back room. Holding an event publishes scenarios, so that is done on the site (the service),
not by editing a status here: the status fields are read-only."""

from django.contrib import admin

from scenariohub.events.models import (
    EventRegistration,
    EventScenario,
    HostAvailability,
    ReleaseEvent,
    RotationOverride,
)


class EventScenarioInline(admin.TabularInline):
    model = EventScenario
    extra = 0
    fields = ("scenario", "assigned_by", "assigned_at", "released_at", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "channel", "host_region", "status", "capacity")
    list_filter = ("channel", "status", "host_region")
    search_fields = ("title", "venue")
    date_hierarchy = "date"
    readonly_fields = ("status", "held_at", "held_by", "cancelled_at", "cancel_reason", "created_by", "created_at", "updated_at")
    inlines = [EventScenarioInline]


@admin.register(EventRegistration)
class EventRegistrationAdmin(admin.ModelAdmin):
    list_display = ("event", "organisation", "user", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("event", "organisation", "user", "status", "created_at", "promoted_at", "cancelled_at")

    def has_add_permission(self, request):
        # Registrations are made by suppliers through event_registration_create (seats, waiting list, audit);
        # with every field read-only an "add" here could only save an empty row (a server error).
        return False


@admin.register(HostAvailability)
class HostAvailabilityAdmin(admin.ModelAdmin):
    list_display = ("region", "kind", "year", "quarter", "note")
    list_filter = ("kind",)


@admin.register(RotationOverride)
class RotationOverrideAdmin(admin.ModelAdmin):
    list_display = ("year", "quarter", "region", "proposed_region", "reason", "created_by")
    readonly_fields = ("created_by", "created_at")
