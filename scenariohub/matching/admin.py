"""The office's back room for matching. Changes of state go through the services (and their audit);
the admin is for looking, and for the office's verification badge through an action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError
from scenariohub.matching import models, services


@admin.register(models.SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "scale", "verified", "verified_at", "updated_at")
    list_filter = ("verified", "scale")
    search_fields = ("organisation__name", "organisation__credit_code")
    readonly_fields = ("verified", "verified_by", "verified_at", "created_at", "updated_at")
    actions = ["verify"]

    @admin.action(description=_("Verify the selected suppliers"))
    def verify(self, request, queryset):
        actor = actor_for_request(request)
        done = 0
        for profile in queryset:
            try:
                services.supplier_verify(actor=actor, organisation_id=profile.organisation_id)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{profile}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d suppliers verified.") % {"n": done}, messages.SUCCESS)


@admin.register(models.Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ("title", "supplier", "sector", "maturity", "published", "updated_at")
    list_filter = ("published", "maturity", "sector")
    search_fields = ("title", "supplier__name")


class ReadOnlyAdmin(admin.ModelAdmin):
    """State changes are the services' (with history and audit); the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("scenario", "supplier", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("scenario__title", "supplier__name")


@admin.register(models.Talk)
class TalkAdmin(ReadOnlyAdmin):
    list_display = ("application", "scheduled_at", "outcome")
    list_filter = ("outcome",)


@admin.register(models.Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("scenario", "asker_organisation", "created_at", "answered_at")


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "verb", "created_at", "read_at", "emailed_at")
    list_filter = ("verb",)


@admin.register(models.Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "organisation", "frequency", "active", "last_digest_on")
    list_filter = ("frequency", "active")
