"""Lifecycle buttons and the review queue through HTTP: who may press what, and what the database says after."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scenariohub.conftest import client_for
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("scenarios:review-queue")
BULK = reverse("scenarios:review-bulk")


def act(client, scenario, target, **extra):
    return client.post(reverse("scenarios:transition", args=[scenario.pk]), {"target": target, **extra})


def status_of(scenario) -> str:
    return Scenario.objects.values_list("status", flat=True).get(pk=scenario.pk)


def followed_text(client, response) -> str:
    return client.get(response["Location"]).content.decode()


# ---------------------------------------------------------------------------------------------- transition


def test_owner_submits_a_draft(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = act(client_for(provider), s, Status.SUBMITTED, expected=Status.DRAFT)
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:detail", args=[s.pk])
    assert status_of(s) == Status.SUBMITTED
    row = ScenarioTransition.objects.get(scenario=s)
    assert (row.from_status, row.to_status, row.actor_id) == (Status.DRAFT, Status.SUBMITTED, provider.user_id)


def test_submit_from_the_edit_page_lands_on_the_scenario_page(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = act(client_for(provider), s, Status.SUBMITTED, next=reverse("scenarios:edit", args=[s.pk]))
    assert response["Location"] == reverse("scenarios:detail", args=[s.pk])


def test_submit_with_a_past_deadline_shows_the_errors_and_changes_nothing(provider):
    s = ScenarioFactory(owner=provider.organisation, deadline=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(provider)
    edit = reverse("scenarios:edit", args=[s.pk])
    response = act(client, s, Status.SUBMITTED, next=edit)
    assert response.status_code == 302 and response["Location"] == edit
    assert "申报截止日期：申报截止日期须晚于今天。" in followed_text(client, response)
    assert status_of(s) == Status.DRAFT and not ScenarioTransition.objects.exists()


def test_city_approves_a_submitted_scenario_of_its_region(provider, chengdu_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    client = client_for(chengdu_city)
    response = act(client, s, Status.APPROVED, expected=Status.SUBMITTED)
    assert status_of(s) == Status.APPROVED
    assert "审核通过" in followed_text(client, response)


def test_return_needs_a_reason(provider, chengdu_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    client = client_for(chengdu_city)
    response = act(client, s, Status.DRAFT, reason="  ")
    assert "请填写理由。" in followed_text(client, response)
    assert status_of(s) == Status.SUBMITTED
    act(client, s, Status.DRAFT, reason="请补充技术指标")
    assert status_of(s) == Status.DRAFT
    assert ScenarioTransition.objects.get(scenario=s).reason == "请补充技术指标"


def test_reason_longer_than_1000_characters_is_refused(provider, chengdu_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    act(client_for(chengdu_city), s, Status.DRAFT, reason="长" * 1001)
    assert status_of(s) == Status.SUBMITTED


def test_office_publishes_and_sends_back(provider, office):
    a = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    b = ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)
    client = client_for(office)
    act(client, a, Status.PUBLISHED)
    act(client, b, Status.DRAFT, reason="预算说明不清")
    assert status_of(a) == Status.PUBLISHED and status_of(b) == Status.DRAFT
    assert Scenario.objects.get(pk=a.pk).published_at is not None


def test_a_decision_on_a_state_the_actor_did_not_see_is_refused(provider, chengdu_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    client = client_for(chengdu_city)
    # The page showed "approved" (say, in another tab); the scenario is in fact still submitted.
    response = act(client, s, Status.CLOSED, reason="重复", expected=Status.APPROVED)
    assert "已发生变化" in followed_text(client, response)
    assert status_of(s) == Status.SUBMITTED


def test_an_impossible_step_is_a_message_not_a_crash(provider):
    s = ScenarioFactory(owner=provider.organisation)
    client = client_for(provider)
    response = act(client, s, "nonsense")
    assert response.status_code == 302 and status_of(s) == Status.DRAFT


def test_provider_may_not_approve_its_own_scenario(provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    assert act(client_for(provider), s, Status.APPROVED).status_code == 403
    assert status_of(s) == Status.SUBMITTED


def test_other_city_cannot_see_or_act_on_the_scenario(provider, mianyang_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    assert act(client_for(mianyang_city), s, Status.APPROVED).status_code == 404
    assert status_of(s) == Status.SUBMITTED


def test_other_provider_cannot_submit_my_draft(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation)
    assert act(client_for(other_provider), s, Status.SUBMITTED).status_code == 404
    assert status_of(s) == Status.DRAFT


def test_other_provider_cannot_withdraw_my_published_scenario(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    assert act(client_for(other_provider), s, Status.WITHDRAWN).status_code == 403
    assert status_of(s) == Status.PUBLISHED


def test_transition_requires_login_and_post(anon_client, provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    response = act(anon_client, s, Status.WITHDRAWN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_for(provider).get(reverse("scenarios:transition", args=[s.pk])).status_code == 405
    assert status_of(s) == Status.PUBLISHED


def test_transition_ignores_an_external_next_url(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = act(client_for(provider), s, Status.SUBMITTED, next="https://evil.example/")
    assert response["Location"] == reverse("scenarios:detail", args=[s.pk])


# ------------------------------------------------------------------------------------------------ queue


def test_city_queue_shows_its_regions_submissions_only(provider, other_provider, department, chengdu_city):
    mine = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED, title="成都待审")
    ScenarioFactory(owner=other_provider.organisation, status=Status.SUBMITTED, title="绵阳待审")
    ScenarioFactory(owner=department.organisation, status=Status.SUBMITTED, title="省直部门待审")
    ScenarioFactory(owner=provider.organisation, status=Status.DRAFT, title="成都草稿")
    html = client_for(chengdu_city).get(QUEUE).content.decode()
    assert "成都待审" in html
    assert "绵阳待审" not in html and "省直部门待审" not in html and "成都草稿" not in html
    assert f'name="ids" value="{mine.pk}"' in html


def test_office_queue_has_approved_and_provincial_submissions(provider, department, office):
    ScenarioFactory(owner=provider.organisation, status=Status.APPROVED, title="待发布场景")
    ScenarioFactory(owner=department.organisation, status=Status.SUBMITTED, title="省直部门待审")
    ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED, title="市级待审")
    client = client_for(office)
    first = client.get(QUEUE).content.decode()
    assert "待发布场景" in first and "省直部门待审" not in first and "发布" in first
    second = client.get(QUEUE, {"section": "submitted"}).content.decode()
    assert "省直部门待审" in second and "市级待审" not in second


@pytest.mark.parametrize("persona", ["provider", "supplier", "department"])
def test_queue_is_403_for_other_roles(request, persona):
    member = request.getfixturevalue(persona)
    assert client_for(member).get(QUEUE).status_code == 403
    assert client_for(member).post(BULK, {"section": "submitted", "action": "approve", "ids": ["1"]}).status_code == 403


def test_queue_requires_login_and_get(anon_client, chengdu_city):
    assert anon_client.get(QUEUE).status_code == 302
    assert client_for(chengdu_city).post(QUEUE).status_code == 405
    assert client_for(chengdu_city).get(BULK).status_code == 405


# ------------------------------------------------------------------------------------------------- bulk


def test_bulk_approve_reports_done_and_failed(provider, other_provider, chengdu_city):
    ok = [ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED) for _ in range(2)]
    foreign = ScenarioFactory(owner=other_provider.organisation, status=Status.SUBMITTED)
    client = client_for(chengdu_city)
    response = client.post(BULK, {"section": "submitted", "action": "approve",
                                  "ids": [str(s.pk) for s in [*ok, foreign]]})
    assert response.status_code == 302
    assert "成功 2 个，失败 1 个" in followed_text(client, response)
    assert [status_of(s) for s in ok] == [Status.APPROVED, Status.APPROVED]
    assert status_of(foreign) == Status.SUBMITTED  # another city's scenario is not touched


def test_bulk_return_needs_a_reason(provider, chengdu_city):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    client = client_for(chengdu_city)
    response = client.post(BULK, {"section": "submitted", "action": "return", "ids": [str(s.pk)], "reason": ""})
    assert "此操作需要填写理由。" in followed_text(client, response)
    assert status_of(s) == Status.SUBMITTED
    client.post(BULK, {"section": "submitted", "action": "return", "ids": [str(s.pk)], "reason": "请补充"})
    assert status_of(s) == Status.DRAFT


def test_office_bulk_publishes(provider, office):
    batch = [ScenarioFactory(owner=provider.organisation, status=Status.APPROVED) for _ in range(3)]
    client_for(office).post(BULK, {"section": "approved", "action": "publish", "ids": [str(s.pk) for s in batch]})
    assert {status_of(s) for s in batch} == {Status.PUBLISHED}


@pytest.mark.parametrize("data", [
    {"section": "submitted", "action": "approve"},  # nothing chosen
    {"section": "submitted", "action": "approve", "ids": ["x1"]},
    {"section": "submitted", "action": "publish", "ids": ["1"]},  # not a decision a city makes
    {"section": "approved", "action": "approve", "ids": ["1"]},  # not a list of a city
    {"section": "submitted", "action": "", "ids": ["1"]},
])
def test_bulk_with_bad_input_changes_nothing(provider, chengdu_city, data):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    data = {**data, "ids": [str(s.pk) if i == "1" else i for i in data.get("ids", [])]}
    response = client_for(chengdu_city).post(BULK, data)
    assert response.status_code == 302
    assert status_of(s) == Status.SUBMITTED and not ScenarioTransition.objects.exists()
