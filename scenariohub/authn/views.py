"""Login and logout, the second factor (verification, enrolment, recovery codes), the forced password
change, and the office's page for locked accounts and two-factor resets."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from scenariohub.accounts.models import Role, User
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.authn import services
from scenariohub.authn.forms import LoginForm, PolicyPasswordChangeForm, TokenForm
from scenariohub.authn.signals import PASSWORD_EXPIRED, TWO_FACTOR
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("scenarios:workspace")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """Django's login (a new session id at login, `cycle_key`), with lockout via the backend; the office
    and admin-site users go on to the second factor."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if self.request.session.get(TWO_FACTOR):
            return _with_next(reverse("authn:verify"), url)
        return url


login = LoginView.as_view()
# POST only (Django's LogoutView), so a link or an image cannot sign anyone out; `logout()` flushes the
# session, which deletes its row on the server.
logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PolicyPasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        expired = bool(self.request.session.get(PASSWORD_EXPIRED))
        response = super().form_valid(form)  # saves, keeps this session signed in
        self.request.session[PASSWORD_EXPIRED] = False
        services.password_change_audit(
            user=form.user, ip=self.request.META.get("REMOTE_ADDR"), expired=expired
        )
        return response


class ExpiredPasswordChangeView(PasswordChangeView):
    """Where every page leads while a staff password is past its age."""

    template_name = "authn/password_expired.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.session.get(PASSWORD_EXPIRED):
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _next_url(self.request)}

    def get_success_url(self):
        messages.success(self.request, _("Your password has been changed."))
        return _next_url(self.request)


password_change = PasswordChangeView.as_view()
password_expired = ExpiredPasswordChangeView.as_view()


# ------------------------------------------------------------------------------------------ two-factor


def _needs_second_factor(request) -> bool:
    return bool(request.session.get(TWO_FACTOR)) and not request.user.is_verified()


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if not _needs_second_factor(request):
        return redirect(next_url)
    if services.totp_device_confirmed(request.user) is None:
        return redirect(_with_next(reverse("authn:enrol"), next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(
                user=request.user, token=form.cleaned_data["token"], ip=_ip(request)
            )
        except ValidationFailed as exc:
            for message in exc.details.get("token", [exc.message]):
                form.add_error("token", message)
        else:
            _verified(request, device)
            if device.persistent_id.startswith("otp_static"):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You used a recovery code; %(n)d left. Generate new ones on the two-factor page.")
                    % {"n": left},
                )
            return redirect(next_url)
    return render(request, "authn/verify.html", {"form": form, "next": next_url})


def _verified(request, device) -> None:
    # A new session id when the session gains the second factor, as at the password step.
    request.session.cycle_key()
    otp_login(request, device)


def _qr_svg(device: TOTPDevice) -> str:
    # segno writes plain SVG paths (no script, no style attribute), embedded in the page under the CSP.
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title=_("QR code"))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Show a new authenticator secret (text and QR code) and confirm it with a first code; then show the
    recovery codes once."""
    next_url = _next_url(request)
    if not request.session.get(TWO_FACTOR):
        return redirect(next_url)
    if services.totp_device_confirmed(request.user) is not None:
        # Already enrolled: a reset by another office user is the way to a new authenticator.
        return redirect(_with_next(reverse("authn:verify"), next_url))
    device = services.totp_enrol_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrol_confirm(
                user=request.user, token=form.cleaned_data["token"], ip=_ip(request)
            )
        except ValidationFailed as exc:
            for message in exc.details.get("token", [exc.message]):
                form.add_error("token", message)
        except NotFound as exc:
            messages.error(request, exc.message)
            return redirect(_with_next(reverse("authn:enrol"), next_url))
        else:
            _verified(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "authn/recovery_codes.html", {"codes": codes, "next": next_url})
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "authn/enrol.html",
        {"form": form, "next": next_url, "secret": _grouped(secret), "qr_svg": _qr_svg(device)},
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes for a verified user (the old ones stop working), shown once."""
    if not request.user.is_verified():
        raise DjangoPermissionDenied
    codes = services.recovery_codes_regenerate(user=request.user, ip=_ip(request))
    messages.success(request, _("New recovery codes generated; the old ones no longer work."))
    return render(request, "authn/recovery_codes.html", {"codes": codes, "next": reverse("authn:security")})


# ------------------------------------------------------------------------------- the office's page


def _office_actor(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise DjangoPermissionDenied(_("Only the provincial office can do this."))
    return actor


@login_required
@require_http_methods(["GET"])
def security(request):
    """Locked accounts (unlock) and the two-factor state of the accounts that need it (reset)."""
    actor = actor_for_request(request)
    is_office = actor.is_office
    two_factor_users = []
    if is_office:
        enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
        users = User.objects.filter(Q(memberships__role=Role.OFFICE) | Q(is_staff=True)).distinct()
        two_factor_users = [(u, u.pk in enrolled) for u in users.order_by("username")]
    return render(
        request,
        "authn/security.html",
        {
            "is_office": is_office,
            "locked": services.locked_accounts() if is_office else [],
            "two_factor_users": two_factor_users,
            "enrolled": services.totp_device_confirmed(request.user) is not None,
        },
    )


@login_required
@require_POST
def unlock(request, user_id: int):
    actor = _office_actor(request)
    try:
        done = services.account_unlock(actor=actor, user_id=user_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if done:
        messages.success(request, _("Account unlocked."))
    else:
        messages.info(request, _("That account was not locked."))
    return redirect("authn:security")


@login_required
@require_POST
def two_factor_reset(request, user_id: int):
    actor = _office_actor(request)
    try:
        done = services.two_factor_reset(actor=actor, user_id=user_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        messages.error(request, exc.message)
        return redirect("authn:security")
    if done:
        messages.success(
            request, _("Two-factor authentication reset: the person enrols again at the next login.")
        )
    else:
        messages.info(request, _("That account had no two-factor authentication to reset."))
    return redirect("authn:security")
