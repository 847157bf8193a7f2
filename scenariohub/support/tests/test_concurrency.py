"""Two at once (PostgreSQL only: SQLite serialises whole transactions, so there is no race to lose): of two
decisions on one application only one wins, and of two decisions of one zone year only one snapshot exists."""

import threading

import pytest
from django.db import connection, connections

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.conftest import as_actor
from scenariohub.core.errors import DomainError
from scenariohub.support import services
from scenariohub.support.models import SupportApplication
from scenariohub.support.tests.factories import cooperation
from scenariohub.zones import services as zone_services
from scenariohub.zones.models import ZoneScore, ZoneYear

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


def test_two_decisions_at_once_only_one_wins(provider, supplier, office):
    keji = member(org_type=Role.DEPARTMENT, region=None, name="四川省科学技术厅", username="keji")
    services.measure_department_set(
        actor=as_actor(office), measure="innovation_voucher", department_id=keji.organisation_id
    )
    coop = cooperation(provider.organisation, supplier.organisation)
    a = services.application_submit(
        actor=as_actor(provider),
        measure="innovation_voucher",
        summary="券",
        amount_requested="10",
        cooperation_id=coop.pk,
    )
    results = _race(
        lambda: services.application_decide(
            actor=as_actor(keji), application_id=a.pk, outcome="granted", amount_granted="10"
        ),
        lambda: services.application_decide(
            actor=as_actor(office), application_id=a.pk, outcome="refused", reason="预算不足"
        ),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "already_decided", results
    winner = next(r for r in results if isinstance(r, SupportApplication))
    assert SupportApplication.objects.get(pk=a.pk).status == winner.status


def test_two_zone_decisions_at_once_write_one_snapshot(office):
    zone_services.zone_select(
        actor=as_actor(office), year=2026, region="510100", level="provincial", reason="领先"
    )
    results = _race(
        *[lambda: zone_services.zone_year_decide(actor=as_actor(office), year=2026) for _ in range(2)]
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "year_decided", results
    assert ZoneScore.objects.filter(zone_year__year=2026).count() == 21
    assert ZoneYear.objects.get(year=2026).status == "decided"
