"""Audit coverage (issue 6, §3; GB/T 22239 8.1.4.3): every POST/PUT/PATCH/DELETE route, exercised, writes
exactly one request-level audit record with every field filled.

The routes are enumerated (routes.py): every page route by POST (a page that takes no POST still answers
one, and the attempt is recorded) and every API write operation. Each is called by a persona who may
plausibly use it, on the objects of the authorisation matrix's world, with valid data where the matrix
has it and otherwise with what the persona would send. Each call runs in a savepoint rolled back after
it, so one route's change cannot disturb the next. The request record is the AuditMiddleware's (action
`request.<method>`, the view name and URL arguments as the object), found by the response's X-Request-ID.
"""

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings

from scenariohub.accounts.tests.factories import UserFactory
from scenariohub.core.models import AuditLog, Outcome
from scenariohub.core.tests import authz
from scenariohub.core.tests.probe import call, client_for
from scenariohub.core.tests.routes import api_operations, page_routes

OFFSET = re.compile(r"[+-]\d\d:\d\d$")
# Routes whose natural user is not the office (which is used for the rest): (route name or API key) -> persona.
PERSONA_FOR = {
    "matching:profile-edit": "supplier",
    "matching:solution-create": "supplier",
    "matching:subscription-create": "supplier",
    "POST /api/v1/solutions": "supplier",
    "POST /api/v1/applications": "supplier",
    "POST /api/v1/subscriptions": "supplier",
    "scenarios:create": "provider",
    "POST /api/v1/scenarios": "provider",
    "exchange:import-create": "provider",
    "POST /api/v1/imports": "provider",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("coverage-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = authz.build_world()
            world.media_root = media
            world.personas["staff"] = None
            world.superuser = UserFactory(username="coverage_root", is_staff=True, is_superuser=True)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(world, who, target) -> tuple[Client, object]:
    """A fresh client per call (a logout or login route changes who its session is)."""
    if who == "staff":
        client = Client(raise_request_exception=False)
        client.force_login(world.superuser)
        if apps.is_installed("scenariohub.authn"):  # the admin site then asks for the second factor
            from scenariohub.authn.tests.helpers import mark_verified

            mark_verified(client, world.superuser)
        return client, (world.superuser, None)
    membership = target.owner if (target is not None and target.owner is not None) else world.personas[who]
    return client_for(membership), (membership.user, membership.organisation)


def _unknown(params) -> authz.Target:
    """A route the matrix's world has no object for yet (test_authz_matrix names it): exercised anyway, on
    an id that does not exist, so its refusal is what gets recorded."""
    return authz.Target(label="no such object", kwargs=dict.fromkeys(params, 999999), data={})


def _calls(world):
    """(key, method, url, data, api, who, target) for every state-changing route."""
    for route in page_routes():
        if route.is_regex:
            continue  # admin's app index and catch-all: no kwargs that name a record; covered below by one each
        if route.is_admin:
            targets = authz.admin_targets(world, route) if route.object_params else [None]
            for t in targets:
                yield route.name, "POST", route.url(**(t.kwargs if t else {})), {}, False, "staff", None
            continue
        if route.object_params:
            builder = authz.PAGE_TARGETS.get(route.name)
            target = builder(world)[0] if builder else _unknown(route.params)
            yield route.name, "POST", route.url(**target.kwargs), target.data, False, "office", target
        else:
            who = PERSONA_FOR.get(route.name, "office")
            yield route.name, "POST", route.url(), authz.plausible_form(world), False, who, None
    for op in api_operations():
        if not op.mutating:
            continue
        if op.object_params:
            builder = authz.API_TARGETS.get(op.path)
            target = builder(world)[0] if builder else _unknown(op.params)
            yield (
                op.key,
                op.method,
                op.url(**target.kwargs),
                authz.api_body(world, op, target),
                True,
                "office",
                target,
            )
        else:
            body = authz.API_CREATE_BODIES[op.key](world) if op.key in authz.API_CREATE_BODIES else {}
            yield op.key, op.method, op.url(), body, True, PERSONA_FOR.get(op.key, "office"), None


@pytest.mark.django_db
def test_every_state_changing_route_writes_one_complete_request_record(world, settings):
    settings.MEDIA_ROOT = world.media_root
    failures, exercised, outcomes = [], 0, {}
    for key, method, url, data, api, who, target in _calls(world):
        with transaction.atomic():
            client, (user, organisation) = _client(world, who, target)
            before = AuditLog.objects.requests().count()
            response = call(client, method, url, data, api=api)
            request_id = response.get("X-Request-ID", "")
            records = list(AuditLog.objects.requests().filter(request_id=request_id)) if request_id else []
            total = AuditLog.objects.requests().count() - before
            transaction.set_rollback(True)
        exercised += 1
        where = f"{method} {url} ({key}, as {who}) -> {response.status_code}"
        if response.status_code >= 500:
            failures.append(f"{where}: server error")
        if len(records) != 1 or total != 1:
            failures.append(f"{where}: {len(records)} request records with its id, {total} in all (want 1)")
            continue
        r = records[0]
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        problems = []
        if not OFFSET.search(r.time_with_offset):
            problems.append(f"time {r.time_with_offset!r} has no offset")
        if r.actor_id != user.pk:
            problems.append(f"actor {r.actor_id} is not {user.pk}")
        if organisation is not None and r.organisation_id != organisation.pk:
            problems.append(f"organisation {r.organisation_id} is not {organisation.pk}")
        if not r.ip_address:
            problems.append("no IP address")
        if r.action != f"request.{method.lower()}":
            problems.append(f"action {r.action!r}")
        if not r.object_type or (target is not None and target.kwargs and not r.object_id):
            problems.append(f"object {r.object_type!r}#{r.object_id!r}")
        if r.outcome not in Outcome.values:
            problems.append(f"outcome {r.outcome!r}")
        if problems:
            failures.append(f"{where}: " + "; ".join(problems))
    print(f"audit-coverage calls: {exercised}; outcomes {outcomes}")
    assert exercised > 100, exercised
    assert failures == [], f"{len(failures)} of {exercised} calls:\n" + "\n".join(failures)
    # The records tell refusals, invalid input and successes apart, not one blanket value.
    assert {Outcome.SUCCESS, Outcome.DENIED, Outcome.INVALID} <= set(outcomes), outcomes
