"""The cross-organisation authorisation matrix (issue 6, §2): 0 successful reads or writes of objects of
another organisation or region, over every route that takes an object, for every role.

Routes are enumerated (Django's resolver and the API's OpenAPI schema; see routes.py), objects come
from the registry in authz.py, and "success" is defined in probe.py. One world is built per module; each
route's test runs in its own savepoint, so what one route changes by mistake cannot hide another's.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from scenariohub.core.tests import authz
from scenariohub.core.tests.probe import (
    WriteWatcher,
    body_text,
    call,
    client_for,
    is_denial_redirect,
    succeeded,
)
from scenariohub.core.tests.routes import api_operations, page_routes

PAGE_ROUTES = [r for r in page_routes() if r.object_params]
API_OPS = [op for op in api_operations() if op.object_params]
REGISTER_HINT = (
    "Add it to PAGE_TARGETS / API_TARGETS in scenariohub/core/tests/authz.py: a function building the objects "
    "of ANOTHER organisation its URL kwargs should be tried on (and, if it is public, a reason in PUBLIC_READS)."
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas and the other organisations' objects, created once and rolled back after the module."""
    media = tmp_path_factory.mktemp("authz-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = authz.build_world()
            world.media_root = media
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world_media(world, settings):
    # The world's files were written once for the module; every test must read them from the same place.
    settings.MEDIA_ROOT = world.media_root
    return world


def _pending(key: str) -> str | None:
    return next((why for prefix, why in authz.PENDING.items() if key.startswith(prefix)), None)


def _skip_if_pending(key: str) -> None:
    why = _pending(key)
    if why:
        pytest.skip(f"{key}: not in the matrix yet ({why})")


def _targets(world, route_or_op):
    if getattr(route_or_op, "is_admin", False):
        return authz.admin_targets(world, route_or_op)
    if hasattr(route_or_op, "route"):
        builder = authz.PAGE_TARGETS.get(route_or_op.name)
    else:
        builder = authz.API_TARGETS.get(route_or_op.path)
    if builder is None:
        pytest.fail(
            f"Route {route_or_op.key} takes {route_or_op.object_params} but the matrix does not know it. "
            + REGISTER_HINT
        )
    return builder(world)


def _verdicts(world, route_or_op, targets, methods, *, api: bool) -> tuple[list[str], int]:
    """Every (role, target, method) call; returns the failures and the number of calls."""
    failures, calls = [], 0
    public_key_page = getattr(route_or_op, "name", None)
    clients = {role: client_for(world.personas[role]) for role in authz.ROLES}
    for target in targets:
        url = route_or_op.url(**target.kwargs)
        if target.owner is not None and "GET" in methods:
            # The control: the owner reaches the object, so the refusals below are about who asks.
            calls += 1
            response = call(client_for(target.owner), "GET", url, api=api)
            if (
                response.status_code == 404
                or response.status_code >= 500
                or (response.status_code in (301, 302) and is_denial_redirect(response["Location"]))
            ):
                failures.append(
                    f"control: the owner's GET {url} [{target.label}] -> {response.status_code}; "
                    "the matrix would be testing a missing object"
                )
        roles = authz.ADMIN_ROLES if getattr(route_or_op, "is_admin", False) else authz.ROLES
        for role in roles:
            if role == "office" and not target.personal:
                continue  # the office manages everything organisational; it is tried on personal objects
            for method in methods:
                key = f"{method} {route_or_op.path}" if api else public_key_page
                data = (
                    (authz.api_body(world, route_or_op, target) if api else target.data)
                    if method != "GET"
                    else None
                )
                allowed_read = method == "GET" and (
                    (target.public and key in authz.PUBLIC_READS)
                    or (role == "auditor" and target.office_owned)
                    or role in authz.ROLE_READS.get(key, (set(), ""))[0]
                )
                if allowed_read and key in authz.SCOPED_READS:
                    calls += 1
                    response = call(clients[role], method, url, api=api)
                    if authz.MARKER in body_text(response):
                        failures.append(
                            f"{role} GET {url} [{target.label}]: shows another organisation's objects"
                        )
                if allowed_read:
                    continue  # nothing to refuse; what else it shows is the route's own tests' business
                calls += 1
                with WriteWatcher() as watcher:
                    response = call(clients[role], method, url, data, api=api)
                changed = watcher.changed_tables()
                where = f"{role} {method} {url} [{target.label}] -> {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{where}: server error")
                    continue
                if method == "GET":
                    if succeeded(response):
                        failures.append(f"{where}: cross-organisation read succeeded")
                    if changed:
                        failures.append(f"{where}: a read changed {changed}")
                    continue
                roles, _reason = authz.LEGITIMATE_WRITES.get((key, method), (set(), ""))
                if target.public and role in roles:
                    continue  # declared: acting on a released object is what the route is for
                if changed:
                    failures.append(f"{where}: cross-organisation write changed {changed}")
                elif 200 <= response.status_code < 300:
                    failures.append(f"{where}: a write answered success")
                elif (
                    succeeded(response)
                    and not target.public
                    and not (role == "auditor" and target.office_owned)
                ):
                    # Redirecting somewhere useful tells the caller that a private object exists.
                    failures.append(
                        f"{where}: a write on an object it may not see redirected to {response['Location']}"
                    )
    return failures, calls


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda r: r.name)
def test_page_route_refuses_other_organisations(world_media, route):
    world = world_media
    if route.is_regex:
        pytest.skip(f"{route.route}: a regex route ({', '.join(route.params)} name no record)")
    _skip_if_pending(route.name)
    failures, calls = _verdicts(world, route, _targets(world, route), ("GET", "POST"), api=False)
    print(f"authz-matrix calls: {calls}")  # summed by the report (pytest -s)
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("op", API_OPS, ids=lambda op: op.key)
def test_api_operation_refuses_other_organisations(world_media, op):
    world = world_media
    _skip_if_pending(op.path)
    failures, calls = _verdicts(world, op, _targets(world, op), (op.method,), api=True)
    print(f"authz-matrix calls: {calls}")  # summed by the report (pytest -s)
    assert failures == [], "\n".join(failures)


def test_every_object_route_is_registered():
    """One message listing every route the registry does not know yet (and every entry for a route gone)."""
    pages = {r.name for r in PAGE_ROUTES if not r.is_admin and not r.is_regex}
    apis = {op.path for op in API_OPS}
    missing = sorted(
        k for k in (pages - set(authz.PAGE_TARGETS)) | (apis - set(authz.API_TARGETS)) if not _pending(k)
    )
    stale = sorted((set(authz.PAGE_TARGETS) - pages) | (set(authz.API_TARGETS) - apis))
    assert not missing, f"Routes the authorisation matrix does not know: {missing}. " + REGISTER_HINT
    assert not stale, f"Registered routes that no longer exist (remove them from authz.py): {stale}"
    public = {k.split(" ", 1)[-1] if k.startswith(("GET ", "POST ")) else k for k in authz.PUBLIC_READS}
    unknown_public = sorted(public - pages - apis)
    assert not unknown_public, f"PUBLIC_READS names routes that do not exist: {unknown_public}"
