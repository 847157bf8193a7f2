"""Tracking pages through the Django test client: each page's happy path, anonymous, no permission
(404 unseen, 403 seen but not allowed), bad input, wrong method, CSRF; the database checked after."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scenariohub.conftest import as_actor, client_for
from scenariohub.matching.tests.factories import pdf
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.tracking import services
from scenariohub.tracking.models import (
    Cooperation,
    CooperationAttachment,
    CooperationStatus,
    FollowUp,
    Milestone,
    PilotAcceptance,
    ProgressReport,
)

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "parties": "成都智造示范工厂、蜀智科技有限公司",
    "signed_on": "2026-03-02",
    "amount": "1250000",
    "duration_months": "12",
    "scope": "缺陷检测系统研发与部署。",
}


def test_owner_records_the_agreement_from_the_application_page(provider, shortlisted):
    client = client_for(provider)
    page = client.get(reverse("matching:application-detail", args=[shortlisted.pk])).content.decode()
    create_url = reverse("tracking:cooperation-create", args=[shortlisted.pk])
    assert create_url in page
    assert client.get(create_url).status_code == 200
    response = client.post(create_url, {**AGREEMENT, "attachments": [pdf("合作协议.pdf")]})
    cooperation = Cooperation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "tracking:cooperation-detail", args=[cooperation.pk]
    )
    assert CooperationAttachment.objects.get().original_name == "合作协议.pdf"
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.AGREED
    page = client.get(response["Location"]).content.decode()
    assert "合作协议.pdf" in page and "启动实施" in page
    # The application page now leads to the cooperation instead.
    page = client.get(reverse("matching:application-detail", args=[shortlisted.pk])).content.decode()
    assert reverse("tracking:cooperation-detail", args=[cooperation.pk]) in page and create_url not in page


def test_agreement_form_reports_bad_input_and_files(provider, shortlisted):
    client = client_for(provider)
    url = reverse("tracking:cooperation-create", args=[shortlisted.pk])
    response = client.post(url, {**AGREEMENT, "amount": "-5", "scope": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Named like a PDF, but an executable inside: refused by content.
    response = client.post(
        url, {**AGREEMENT, "attachments": [SimpleUploadedFile("协议.pdf", b"MZ\x90\x00exe")]}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Cooperation.objects.exists()
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.MATCHING


def test_agreement_page_access(anon_client, supplier, other_provider, shortlisted):
    url = reverse("tracking:cooperation-create", args=[shortlisted.pk])
    assert anon_client.get(url).status_code == 302
    assert (
        client_for(supplier).get(url).status_code == 403
    )  # sees the application, may not sign for the owner
    assert client_for(other_provider).get(url).status_code == 404
    assert client_for(other_provider).post(url, AGREEMENT).status_code == 404
    assert not Cooperation.objects.exists()


def test_csrf_is_enforced(provider, agreed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.user)
    response = client.post(reverse("tracking:cooperation-start", args=[agreed.pk]), {})
    assert response.status_code == 403
    assert Cooperation.objects.get(pk=agreed.pk).status == CooperationStatus.AGREED


def test_owner_walks_the_cooperation_through_the_pages(provider, agreed):
    client = client_for(provider)
    detail = reverse("tracking:cooperation-detail", args=[agreed.pk])
    assert client.get(reverse("tracking:cooperation-start", args=[agreed.pk])).status_code == 405
    response = client.post(
        reverse("tracking:cooperation-start", args=[agreed.pk]), {"started_on": "2026-03-10"}
    )
    assert response.status_code == 302
    assert Cooperation.objects.get(pk=agreed.pk).status == CooperationStatus.IMPLEMENTING

    client.post(
        reverse("tracking:milestone-add", args=[agreed.pk]), {"title": "数据采集", "planned_on": "2026-04-30"}
    )
    milestone = Milestone.objects.get()
    response = client.post(
        reverse("tracking:milestone-edit", args=[milestone.pk]),
        {"title": "数据采集与标注", "planned_on": "2026-05-10", "status": "in_progress"},
    )
    assert response.status_code == 302
    client.post(reverse("tracking:milestone-complete", args=[milestone.pk]), {"done_on": "2026-05-08"})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on) == ("数据采集与标注", dt.date(2026, 5, 8))

    response = client.post(
        reverse("tracking:report-create", args=[agreed.pk]),
        {"percent_complete": "45", "text": "模型训练中。", "reported_on": "2026-05-12"},
    )
    assert response.status_code == 302 and ProgressReport.objects.get().percent_complete == 45

    response = client.post(
        reverse("tracking:pilot-accept", args=[agreed.pk]),
        {
            "accepted_on": timezone.localdate().isoformat(),
            "report": "验收通过。",
            "metric_0_name": "缺陷检出率",
            "metric_0_before": "92",
            "metric_0_after": "99.2",
            "metric_0_unit": "%",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PilotAcceptance.objects.get().metrics.get().name == "缺陷检出率"
    page = client.get(detail).content.decode()
    assert "试点成效" in page and "99.2" in page and "已试点验收" in page


def test_pilot_form_needs_a_result(provider, implementing):
    response = client_for(provider).post(
        reverse("tracking:pilot-accept", args=[implementing.pk]),
        {"accepted_on": timezone.localdate().isoformat(), "report": "验收通过。"},
    )
    assert response.status_code == 200 and "请至少填写一项验收指标" in response.content.decode()
    assert Cooperation.objects.get(pk=implementing.pk).status == CooperationStatus.IMPLEMENTING


def test_supplier_sees_its_cooperation_but_cannot_act(
    supplier, consortium_member, outsider_supplier, provider, implementing
):
    services.progress_report_create(
        actor=as_actor(provider),
        cooperation_id=implementing.pk,
        data={"percent_complete": 30, "text": "第一阶段完成"},
    )
    detail = reverse("tracking:cooperation-detail", args=[implementing.pk])
    for persona in (supplier, consortium_member):
        client = client_for(persona)
        assert "第一阶段完成" in client.get(detail).content.decode()
        assert "第一阶段完成" not in client.get(reverse("tracking:cooperation-list")).content.decode()
        assert client.get(reverse("tracking:report-create", args=[implementing.pk])).status_code == 403
        assert (
            client.post(
                reverse("tracking:milestone-add", args=[implementing.pk]),
                {"title": "x", "planned_on": "2026-05-01"},
            ).status_code
            == 403
        )
    outsider = client_for(outsider_supplier)
    assert outsider.get(detail).status_code == 404
    assert (
        implementing.scenario.title not in outsider.get(reverse("tracking:cooperation-list")).content.decode()
    )
    assert not Milestone.objects.exists()


def test_city_list_shows_its_region_with_flags(chengdu_city, mianyang_city, provider, implementing):
    Milestone.objects.create(cooperation=implementing, title="逾期节点", planned_on=dt.date(2026, 1, 5))
    services.followup_create(
        actor=as_actor(chengdu_city),
        cooperation_id=implementing.pk,
        data={"comment": "资金未到位", "risk_level": "medium"},
    )
    page = client_for(chengdu_city).get(reverse("tracking:cooperation-list")).content.decode()
    assert implementing.scenario.title in page and "里程碑逾期" in page and "风险未解除" in page
    assert reverse("tracking:sheet-download") in page
    filtered = client_for(chengdu_city).get(reverse("tracking:cooperation-list"), {"status": "agreed"})
    assert implementing.scenario.title not in filtered.content.decode()
    htmx = client_for(chengdu_city).get(
        reverse("tracking:cooperation-list"), {"risk": "on"}, HTTP_HX_REQUEST="true"
    )
    assert implementing.scenario.title in htmx.content.decode() and "<html" not in htmx.content.decode()
    other = client_for(mianyang_city).get(reverse("tracking:cooperation-list")).content.decode()
    assert implementing.scenario.title not in other
    assert (
        client_for(mianyang_city)
        .get(reverse("tracking:cooperation-detail", args=[implementing.pk]))
        .status_code
        == 404
    )


def test_city_follows_up_resolves_and_terminates(chengdu_city, provider, implementing):
    client = client_for(chengdu_city)
    response = client.post(
        reverse("tracking:followup-create", args=[implementing.pk]),
        {"comment": "供应方人员不足", "risk_level": "high"},
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert followup.organisation_id == chengdu_city.organisation_id
    client.post(reverse("tracking:followup-resolve", args=[followup.pk]), {"resolution": "已补充人员"})
    assert FollowUp.objects.get().resolved
    # The owner may not follow up on itself.
    assert (
        client_for(provider)
        .post(
            reverse("tracking:followup-create", args=[implementing.pk]), {"comment": "x", "risk_level": "low"}
        )
        .status_code
        == 403
    )
    response = client.post(reverse("tracking:cooperation-terminate", args=[implementing.pk]), {"reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(
        reverse("tracking:cooperation-terminate", args=[implementing.pk]), {"reason": "供应方退出"}
    )
    assert response.status_code == 302
    assert Cooperation.objects.get(pk=implementing.pk).status == CooperationStatus.TERMINATED
    assert Scenario.objects.get(pk=implementing.scenario_id).status == Status.CLOSED


def test_attachment_download_follows_cooperation_access(provider, supplier, outsider_supplier, shortlisted):
    client_for(provider).post(
        reverse("tracking:cooperation-create", args=[shortlisted.pk]),
        {**AGREEMENT, "attachments": [pdf("合作协议.pdf")]},
    )
    attachment = CooperationAttachment.objects.get()
    url = reverse("tracking:attachment-download", args=[attachment.pk])
    response = client_for(supplier).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(outsider_supplier).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_navigation_entry_for_signed_in_users(provider, anon_client):
    url = reverse("tracking:cooperation-list")
    assert url in client_for(provider).get(reverse("home")).content.decode()
    assert url not in anon_client.get(reverse("home")).content.decode()


def test_scenario_page_links_the_cooperation_for_those_who_may_see_it(
    provider, supplier, chengdu_city, outsider_supplier, anon_client, agreed
):
    url = reverse("scenarios:detail", args=[agreed.scenario_id])
    link = reverse("tracking:cooperation-detail", args=[agreed.pk])
    for persona in (provider, supplier, chengdu_city):
        assert link in client_for(persona).get(url).content.decode()
    assert link not in client_for(outsider_supplier).get(url).content.decode()
    assert link not in anon_client.get(url).content.decode()


def test_office_filters_the_list_by_city(office, provider, implementing):
    client = client_for(office)
    title = implementing.scenario.title
    assert title in client.get(reverse("tracking:cooperation-list"), {"region": "510100"}).content.decode()
    assert (
        title not in client.get(reverse("tracking:cooperation-list"), {"region": "510700"}).content.decode()
    )
    # A value that is not a region is ignored, not an error page.
    response = client.get(reverse("tracking:cooperation-list"), {"region": "<x>", "year": "abc"})
    assert response.status_code == 200 and title in response.content.decode()
