"""Separation of duties (issue 6, §2; GB/T 22239 8.1.4.2): the system administrator cannot change the audit
trail, and the auditor reads it and changes nothing.

The auditor is tried on every state-changing route (enumerated, see routes.py): every page route by POST
and every API operation with POST/PUT/PATCH/DELETE, on the office's own objects where the route takes one
(the auditor is a member of the office organisation, so its objects are the ones an ownership check
would wrongly let it change) and with plausible data. Each must answer 403 or 404 and change no row.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import UserFactory, member
from scenariohub.core.models import AuditImmutable, AuditLog
from scenariohub.core.services import audit_record
from scenariohub.core.tests import authz
from scenariohub.core.tests.probe import WriteWatcher, call, client_for
from scenariohub.core.tests.routes import api_operations, page_routes

# POST routes the auditor legitimately uses: its own session, password, second factor and language.
AUDITOR_SELF_SERVICE = {
    "set_language": "the interface language (a cookie)",
    "accounts:login": "signing in",
    "accounts:logout": "signing out",
    "accounts:password-change": "the auditor's own password",
    "accounts:switch-membership": "choosing which membership to act as (session only)",
    "core:audit-export": "exporting the audit trail is the auditor's job (the export is itself recorded)",
    "accounts:token-list": "its own API tokens (personal credentials; audit_record refuses them to an auditor)",
    "matching:notification-read-all": "marking its own notifications read",
    "authn:verify": "the auditor's own second factor",
    "authn:enrol": "the auditor's own second factor",
    "authn:recovery-codes": "the auditor's own recovery codes",
    "authn:password-expired": "the auditor's own password",
}
# POSTs that compute and store nothing (they must still change no row).
COMPUTATIONS = {
    "POST /api/v1/notifications/read-all": "marking its own notifications read",
    "ai:classify-suggest": "sector/field suggestions for a text being typed",
    "ai:duplicates": "near-duplicate hints for a text being typed",
    "POST /api/v1/ai/classify": "sector/field suggestions for a text",
    "POST /api/v1/ai/duplicates": "near-duplicate hints for a text",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("sod-media")
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


def _auditor_targets(world, builder) -> list[authz.Target]:
    targets = builder(world)
    own = [t for t in targets if t.office_owned]
    return own or targets[:1]


def _pending(key: str) -> bool:
    return any(key.startswith(prefix) for prefix in authz.PENDING)


@pytest.mark.django_db
def test_auditor_changes_nothing_on_any_state_changing_route(world, settings):
    settings.MEDIA_ROOT = world.media_root
    auditor = client_for(world.personas["auditor"])
    failures, calls, routes = [], 0, 0
    for route in page_routes():
        if route.is_admin or route.is_regex or route.name in AUDITOR_SELF_SERVICE or _pending(route.name):
            continue
        if route.object_params:
            builder = authz.PAGE_TARGETS.get(route.name)
            assert builder is not None, f"{route.name} is not in the registry (see test_authz_matrix)"
            targets = _auditor_targets(world, builder)
        else:
            targets = [authz.Target(label="-", kwargs={}, data=authz.plausible_form(world))]
        routes += 1
        for target in targets:
            calls += 1
            url = route.url(**target.kwargs)
            with WriteWatcher() as watcher:
                response = call(auditor, "POST", url, target.data, api=False)
            changed = watcher.changed_tables()
            if changed:
                failures.append(f"POST {url} [{target.label}] -> {response.status_code}: changed {changed}")
            elif response.status_code not in (403, 404, 405) and route.name not in COMPUTATIONS:
                failures.append(f"POST {url} [{target.label}] -> {response.status_code}: not refused")
    for op in api_operations():
        if not op.mutating or _pending(op.path):
            continue
        routes += 1
        if op.object_params:
            builder = authz.API_TARGETS.get(op.path)
            assert builder is not None, f"{op.key} is not in the registry (see test_authz_matrix)"
            targets = _auditor_targets(world, builder)
        else:
            targets = [authz.Target(label="-", kwargs={})]
        for target in targets:
            calls += 1
            url = op.url(**target.kwargs)
            body = (
                authz.API_CREATE_BODIES[op.key](world)
                if op.key in authz.API_CREATE_BODIES
                else authz.api_body(world, op, target)
            )
            with WriteWatcher() as watcher:
                response = call(auditor, op.method, url, body, api=True)
            changed = watcher.changed_tables()
            if changed:
                failures.append(
                    f"{op.method} {url} [{target.label}] -> {response.status_code}: changed {changed}"
                )
            elif response.status_code not in (403, 404) and op.key not in COMPUTATIONS:
                failures.append(f"{op.method} {url} [{target.label}] -> {response.status_code}: not refused")
    print(f"auditor write routes: {routes}, calls: {calls}")
    assert routes > 50 and calls >= routes, (routes, calls)
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_auditor_reads_the_audit_trail(world):
    record = audit_record(
        actor=world.f_provider.user,
        organisation=world.f_provider.organisation,
        action="scenario.update",
        obj=world.s_draft,
    )
    response = client_for(world.personas["auditor"]).get("/audit/")
    assert response.status_code == 200
    assert record.pk in [row.pk for row in response.context["page"]]


# ------------------------------------------------------------------------------------------------ the administrator


def _superuser_client() -> tuple[Client, object]:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    if apps.is_installed("scenariohub.authn"):  # the admin site then asks for the second factor
        from scenariohub.authn.tests.helpers import mark_verified

        mark_verified(client, user)
    return client, user


def _acting_member():
    # Not the conftest persona: this module's world already holds its username.
    return member(
        org_type=Role.PROVIDER, region=authz.CHENGDU, name="审计核查示范单位", username="sod_provider"
    )


def _rows(up_to_id: int) -> list[tuple]:
    return list(AuditLog.objects.filter(id__lte=up_to_id).order_by("id").values_list())


@pytest.mark.django_db
def test_superuser_cannot_change_or_delete_audit_records_in_the_admin():
    provider = _acting_member()
    record = audit_record(
        actor=provider.user,
        organisation=provider.organisation,
        action="scenario.create",
        object_type="scenarios.scenario",
        object_id="1",
    )
    client, _user = _superuser_client()
    before = _rows(record.id)

    assert client.get("/admin/core/auditlog/").status_code == 200  # reading is allowed
    assert client.get(f"/admin/core/auditlog/{record.id}/change/").status_code == 200  # view only
    assert client.get("/admin/core/auditlog/add/").status_code == 403
    assert client.post("/admin/core/auditlog/add/", {"action": "forged"}).status_code == 403
    response = client.post(
        f"/admin/core/auditlog/{record.id}/change/", {"action": "forged", "object_id": "2"}
    )
    assert response.status_code == 403
    assert client.post(f"/admin/core/auditlog/{record.id}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/core/auditlog/", {"action": "delete_selected", "_selected_action": [record.id], "post": "yes"}
    )
    assert _rows(record.id) == before

    # Deleting the user who acted (through the admin) leaves the evidence of what they did as it was.
    response = client.post(f"/admin/accounts/user/{provider.user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(provider.user).objects.filter(pk=provider.user.pk).exists()
    assert _rows(record.id) == before


@pytest.mark.django_db
def test_no_admin_page_can_change_an_audit_model():
    client, user = _superuser_client()
    request = type("R", (), {"user": user})()
    for model in apps.get_app_config("core").get_models():
        if not model.__name__.startswith("Audit") or not admin.site.is_registered(model):
            continue
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


@pytest.mark.django_db
def test_orm_paths_refuse_to_change_audit_records():
    provider = _acting_member()
    record = audit_record(
        actor=provider.user,
        organisation=provider.organisation,
        action="scenario.create",
        object_type="scenarios.scenario",
        object_id="1",
    )
    before = _rows(record.id)
    record.action = "forged"
    for attempt in (
        record.save,
        record.delete,
        lambda: AuditLog.objects.filter(pk=record.pk).update(action="forged"),
        lambda: AuditLog.objects.filter(pk=record.pk).delete(),
        lambda: AuditLog.objects.bulk_update([record], ["action"]),
    ):
        with pytest.raises(AuditImmutable), transaction.atomic():
            attempt()
    assert _rows(record.id) == before
