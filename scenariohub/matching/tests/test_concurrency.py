"""Two at once: the scenario moves to matching once, and of two decisions only one wins (PostgreSQL only:
SQLite serialises whole transactions, so there is no race to lose)."""

import threading

import pytest
from django.db import connection, connections

from scenariohub.conftest import as_actor
from scenariohub.core.errors import DomainError
from scenariohub.matching import services
from scenariohub.matching.models import Application
from scenariohub.matching.tests.factories import released_scenario
from scenariohub.scenarios.models import ScenarioTransition, Status

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


def test_two_first_applications_at_once_move_the_scenario_once(provider, supplier, supplier2):
    scenario = released_scenario(provider.organisation)
    results = _race(*[
        (lambda m=m: services.application_create(actor=as_actor(m), scenario_id=scenario.pk, data={"proposal": "方案"}))
        for m in (supplier, supplier2)
    ])
    assert all(isinstance(r, Application) for r in results), results
    assert ScenarioTransition.objects.filter(scenario=scenario, to_status=Status.MATCHING).count() == 1


def test_two_decisions_at_once_only_one_wins(provider, supplier, provider_colleague):
    scenario = released_scenario(provider.organisation)
    application = services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk,
                                              data={"proposal": "方案"})
    results = _race(
        lambda: services.application_decline(actor=as_actor(provider), application_id=application.pk, reason="甲"),
        lambda: services.application_decline(actor=as_actor(provider_colleague), application_id=application.pk,
                                             reason="乙"),
    )
    assert sorted(type(r).__name__ for r in results) == ["Application", "InvalidTransition"]
    application.refresh_from_db()
    assert list(application.transitions.values_list("action", flat=True)) == ["submit", "decline"]
    assert application.decision_reason in ("甲", "乙")
