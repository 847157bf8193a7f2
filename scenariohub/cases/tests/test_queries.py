"""Public lists cost the same number of queries however many rows they show (pinned, not guessed)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenariohub.cases import services
from scenariohub.cases.tests.helpers import WRITEUP, piloted_cooperation
from scenariohub.conftest import as_actor
from scenariohub.promotion import services as promotion

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _designated(office, city, cooperation):
    case = services.case_nominate(actor=as_actor(city), cooperation_id=cooperation.pk, data=WRITEUP)
    return services.case_designate(actor=as_actor(office), case_id=case.pk)


def test_showcase_and_catalogue_queries_do_not_grow_with_rows(
    anon_client, office, chengdu_city, provider, supplier, quota
):
    first = piloted_cooperation(provider, supplier)
    _designated(office, chengdu_city, first)
    promotion.product_create(
        actor=as_actor(office),
        solution_id=_solution_of(first).pk,
        data={"summary": "简介", "cooperations": [first.pk]},
    )
    one_case = _queries(anon_client, reverse("cases:showcase"))
    one_product = _queries(anon_client, reverse("promotion:catalogue"))
    second = piloted_cooperation(provider, supplier)
    _designated(office, chengdu_city, second)
    promotion.product_create(
        actor=as_actor(office),
        solution_id=_solution_of(second).pk,
        data={"summary": "简介", "cooperations": [second.pk]},
    )
    assert _queries(anon_client, reverse("cases:showcase")) == one_case <= 6
    assert _queries(anon_client, reverse("promotion:catalogue")) == one_product <= 6


def _solution_of(cooperation):
    return cooperation.application.solution
