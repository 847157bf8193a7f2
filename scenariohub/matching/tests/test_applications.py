"""Applications through HTTP: apply, the scenario's move to matching, deadline, consortium, decisions,
scores locked by decisions, and who may see or decide what."""

import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.core.models import AuditLog
from scenariohub.matching import services
from scenariohub.matching.models import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    ApplicationTransition,
    Criterion,
    ReviewerInvitation,
    Score,
)
from scenariohub.matching.tests.factories import SolutionFactory, pdf, released_scenario
from scenariohub.scenarios.models import ScenarioTransition, Status

pytestmark = pytest.mark.django_db

PROPOSAL = {"proposal": "部署边缘视觉检测设备，三个月完成试点。", "team": "算法 5 人，实施 3 人", "schedule": "第1月调研"}


def apply(membership, scenario, **extra):
    return client_for(membership).post(reverse("matching:application-create", args=[scenario.pk]),
                                       {**PROPOSAL, **extra})


def apply_ok(membership, scenario, **extra) -> Application:
    response = apply(membership, scenario, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(scenario=scenario, supplier=membership.organisation, status="submitted")


def matching_transitions(scenario):
    return ScenarioTransition.objects.filter(scenario=scenario, to_status=Status.MATCHING)


# ---------------------------------------------------------------------------------------------- apply


def test_first_application_moves_the_scenario_to_matching_exactly_once(scenario, supplier, supplier2):
    application = apply_ok(supplier, scenario, attachments=[pdf()])
    scenario.refresh_from_db()
    assert scenario.status == Status.MATCHING
    step = matching_transitions(scenario).get()
    assert step.action == "start_matching" and step.actor == supplier.user
    assert step.organisation == supplier.organisation
    assert application.submitted_by == supplier.user
    assert ApplicationAttachment.objects.get(application=application).kind == "pdf"
    assert ApplicationTransition.objects.filter(application=application, to_status="submitted").exists()
    assert AuditLog.objects.filter(action="application.submit", object_id=str(application.pk)).exists()
    # Default criteria arrive with the first application.
    assert [c.name for c in Criterion.objects.filter(scenario=scenario)] == ["技术方案", "团队能力", "实施计划", "成本"]

    apply_ok(supplier2, scenario)
    scenario.refresh_from_db()
    assert scenario.status == Status.MATCHING
    assert matching_transitions(scenario).count() == 1
    assert Criterion.objects.filter(scenario=scenario).count() == 4


def test_apply_page_renders_for_a_supplier(scenario, supplier):
    SolutionFactory(supplier=supplier.organisation, title="我的视觉平台")
    response = client_for(supplier).get(reverse("matching:application-create", args=[scenario.pk]))
    assert response.status_code == 200
    assert "我的视觉平台" in response.content.decode()


def test_application_after_the_deadline_is_refused(provider, supplier):
    closed = released_scenario(provider.organisation, days_left=-1)
    response = apply(supplier, closed)
    assert response.status_code == 302  # back with a message
    assert not Application.objects.exists()
    closed.refresh_from_db()
    assert closed.status == Status.PUBLISHED
    assert not matching_transitions(closed).exists()


def test_application_on_the_deadline_day_is_accepted(provider, supplier):
    apply_ok(supplier, released_scenario(provider.organisation, days_left=0))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED])
def test_unreleased_scenarios_are_not_found(provider, supplier, status):
    hidden = released_scenario(provider.organisation, status=status)
    assert apply(supplier, hidden).status_code == 404
    assert not Application.objects.exists()


def test_scenario_past_matching_takes_no_applications(provider, supplier):
    agreed = released_scenario(provider.organisation, status=Status.AGREED)
    apply(supplier, agreed)
    assert not Application.objects.exists()


def test_only_suppliers_apply(scenario, other_provider, office):
    for persona in (other_provider, office):
        assert apply(persona, scenario).status_code == 403
    assert not Application.objects.exists()


def test_anonymous_is_sent_to_log_in(scenario, anon_client):
    response = anon_client.post(reverse("matching:application-create", args=[scenario.pk]), PROPOSAL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_one_active_application_per_supplier_and_scenario(scenario, supplier):
    first = apply_ok(supplier, scenario)
    apply(supplier, scenario)
    assert Application.objects.filter(scenario=scenario).count() == 1
    # After withdrawing, the supplier may apply again; the withdrawn one stays as history.
    services.application_withdraw(actor=as_actor(supplier), application_id=first.pk)
    apply_ok(supplier, scenario)
    assert list(Application.objects.filter(scenario=scenario).values_list("status", flat=True).order_by("pk")) == [
        "withdrawn", "submitted"]


def test_consortium_of_four_members_is_accepted(scenario, supplier):
    from scenariohub.accounts.models import Role
    from scenariohub.accounts.tests.factories import OrganisationFactory

    members = [OrganisationFactory(type=Role.SUPPLIER) for _ in range(4)]
    application = apply_ok(supplier, scenario, members=[m.pk for m in members])
    assert set(application.members.all()) == set(members)


def test_consortium_of_more_than_four_members_is_refused(scenario, supplier):
    from scenariohub.accounts.models import Role
    from scenariohub.accounts.tests.factories import OrganisationFactory

    members = [OrganisationFactory(type=Role.SUPPLIER) for _ in range(5)]
    response = apply(supplier, scenario, members=[m.pk for m in members])
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert not Application.objects.exists()
    scenario.refresh_from_db()
    assert scenario.status == Status.PUBLISHED


def test_consortium_members_must_be_suppliers(scenario, supplier, other_provider):
    with pytest.raises(Exception) as exc:
        services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk,
                                    data={**PROPOSAL, "members": [other_provider.organisation_id]})
    assert "members" in exc.value.details


