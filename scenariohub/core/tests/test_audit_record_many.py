"""audit_record_many: one record per object under one lock of the chain head, with audit_record's guard
and request context; the chain it extends verifies record by record."""

import pytest

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import MembershipFactory, UserFactory
from scenariohub.core import audit
from scenariohub.core.errors import PermissionDenied
from scenariohub.core.models import AuditLog
from scenariohub.core.services import audit_record, audit_record_many
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def test_one_record_per_object_linked_after_the_previous_records(provider):
    before = audit_record(
        actor=provider.user, organisation=provider.organisation, action="test.before", object_type="t.t"
    )
    scenarios = ScenarioFactory.create_batch(4, owner=provider.organisation)
    rows = audit_record_many(
        actor=provider.user,
        organisation=provider.organisation,
        action="scenario.create",
        objects=scenarios,
        data=lambda s: {"title": s.title},
        ip_address="10.0.0.7",
    )
    stored = list(AuditLog.objects.filter(action="scenario.create").order_by("id"))
    assert [r.pk for r in rows] == [r.pk for r in stored]
    assert [(r.object_type, r.object_id, r.data["title"]) for r in stored] == [
        ("scenarios.scenario", str(s.pk), s.title) for s in scenarios
    ]
    assert {(r.actor_id, r.organisation_id, r.ip_address, r.outcome) for r in stored} == {
        (provider.user_id, provider.organisation_id, "10.0.0.7", "success")
    }
    chain = [before, *stored]
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert all(r.hash == audit.record_hash(r) for r in stored)
    assert audit_record_many(actor=provider.user, organisation=None, action="x.y", objects=[]) == []


def test_the_auditor_is_refused_and_nothing_is_written(office):
    auditor = MembershipFactory(organisation=office.organisation, role=Role.AUDITOR, user=UserFactory())
    scenario = ScenarioFactory(owner=office.organisation)
    with pytest.raises(PermissionDenied):
        audit_record_many(
            actor=auditor.user, organisation=office.organisation, action="scenario.create", objects=[scenario]
        )
    assert not AuditLog.objects.filter(action="scenario.create").exists()


def test_inside_a_request_the_records_carry_its_id_and_address(provider):
    ctx = audit.RequestContext(request_id="req-42", ip_address="192.0.2.9", method="POST", path="/x")
    with audit.request_context(ctx):
        rows = audit_record_many(
            actor=provider.user,
            organisation=provider.organisation,
            action="scenario.create",
            objects=ScenarioFactory.create_batch(2, owner=provider.organisation),
        )
    assert {(r.request_id, r.ip_address) for r in AuditLog.objects.filter(pk__in=[r.pk for r in rows])} == {
        ("req-42", "192.0.2.9")
    }
    assert ctx.outcomes == ["success"]
