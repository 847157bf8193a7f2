"""Two at once (PostgreSQL only: SQLite serialises whole transactions, so there is no race to lose): two
agreements on one scenario, two starts of one cooperation — exactly one wins, the loser writes nothing."""

import threading

import pytest
from django.db import connection, connections

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import MembershipFactory, UserFactory
from scenariohub.conftest import as_actor
from scenariohub.core.errors import DomainError
from scenariohub.core.models import AuditLog
from scenariohub.matching.services.applications import application_create, application_shortlist
from scenariohub.scenarios.models import ScenarioTransition, Status
from scenariohub.tracking import services
from scenariohub.tracking.models import Cooperation
from scenariohub.tracking.tests.conftest import AGREEMENT

pytestmark = [
    pytest.mark.django_db(transaction=True),  # reference data is restored after flushes (root conftest)
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections"),
]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def colleague(provider):
    return MembershipFactory(
        organisation=provider.organisation,
        role=Role.PROVIDER,
        user=UserFactory(username="provider-colleague", email="colleague@example.cn"),
    )


def test_two_agreements_on_one_scenario_at_once(
    provider, colleague, supplier, outsider_supplier, shortlisted
):
    second = application_create(
        actor=as_actor(outsider_supplier),
        scenario_id=shortlisted.scenario_id,
        data={"proposal": "另一套方案"},
    )
    application_shortlist(actor=as_actor(provider), application_id=second.pk)
    results = _race(
        lambda: services.cooperation_create(
            actor=as_actor(provider), application_id=shortlisted.pk, data=AGREEMENT
        ),
        lambda: services.cooperation_create(
            actor=as_actor(colleague), application_id=second.pk, data=AGREEMENT
        ),
    )
    assert sum(isinstance(r, Cooperation) for r in results) == 1, results
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    assert Cooperation.objects.count() == 1
    assert (
        ScenarioTransition.objects.filter(
            scenario_id=shortlisted.scenario_id, to_status=Status.AGREED
        ).count()
        == 1
    )
    assert AuditLog.objects.filter(action="cooperation.create").count() == 1


def test_two_starts_of_one_cooperation_at_once(provider, colleague, agreed):
    results = _race(
        lambda: services.cooperation_start(actor=as_actor(provider), cooperation_id=agreed.pk),
        lambda: services.cooperation_start(actor=as_actor(colleague), cooperation_id=agreed.pk),
    )
    assert sum(isinstance(r, Cooperation) for r in results) == 1, results
    assert (
        ScenarioTransition.objects.filter(
            scenario_id=agreed.scenario_id, to_status=Status.IMPLEMENTING
        ).count()
        == 1
    )
    assert AuditLog.objects.filter(action="cooperation.start").count() == 1