def test_proposed_solution_must_be_the_suppliers_own(scenario, supplier, supplier2):
    theirs = SolutionFactory(supplier=supplier2.organisation)
    with pytest.raises(Exception) as exc:
        services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk,
                                    data={**PROPOSAL, "solution": theirs.pk})
    assert "solution" in exc.value.details


def test_bad_attachment_leaves_nothing_behind(scenario, supplier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = apply(supplier, scenario, attachments=[fake])
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Application.objects.exists()


# ---------------------------------------------------------------------------------------------- access


def test_other_supplier_cannot_see_the_application(scenario, supplier, supplier2):
    application = apply_ok(supplier, scenario)
    url = reverse("matching:application-detail", args=[application.pk])
    assert client_for(supplier2).get(url).status_code == 404
    assert client_for(supplier).get(url).status_code == 200


def test_consortium_member_can_read_but_not_withdraw(scenario, supplier, supplier2):
    application = apply_ok(supplier, scenario, members=[supplier2.organisation_id])
    assert client_for(supplier2).get(reverse("matching:application-detail", args=[application.pk])).status_code == 200
    response = client_for(supplier2).post(reverse("matching:application-withdraw", args=[application.pk]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_owner_sees_applicants_side_by_side(scenario, provider, supplier, supplier2):
    apply_ok(supplier, scenario)
    apply_ok(supplier2, scenario)
    response = client_for(provider).get(reverse("matching:scenario-applications", args=[scenario.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert supplier.organisation.name in body and supplier2.organisation.name in body
    assert "技术方案" in body


def test_applicant_list_is_closed_to_suppliers_and_other_providers(scenario, supplier, other_provider):
    apply_ok(supplier, scenario)
    url = reverse("matching:scenario-applications", args=[scenario.pk])
    assert client_for(supplier).get(url).status_code == 403
    assert client_for(other_provider).get(url).status_code == 403


def test_other_provider_cannot_decide(scenario, supplier, other_provider):
    application = apply_ok(supplier, scenario)
    for action in ("application-shortlist", "application-decline"):
        response = client_for(other_provider).post(reverse(f"matching:{action}", args=[application.pk]),
                                                   {"reason": "不合适"})
        assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not AuditLog.objects.filter(action__in=["application.shortlist", "application.decline"]).exists()


def test_supplier_cannot_decide_on_its_own_application(scenario, supplier):
    application = apply_ok(supplier, scenario)
    response = client_for(supplier).post(reverse("matching:application-shortlist", args=[application.pk]))
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------- decisions


def test_owner_shortlists_and_declines_with_a_reason(scenario, provider, supplier, supplier2):
    first = apply_ok(supplier, scenario)
    second = apply_ok(supplier2, scenario)
    owner = client_for(provider)

    response = owner.post(reverse("matching:application-shortlist", args=[first.pk]), {"reason": "方案完整"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SHORTLISTED and first.decided_by == provider.user
    assert first.decision_reason == "方案完整"

    # Declining needs a reason.
    owner.post(reverse("matching:application-decline", args=[second.pk]), {"reason": "  "})
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED

    owner.post(reverse("matching:application-decline", args=[second.pk]), {"reason": "预算超出范围"})
    second.refresh_from_db()
    assert second.status == ApplicationStatus.DECLINED and second.decision_reason == "预算超出范围"
    history = list(ApplicationTransition.objects.filter(application=second).values_list("action", "reason"))
    assert history == [("submit", ""), ("decline", "预算超出范围")]
    assert AuditLog.objects.filter(action="application.decline", data__reason="预算超出范围").exists()


def test_decisions_follow_the_table(scenario, provider, supplier):
    application = apply_ok(supplier, scenario)
    actor = as_actor(provider)
    services.application_decline(actor=actor, application_id=application.pk, reason="不匹配")
    from scenariohub.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.application_shortlist(actor=actor, application_id=application.pk)
    with pytest.raises(InvalidTransition):
        services.application_withdraw(actor=as_actor(supplier), application_id=application.pk)


def test_shortlisted_application_can_still_be_declined_or_withdrawn(scenario, provider, supplier, supplier2):
    a = apply_ok(supplier, scenario)
    b = apply_ok(supplier2, scenario)
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    services.application_shortlist(actor=as_actor(provider), application_id=b.pk)
    assert services.application_decline(actor=as_actor(provider), application_id=a.pk, reason="洽谈未果").status == "declined"
    assert services.application_withdraw(actor=as_actor(supplier2), application_id=b.pk).status == "withdrawn"


def test_withdraw_through_http_keeps_the_history(scenario, supplier):
    application = apply_ok(supplier, scenario)
    response = client_for(supplier).post(reverse("matching:application-withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert client_for(supplier).get(reverse("matching:application-detail", args=[application.pk])).status_code == 200


def test_decision_views_refuse_get(scenario, provider, supplier):
    application = apply_ok(supplier, scenario)
    assert client_for(provider).get(reverse("matching:application-shortlist", args=[application.pk])).status_code == 405


# ---------------------------------------------------------------------------------------------- scores


def _invite(provider, scenario, membership):
    return services.reviewer_invite(actor=as_actor(provider), scenario_id=scenario.pk, membership_id=membership.pk)


def test_invited_reviewer_scores_until_the_decision_locks_the_scores(scenario, provider, supplier,
                                                                     provider_colleague):
    application = apply_ok(supplier, scenario)
    _invite(provider, scenario, provider_colleague)
    criteria = list(Criterion.objects.filter(scenario=scenario))
    reviewer = client_for(provider_colleague)
    url = reverse("matching:application-score", args=[application.pk])
    assert reviewer.get(url).status_code == 200
    data = {f"c{c.pk}": 8 for c in criteria} | {"comment": "整体不错"}
    assert reviewer.post(url, data).status_code == 302
    assert Score.objects.filter(application=application, reviewer=provider_colleague).count() == 4

    page = client_for(provider).get(reverse("matching:scenario-applications", args=[scenario.pk]))
    row = page.context["rows"][0]
    assert row.total == 80.0 and row.complete and row.reviewers == 1

    services.application_shortlist(actor=as_actor(provider), application_id=application.pk)
    response = reviewer.post(url, {f"c{c.pk}": 2 for c in criteria})
    assert response.status_code == 302  # refused, with a message
    assert set(Score.objects.filter(application=application).values_list("value", flat=True)) == {8}
    from scenariohub.core.errors import Conflict

    with pytest.raises(Conflict) as exc:
        services.score_save(actor=as_actor(provider_colleague), application_id=application.pk,
                            values={c.pk: 1 for c in criteria})
    assert exc.value.code == "scores_locked"


def test_only_invited_reviewers_score(scenario, provider, supplier, provider_colleague):
    application = apply_ok(supplier, scenario)
    url = reverse("matching:application-score", args=[application.pk])
    assert client_for(provider_colleague).get(url).status_code == 403  # owner colleague, not invited
    assert client_for(supplier).get(url).status_code == 403


def test_reviewer_sees_only_the_scenarios_they_are_invited_to(provider, supplier, chengdu_city, mianyang_city):
    invited_to = released_scenario(provider.organisation)
    other = released_scenario(provider.organisation)
    a = apply_ok(supplier, invited_to)
    b = apply_ok(supplier, other)
    _invite(provider, invited_to, chengdu_city)
    reviewer = client_for(chengdu_city)
    assert reviewer.get(reverse("matching:application-detail", args=[a.pk])).status_code == 200
    assert reviewer.get(reverse("matching:application-detail", args=[b.pk])).status_code == 404
    assert reviewer.get(reverse("matching:scenario-applications", args=[invited_to.pk])).status_code == 200
    # Another city's lead department is not a candidate for a Chengdu scenario.
    from scenariohub.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        _invite(provider, invited_to, mianyang_city)
    assert ReviewerInvitation.objects.count() == 1


def test_criteria_are_fixed_once_scored(scenario, provider, supplier, provider_colleague):
    application = apply_ok(supplier, scenario)
    owner = client_for(provider)
    url = reverse("matching:scenario-criteria", args=[scenario.pk])
    formset = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-name": "技术方案", "form-0-weight": "60",
               "form-1-name": "价格", "form-1-weight": "40"}
    assert owner.post(url, formset).status_code == 302
    assert [(c.name, c.weight) for c in Criterion.objects.filter(scenario=scenario)] == [("技术方案", 60), ("价格", 40)]
    _invite(provider, scenario, provider_colleague)
    services.score_save(actor=as_actor(provider_colleague), application_id=application.pk,
                        values={c.pk: 5 for c in Criterion.objects.filter(scenario=scenario)})
    owner.post(url, {**formset, "form-1-weight": "10"})
    assert [(c.name, c.weight) for c in Criterion.objects.filter(scenario=scenario)] == [("技术方案", 60), ("价格", 40)]
