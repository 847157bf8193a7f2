from django.conf import settings
from django.core.signals import request_finished


class SecurityHeadersMiddleware:
    """A strict Content Security Policy: no inline script or style, no third-party origin.

    Templates therefore load every script and stylesheet from /static/ (vendored assets, no CDN).
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
        "object-src 'none'"
    )
    # No page needs a camera, a microphone, the location, payment or USB; nor may an embedded origin.
    PERMISSIONS = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
    )
    # The API docs page (Swagger UI) ships its own inline bootstrap; it gets a relaxed policy of its own.
    DOCS_PREFIX = "/api/v1/docs"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.DOCS_PREFIX):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # Also set by SecurityMiddleware (SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY); repeated here
        # so that a settings change cannot silently drop them. HSTS: SecurityMiddleware, production only.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class DefaultLanguageMiddleware:
    """Chinese unless the person chose otherwise with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose browser
    happens to be set to English would get an English platform. Here only the switcher's cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen not in supported and request.path.startswith("/api/"):
            # Machine clients say which language they want in the header; people use the switcher.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A read answered with one of these by a view (not by URL resolution) is a refused access: recorded too.
DENIED_READ_STATUSES = frozenset({401, 403, 404})


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind SCENARIOHUB_TRUSTED_PROXIES reverse proxies the address
    the outermost of them saw (X-Forwarded-For, counted from the right; entries further left are the
    client's own claims and are not trusted)."""
    trusted = getattr(settings, "SCENARIOHUB_TRUSTED_PROXIES", 0)
    if trusted > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    return request.META.get("REMOTE_ADDR")


def _end_audit_request(**kwargs):
    from scenariohub.core import audit

    audit.end_request()


request_finished.connect(_end_audit_request, dispatch_uid="scenariohub.core.audit.end_request")


class AuditMiddleware:
    """A request id for every request, and ONE audit record per state-changing request (and per denied read).

    The id is set as the `X-Request-ID` header, on log lines and, through a context variable, on every
    audit record written while the request is served (so a service's domain record and the request record
    share it). The request record (`action="request.post"` …, object = URL name and its arguments) is
    written after the response, in its own short transaction, so it also records requests whose change
    was refused or rolled back. Reads that succeed write nothing.

    Placed after AuthenticationMiddleware: it notes who was signed in before the view (a logout's record
    names who logged out) and who is after it (a login's names who logged in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time
        import uuid

        from scenariohub.core import audit

        request_id = uuid.uuid4().hex
        request.request_id = request_id
        ctx = audit.RequestContext(
            request_id=request_id,
            ip_address=client_ip(request),
            method=request.method or "",
            path=request.path,
        )
        writes = request.method in WRITE_METHODS
        audit.begin_request(ctx)  # cleared when the response is closed (request_finished)
        before = self._signed_in(request) if writes else None
        started = time.monotonic()
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request_id
        denied_read = (
            not writes
            and response.status_code in DENIED_READ_STATUSES
            and getattr(request, "resolver_match", None) is not None
        )
        if writes or denied_read:
            self._record(request, response, ctx, before, time.monotonic() - started)
        return response

    @staticmethod
    def _signed_in(request):
        from scenariohub.accounts.selectors import SESSION_MEMBERSHIP_KEY

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = getattr(request, "session", None)
        return user, (session.get(SESSION_MEMBERSHIP_KEY) if session is not None else None)

    def _actor(self, request, before):
        from scenariohub.accounts.actors import ANONYMOUS, Actor
        from scenariohub.accounts.models import Membership
        from scenariohub.accounts.selectors import actor_for_request

        api = getattr(request, "api_actor", None)
        if api is not None and api.user is not None:  # token (its membership) or session on the API
            return api
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = getattr(request, "_scenariohub_actor", None)
            if cached is not None and cached.user is not None and cached.user.pk == user.pk:
                return cached
            request.__dict__.pop("_scenariohub_actor", None)  # computed before a login: stale
            return actor_for_request(request)
        if before is not None:  # signed out by this request: the record names who did it
            user, membership_id = before
            memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("id")
            membership = next((m for m in memberships if m.pk == membership_id), None) or memberships.first()
            return Actor(user=user, membership=membership)
        return ANONYMOUS

    def _record(self, request, response, ctx, before, seconds: float) -> None:
        from scenariohub.core import audit
        from scenariohub.core.models import AuditLog, Outcome

        status = response.status_code
        outcome = audit.outcome_for_status(status)
        if outcome == Outcome.SUCCESS:
            noted = [o for o in ctx.outcomes if o != Outcome.SUCCESS]
            if noted:  # e.g. a wrong password: the page answers 200, the login code recorded a failure
                outcome = noted[-1]
            elif self._form_shown_again(request, response):
                outcome = Outcome.INVALID
        match = getattr(request, "resolver_match", None)
        kwargs = dict(match.kwargs) if match else {}
        actor = self._actor(request, before)
        data = {"status": status, "ms": round(seconds * 1000)}
        if getattr(request, "api_auth_method", None):
            data["auth"] = request.api_auth_method
        AuditLog(
            actor=actor.user,
            organisation=actor.organisation,
            action=f"request.{request.method.lower()}",
            object_type=(match.view_name if match else "")[:100],
            object_id="&".join(f"{k}={v}" for k, v in sorted(kwargs.items())),
            outcome=outcome,
            data=data,
            method=request.method,
            path=request.path,
        ).save()

    @staticmethod
    def _form_shown_again(request, response) -> bool:
        """A page POST answered 200 with HTML: by the post/redirect/get convention, the form came back with
        its errors (success redirects). HTMX requests, the API and downloads answer 200 on success."""
        return (
            request.method == "POST"
            and response.status_code == 200
            and not request.path.startswith("/api/")
            and not request.headers.get("HX-Request")
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Disposition")
        )
