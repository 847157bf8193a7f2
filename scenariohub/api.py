"""API v1 (django-ninja): one router per app, one JSON error shape `{"code": "...", "message": "..."}`."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from scenariohub.accounts.actors import ANONYMOUS, Actor
from scenariohub.accounts.models import ApiToken
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token acts as the membership it was created for."""

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        row = (
            ApiToken.objects.select_related("user", "membership__organisation")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.api_actor = Actor(user=row.user, membership=row.membership, ip_address=request.META.get("REMOTE_ADDR"))
        return row.user


class ActorSessionAuth(SessionAuth):
    """The browser's session cookie. With csrf=True, ninja checks the CSRF token on this path."""

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            request.api_actor = actor_for_request(request)
            return request.user
        return None


def optional_auth(request):
    """Anonymous callers are allowed; they act as ANONYMOUS."""
    request.api_actor = ANONYMOUS
    return True


def api_actor(request) -> Actor:
    return getattr(request, "api_actor", ANONYMOUS)


api = NinjaAPI(
    title="ScenarioHub API",
    version="1.0.0",
    description="场景通 ScenarioHub: AI application scenarios of Sichuan province. "
    "Authenticate machine clients with `Authorization: Bearer <token>` (tokens are created in the workspace).",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

READ_AUTH = [TokenAuth(), ActorSessionAuth(csrf=False), optional_auth]
WRITE_AUTH = [TokenAuth(), ActorSessionAuth(csrf=True)]


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return body


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, error_body(exc.code, exc.message, exc.details), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        details.setdefault(loc or "__all__", []).append(str(err.get("msg", "")))
    return api.create_response(
        request, error_body("validation_error", _("The request is not valid."), details), status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(request, error_body("unauthorized", _("Authentication required.")), status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


def _register_routers() -> None:
    # Each app exposes `router` in its api.py; adding an app here is the only wiring needed.
    from scenariohub.dashboard.api import router as dashboard_router
    from scenariohub.events.api import router as events_router
    from scenariohub.exchange.api import router as exchange_router
    from scenariohub.plans.api import router as plans_router
    from scenariohub.scenarios.api import router as scenarios_router

    api.add_router("/", scenarios_router)
    api.add_router("/", events_router)
    api.add_router("/", plans_router)
    api.add_router("/", dashboard_router)
    api.add_router("/", exchange_router)


_register_routers()
