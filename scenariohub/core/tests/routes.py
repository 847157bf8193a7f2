"""Every route the platform answers, read from the running configuration rather than from a list.

Pages come from Django's URL resolver (walked recursively, so a new app's `urls.py` is picked up as soon
as it is included); API operations come from the ninja API's OpenAPI schema, which knows each
operation's method. The authorisation matrix and the audit coverage test both start from here, so a
route added tomorrow is tested tomorrow, or the test says what to register.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

API_PREFIX = "/api/v1/"
API_NAMESPACE = "api-v1"

# Path parameters that name no record, so there is no other organisation's object to try.
NON_OBJECT_KWARGS = {
    "fmt": "an export format (xlsx, csv), not a record",
    "app_label": "the admin site's index of one app, not a record",
    "url": "the admin site's catch-all (unknown admin paths), not a record",
}

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class PageRoute:
    """One Django URL pattern (outside the API)."""

    name: str  # "events:event-detail"; unnamed patterns are keyed by their route
    route: str  # "events/<int:pk>/"
    params: tuple[str, ...]
    is_regex: bool

    @property
    def key(self) -> str:
        return self.name

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NON_OBJECT_KWARGS)

    def url(self, **kwargs) -> str:
        if self.is_regex:
            raise ValueError(f"{self.route}: regex routes are not built here")
        missing = set(self.params) - set(kwargs)
        if missing:
            raise ValueError(f"{self.name}: no value for {sorted(missing)}")
        return "/" + _ROUTE_PARAM.sub(lambda m: str(kwargs[m.group("name")]), self.route)


@dataclass(frozen=True)
class ApiOperation:
    """One operation of the ninja API, as its OpenAPI schema describes it."""

    method: str  # "GET", "POST", …
    path: str  # "/api/v1/scenarios/{id}"
    operation_id: str
    params: tuple[str, ...]
    has_body: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NON_OBJECT_KWARGS)

    @property
    def mutating(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")

    def url(self, **kwargs) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), self.path)


def _walk(patterns, prefix: str, namespace: str | None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            if ns == API_NAMESPACE:
                continue  # the API is enumerated from its schema, which knows the methods
            if not isinstance(p.pattern, RoutePattern | RegexPattern):
                raise TypeError(f"Unknown URL pattern type {type(p.pattern)!r}")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            is_regex = isinstance(p.pattern, RegexPattern) or "^" in prefix
            if is_regex:
                params = tuple(p.pattern.regex.groupindex)
            else:
                params = tuple(m.group("name") for m in _ROUTE_PARAM.finditer(route))
            if p.name:
                label = f"{namespace}:{p.name}" if namespace else p.name
            else:
                label = f"<unnamed {route}>"
            yield PageRoute(name=label, route=route, params=params, is_regex=is_regex)


def page_routes() -> list[PageRoute]:
    """Every URL pattern outside the API, in resolver order."""
    return list(_walk(get_resolver().url_patterns, "", None))


def api_operations() -> list[ApiOperation]:
    """Every operation of the API, from its OpenAPI schema."""
    from scenariohub.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = tuple(p["name"] for p in op.get("parameters", ()) if p.get("in") == "path")
            out.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    operation_id=op.get("operationId", ""),
                    params=params,
                    has_body="requestBody" in op,
                )
            )
    return out
