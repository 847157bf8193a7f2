"""API v1 (django-ninja): one router per app, one JSON error shape `{"code": "...", "message": "..."}`.

Every answer that is not a success has that shape (plus `details` {field: [messages]} when there is
something to say per field), whatever went wrong: a domain rule, a malformed body, a bad token or a bug.
Messages follow the request's language (Chinese by default); per-field messages reuse Django's own
msgids where one fits, so they are translated by Django's catalogue.
"""

import logging

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from scenariohub.accounts.actors import ANONYMOUS, Actor
from scenariohub.accounts.models import ApiToken
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError
from scenariohub.core.errors import PermissionDenied as DomainPermissionDenied

logger = logging.getLogger(__name__)


class InvalidToken(AuthenticationError):
    """A bearer token was sent but matches no live token: say so rather than fall back to anonymous."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token acts as the membership it was created for."""

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            raise InvalidToken()
        row = (
            ApiToken.objects.select_related("user", "membership__organisation")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            # A client that sends a wrong or revoked token must learn it, even on endpoints that anonymous
            # callers may read: silently serving the public view would hide the mistake.
            raise InvalidToken()
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.api_actor = Actor(user=row.user, membership=row.membership, ip_address=request.META.get("REMOTE_ADDR"))
        request.api_auth_method = "token"
        return row.user


class ActorSessionAuth(SessionAuth):
    """The browser's session cookie. With csrf=True, ninja checks the CSRF token on this path."""

    def __call__(self, request):
        # Without a signed-in session there is nothing to protect: answer 401 (not a CSRF 403) to a caller
        # who simply forgot the token.
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            if exc.status_code == 403:
                raise DomainPermissionDenied(
                    _("CSRF verification failed. Send the X-CSRFToken header with the csrftoken cookie's value."),
                    code="csrf_failed",
                ) from exc
            raise

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            request.api_actor = actor_for_request(request)
            request.api_auth_method = "session"
            return request.user
        return None


def optional_auth(request):
    """Anonymous callers are allowed; they act as ANONYMOUS."""
    request.api_actor = ANONYMOUS
    request.api_auth_method = "anonymous"
    return True


def api_actor(request) -> Actor:
    return getattr(request, "api_actor", ANONYMOUS)


class BodyParseError(ValueError):
    """The request body is not JSON; ninja wraps it in HttpError(400), the handler below answers 422."""


class JsonParser(Parser):
    def parse_body(self, request):
        try:
            return super().parse_body(request)
        except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, absurd nesting
            raise BodyParseError(str(exc)) from exc


class ScenarioHubAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        # ninja drops each error's input before we see it; translate the messages here, while it is known.
        exc = super().validation_error_from_error_contexts(error_contexts)
        originals = [e for c in error_contexts for e in c.pydantic_validation_error.errors(include_url=False)]
        for err, original in zip(exc.errors, originals, strict=True):
            err["msg"] = validation_message(original)
        return exc


api = ScenarioHubAPI(
    title="ScenarioHub API",
    version="1.0.0",
    description="场景通 ScenarioHub: AI application scenarios of Sichuan province. "
    "Authenticate machine clients with `Authorization: Bearer <token>` (tokens are created in the workspace); "
    "browsers use their session, with the `X-CSRFToken` header on writes. "
    'Every error answers `{"code": "...", "message": "...", "details"?: {"<field>": ["..."]}}`; '
    "messages follow `Accept-Language` (Chinese by default).",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=JsonParser(),
)

READ_AUTH = [TokenAuth(), ActorSessionAuth(csrf=False), optional_auth]
WRITE_AUTH = [TokenAuth(), ActorSessionAuth(csrf=True)]


class ErrorOut(Schema):
    """The one error shape; every router documents its error statuses with it (see error_responses)."""

    code: str = Field(description="Machine code, e.g. `not_found`, `stale_version`, `invalid_transition`.")
    message: str = Field(description="Human message in the request's language (Chinese by default).")
    details: dict[str, list[str]] | None = Field(
        None, description="Messages per field (`__all__` for the request as a whole); only when useful."
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: XOut, **error_responses(401, 404)}` documents those statuses with the error shape."""
    return dict.fromkeys(statuses, ErrorOut)


def paginate(qs, params, *, item=None, **extra) -> dict:
    """One page of a list endpoint as `{"items": [...], "count": N}`; `params` carries `page` (1-based) and
    `page_size`; `item` converts each row when the schema cannot read the model directly."""
    start = (params.page - 1) * params.page_size
    rows = qs[start : start + params.page_size]
    return {"items": [item(r) for r in rows] if item else list(rows), "count": qs.count(), **extra}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return body


def validation_message(err: dict) -> str:
    """A translated message for one pydantic error (Django's msgids where they fit)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("The request body must be a JSON object.")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if value is None and kind.endswith("_type"):
        return _("This field cannot be null.")
    if kind == "string_too_long":
        limit = int(ctx.get("max_length", 0))
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(value) if isinstance(value, str) else 0}
    if kind == "string_too_short":
        return _("This field cannot be blank.")
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx.get("le")}
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": ctx.get("ge")}
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind in ("literal_error", "enum"):
        shown = value if isinstance(value, str | int) else type(value).__name__
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {"value": str(shown)[:40]}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("Enter a valid value.")


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, error_body(exc.code, exc.message, exc.details), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        msg = str(err.get("msg", ""))
        if not loc and err.get("loc", ("",))[0] == "body":
            msg = _("The request body must be a JSON object.")  # empty, `null`, a list…
        details.setdefault(loc or "__all__", []).append(msg)
    return api.create_response(
        request, error_body("validation_error", _("The request is not valid."), details), status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    if isinstance(exc, InvalidToken):
        body = error_body("invalid_token", _("The API token is not valid, or it has been revoked."))
    else:
        body = error_body("unauthorized", _("Authentication required."))
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, BodyParseError):
        return api.create_response(
            request,
            error_body("invalid_json", _("The request body is not valid JSON."), {"__all__": [_("Enter a valid JSON.")]}),
            status=422,
        )
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


@api.exception_handler(DjangoPermissionDenied)
def _django_forbidden(request, exc):
    return api.create_response(request, error_body("forbidden", _("You do not have permission to do this.")), status=403)


def _bad_request(request, exc):
    # What Django itself answers 400 to: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a broken multipart body…
    return api.create_response(request, error_body("bad_request", _("The request could not be read.")), status=400)


for _exc_class in (SuspiciousOperation, MultiPartParserError, BadRequest):
    api.add_exception_handler(_exc_class, _bad_request)


@api.exception_handler(Exception)
def _server_error(request, exc):
    # Keep the one error shape even for bugs; the traceback goes to the log, not to the client.
    logger.exception("API error on %s %s", request.method, request.path)
    return api.create_response(
        request, error_body("server_error", _("Something went wrong on our side. Please try again later.")), status=500
    )


def _register_routers() -> None:
    # Each app exposes `router` in its api.py; adding an app here is the only wiring needed.
    from scenariohub.ai.api import router as ai_router
    from scenariohub.cases.api import router as cases_router
    from scenariohub.dashboard.api import router as dashboard_router
    from scenariohub.events.api import router as events_router
    from scenariohub.exchange.api import router as exchange_router
    from scenariohub.matching.api import router as matching_router
    from scenariohub.plans.api import router as plans_router
    from scenariohub.promotion.api import router as promotion_router
    from scenariohub.publicity.api import router as publicity_router
    from scenariohub.scenarios.api import router as scenarios_router
    from scenariohub.support.api import router as support_router
    from scenariohub.tracking.api import router as tracking_router
    from scenariohub.zones.api import router as zones_router

    api.add_router("/", scenarios_router)
    api.add_router("/", events_router)
    api.add_router("/", plans_router)
    api.add_router("/", dashboard_router)
    api.add_router("/", exchange_router)
    api.add_router("/", matching_router)
    api.add_router("/", tracking_router)
    api.add_router("/", ai_router)
    api.add_router("/", zones_router)
    api.add_router("/", support_router)
    api.add_router("/", publicity_router)
    api.add_router("/", cases_router)
    api.add_router("/", promotion_router)


_register_routers()
