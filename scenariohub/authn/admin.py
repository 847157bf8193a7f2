"""The admin site requires a verified second factor (django-otp's OTPAdminSite), and logs in through the
platform's own login page, so lockout, audit and the two-factor step apply there too."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.authn import services
from scenariohub.authn.models import AccountSecurity


class TwoFactorAdminSite(OTPAdminSite):
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not staff (or not verified, which the middleware handles first): no admin login
            # form to try another account with, and no redirect loop through the login page.
            raise PermissionDenied
        # The login page checks that `next` stays on this site.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


# django-otp's documented way to protect the default site, keeping every app's registrations.
admin.site.__class__ = TwoFactorAdminSite


@admin.register(AccountSecurity)
class AccountSecurityAdmin(admin.ModelAdmin):
    list_display = ["user", "failed_logins", "locked_until", "password_changed_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "failed_logins", "locked_until", "password_changed_at"]
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unlock the selected accounts"), permissions=["view"])
    def unlock(self, request, queryset):
        actor = actor_for_request(request)
        done = sum(services.account_unlock(actor=actor, user_id=row.pk) for row in queryset)
        self.message_user(request, _("%(n)d accounts unlocked.") % {"n": done}, messages.SUCCESS)
