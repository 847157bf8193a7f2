"""The admin site requires a verified second factor (django-otp's OTPAdminSite), and logs in through the
platform's own login page, so lockout, audit and the two-factor step apply there too."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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


class SecondFactorAdmin(admin.ModelAdmin):
    """django-otp's own admin pages show a device's secret (and its QR code) and the recovery codes; here a
    system administrator sees who has which device and can delete it (a reset), nothing more."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        _audit_admin_reset(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _audit_admin_reset(request, list(queryset))
        super().delete_queryset(request, queryset)


def _audit_admin_reset(request, devices) -> None:
    from scenariohub.core.services import audit_record

    actor = actor_for_request(request)
    for device in devices:
        audit_record(
            actor=request.user,
            organisation=actor.organisation,
            action="auth.2fa_reset",
            obj=device.user,
            data={"device": device.persistent_id, "via": "admin"},
            ip_address=actor.ip_address,
        )


for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, SecondFactorAdmin)
