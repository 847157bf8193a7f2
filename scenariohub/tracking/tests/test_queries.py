"""Query counts pinned on the lists and the cooperation page: they must not grow with the rows."""

import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.matching.tests.conftest import token_client
from scenariohub.tracking import services
from scenariohub.tracking.tests.conftest import agree, apply_and_shortlist

pytestmark = pytest.mark.django_db


def _cooperations(provider, supplier, n):
    for i in range(n):
        cooperation = agree(provider, apply_and_shortlist(provider, supplier, title=f"智能质检场景{i:02d}"))
        services.milestone_add(
            actor=as_actor(provider),
            cooperation_id=cooperation.pk,
            data={"title": "部署", "planned_on": "2026-01-05"},
        )


def _count(django_assert_max_num_queries, call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_list_page_and_api_do_not_grow_with_rows(
    provider, supplier, chengdu_city, django_assert_max_num_queries
):
    _cooperations(provider, supplier, 2)
    client, api = client_for(chengdu_city), token_client(chengdu_city)
    page_small = _count(
        django_assert_max_num_queries, lambda: client.get(reverse("tracking:cooperation-list"))
    )
    api_small = _count(django_assert_max_num_queries, lambda: api.get("/api/v1/cooperations"))
    _cooperations(provider, supplier, 6)
    assert (
        _count(django_assert_max_num_queries, lambda: client.get(reverse("tracking:cooperation-list")))
        == page_small
    )
    assert _count(django_assert_max_num_queries, lambda: api.get("/api/v1/cooperations")) == api_small
    with django_assert_max_num_queries(api_small):
        assert api.get("/api/v1/cooperations").json()["count"] == 8


def test_cooperation_page_does_not_grow_with_milestones_and_reports(
    provider, chengdu_city, implementing, django_assert_max_num_queries
):
    actor, client = as_actor(provider), client_for(provider)
    url = reverse("tracking:cooperation-detail", args=[implementing.pk])

    def add(n):
        for i in range(n):
            services.milestone_add(
                actor=actor,
                cooperation_id=implementing.pk,
                data={"title": f"节点{i}", "planned_on": "2026-06-01"},
            )
            services.progress_report_create(
                actor=actor,
                cooperation_id=implementing.pk,
                data={"percent_complete": 10 + i, "text": f"第{i}次进展"},
            )
            services.followup_create(
                actor=as_actor(chengdu_city),
                cooperation_id=implementing.pk,
                data={"comment": f"意见{i}", "risk_level": "low"},
            )

    add(1)
    small = _count(django_assert_max_num_queries, lambda: client.get(url))
    add(4)
    assert _count(django_assert_max_num_queries, lambda: client.get(url)) == small
