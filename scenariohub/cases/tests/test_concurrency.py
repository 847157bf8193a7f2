"""Two at once: two nominations for a city's last place, and two decisions on one case (PostgreSQL only:
SQLite serialises whole transactions, so there is no race to lose)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from scenariohub.cases import services
from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.cases.tests.helpers import WRITEUP, piloted_cooperation
from scenariohub.conftest import CHENGDU, as_actor
from scenariohub.core.errors import DomainError
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


def test_two_nominations_for_the_last_place_only_one_wins(provider, supplier, chengdu_city, office):
    BenchmarkQuota.objects.create(year=timezone.localdate().year, region_id=CHENGDU, number=1)
    first, second = piloted_cooperation(provider, supplier), piloted_cooperation(provider, supplier)
    results = _race(
        *[
            (
                lambda c=c: services.case_nominate(
                    actor=as_actor(chengdu_city), cooperation_id=c.pk, data=WRITEUP
                )
            )
            for c in (first, second)
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["BenchmarkCase", "Conflict"], results
    assert next(r for r in results if isinstance(r, DomainError)).code == "quota_exhausted"
    assert BenchmarkCase.objects.count() == 1


def test_two_decisions_at_once_only_one_wins(provider, supplier, chengdu_city, office):
    BenchmarkQuota.objects.create(year=timezone.localdate().year, region_id=CHENGDU, number=1)
    cooperation = piloted_cooperation(provider, supplier)
    case = services.case_nominate(actor=as_actor(chengdu_city), cooperation_id=cooperation.pk, data=WRITEUP)
    results = _race(
        lambda: services.case_designate(actor=as_actor(office), case_id=case.pk),
        lambda: services.case_decline(actor=as_actor(office), case_id=case.pk, reason="不予认定"),
    )
    assert sorted(type(r).__name__ for r in results) == ["BenchmarkCase", "InvalidTransition"], results
    case.refresh_from_db()
    moved = ScenarioTransition.objects.filter(
        scenario=cooperation.scenario, to_status=Status.BENCHMARK
    ).count()
    assert moved == (1 if case.status == CaseStatus.DESIGNATED else 0)
