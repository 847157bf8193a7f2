"""Rate limits on what is worth hammering: logging in, searching, exporting (GB/T 22239 resource control).

Counters live in the cache (Redis in production, so every app server shares them) as fixed windows:
``N`` requests per period per client, where the client is the signed-in account, else the API token,
else the IP address. Logging in is counted per IP and, separately, per account name typed (so spreading a
password-guessing run over many addresses does not help). What counts is decided by URL name and request,
not by a hand-kept list of views, so new search or export pages are covered when they follow the naming
conventions (a ``q`` parameter; ``export`` in the URL name or an .xlsx/.csv path).

Over the limit, pages answer 429 with a Chinese page and the API its one JSON error shape
``{"code": "rate_limited", "message": ...}``; both carry ``Retry-After``. Limits are settings
(``SCENARIOHUB_RATE_LIMITS``, from the ``RATE_LIMIT_*`` environment variables); ``SCENARIOHUB_RATE_LIMITS_ENABLED``
turns the whole thing off (the test suite does, except in the tests of this module).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

LOGIN_VIEWS = frozenset({"accounts:login", "admin:login", "authn:verify"})
EXPORT_PATH = re.compile(r"(?:\.xlsx|\.csv|/export/?)$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"20/m"``, ``"100/h"``, ``"10/15m"`` (10 per 15 minutes)."""
        match = _RATE.match(text or "")
        if not match or int(match.group(1)) < 1:
            raise ImproperlyConfigured(
                f"Rate limit {text!r} is not of the form N/period, e.g. 20/m or 10/15m."
            )
        return cls(int(match.group(1)), int(match.group(2) or 1) * _PERIODS[match.group(3)])


def rate(scope: str) -> Rate:
    return Rate.parse(settings.SCENARIOHUB_RATE_LIMITS[scope])


def hit(scope: str, identity: str, limit: Rate, *, now: float | None = None) -> int:
    """Count one request; return 0 if allowed, else the seconds until the window ends."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    key = "rl:%s:%s:%d" % (scope, hashlib.sha256(identity.encode()).hexdigest()[:32], window)  # noqa: UP031
    # add() then incr(): atomic on Redis and locmem, so app servers and threads count together.
    if cache.add(key, 1, timeout=limit.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=limit.seconds + 1)
            count = 1
    if count <= limit.count:
        return 0
    return max(1, int((window + 1) * limit.seconds - now))


def _client_ip(request) -> str:
    # Behind nginx REMOTE_ADDR is the proxy's for everybody; client_ip reads X-Forwarded-For from trusted proxies.
    from scenariohub.core.middleware import client_ip

    return client_ip(request) or ""


def client_identity(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()
    return f"ip:{_client_ip(request)}"


def scopes_for(request, view_name: str) -> list[tuple[str, str]]:
    """(scope, identity) pairs this request counts against."""
    found = []
    if request.method == "POST" and view_name in LOGIN_VIEWS:
        found.append(("login", f"ip:{_client_ip(request)}"))
        username = (request.POST.get("username") or "").strip().lower()
        if username:
            found.append(("login_account", f"account:{username}"))
    if request.method == "GET" and (request.GET.get("q") or "").strip():
        found.append(("search", client_identity(request)))
    if request.method == "GET" and ("export" in view_name or EXPORT_PATH.search(request.path)):
        found.append(("export", client_identity(request)))
    return found


def too_many_requests(request, retry_after: int) -> HttpResponse:
    message = _("Too many requests. Please wait %(seconds)d seconds and try again.") % {
        "seconds": retry_after
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "rate_limited", "message": message}, status=429)
    else:
        html = loader.render_to_string("429.html", {"message": message, "retry_after": retry_after}, request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Applies the limits above once the URL is resolved (so rules can use URL names)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.SCENARIOHUB_RATE_LIMITS_ENABLED:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        for scope, identity in scopes_for(request, view_name):
            retry_after = hit(scope, identity, rate(scope))
            if retry_after:
                return too_many_requests(request, retry_after)
        return None
