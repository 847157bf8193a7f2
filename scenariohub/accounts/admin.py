"""The office's back room for people and organisations.

API tokens are only viewed here: they are created in the workspace (where the secret is shown once)
and revoked through the service, which records who did it.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.models import ApiToken, Membership, Organisation, User

admin.site.site_header = _("ScenarioHub administration")
admin.site.site_title = _("ScenarioHub administration")
admin.site.index_title = _("Back office of the provincial AI industry-chain office")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    # Not email: it is encrypted at rest, so the database cannot search it.
    search_fields = ["username", "display_name"]
    actions = ["anonymise_accounts"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        *DjangoUserAdmin.fieldsets[2:],
    )


    @admin.action(description=_("Deactivate and anonymise the selected accounts"))
    def anonymise_accounts(self, request, queryset):
        """Through the service (office only, audited, one record per account), never a bulk update."""
        from scenariohub.accounts.selectors import actor_for_request
        from scenariohub.accounts.services import account_anonymise
        from scenariohub.core.errors import DomainError

        actor = actor_for_request(request)
        done = 0
        for user in queryset:
            try:
                account_anonymise(actor=actor, user_id=user.pk, reason="admin action")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{user.pk}: {exc.message}", level=messages.ERROR)
        if done:
            message = _("%(count)d accounts anonymised.") % {"count": done}
            self.message_user(request, message, level=messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "type", "region", "credit_code", "created_at"]
    list_filter = ["type", "region"]
    search_fields = ["name", "short_name", "credit_code"]
    list_select_related = ["region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "membership", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user", "membership__organisation"]
    readonly_fields = ["user", "membership", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
