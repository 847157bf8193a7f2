"""Enforces, on every request of a signed-in browser session, in this order:

1. idle (30 min) and absolute (12 h) session timeouts: the session is deleted and the person logs in again;
2. two-factor verification for the office and the admin site: until verified, every page leads to the
   verification (or enrolment) step;
3. an expired staff password: until changed, every page leads to the change form.

API calls with a bearer token are not concerned (no session); API calls on a session get the API's JSON
error instead of a redirect. Runs after django-otp's OTPMiddleware (which sets `user.is_verified()`)."""

from django.contrib import auth, messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from scenariohub.authn import policy
from scenariohub.authn.signals import LOGIN_AT, PASSWORD_EXPIRED, SEEN_AT, TWO_FACTOR

# Writing the session on every request would cost a write per page; to the minute is precise enough.
SEEN_RESOLUTION = 60
ALWAYS_OPEN = ("/static/", "/i18n/", "/healthz")


class AuthPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: dict[str, tuple[str, ...]] | None = None

    def open_paths(self) -> dict[str, tuple[str, ...]]:
        if self._open_paths is None:
            logout = reverse("accounts:logout")
            two_factor = (reverse("authn:verify"), reverse("authn:enrol"))
            self._open_paths = {
                "two_factor": (*ALWAYS_OPEN, logout, *two_factor),
                "password": (*ALWAYS_OPEN, logout, reverse("authn:password-expired"), *two_factor),
            }
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if is_api and request.headers.get("Authorization", "").startswith("Bearer "):
            # The API then acts as the token (a wrong one is a 401, never a fall-back to the session).
            return self.get_response(request)
        session = request.session
        now = int(timezone.now().timestamp())
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before these rules: start counting now
            session[LOGIN_AT] = session[SEEN_AT] = now
        elif (
            now - login_at > policy.session_absolute_limit().total_seconds()
            or now - seen_at > policy.session_idle_limit().total_seconds()
        ):
            auth.logout(request)  # flushes: the server-side session row is deleted
            if is_api:
                return self.get_response(request)  # carries on as anonymous; the API says 401 where needed
            messages.info(request, _("Your session has ended. Please log in again."))
            return self._redirect(request, reverse("accounts:login"))
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now

        if session.get(TWO_FACTOR) and not user.is_verified():
            if not request.path.startswith(self.open_paths()["two_factor"]):
                if is_api:
                    return _api_error("two_factor_required", _("Complete two-factor authentication first."))
                return self._redirect(request, reverse("authn:verify"))
        elif session.get(PASSWORD_EXPIRED):
            if not request.path.startswith(self.open_paths()["password"]):
                if is_api:
                    return _api_error("password_expired", _("Your password has expired: change it first."))
                return self._redirect(request, reverse("authn:password-expired"))
        return self.get_response(request)

    @staticmethod
    def _redirect(request, url: str):
        if request.method == "GET" and not getattr(request, "htmx", False):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)  # a fragment swap would put the login page inside a page
        return HttpResponseRedirect(url)


def _api_error(code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=403)
