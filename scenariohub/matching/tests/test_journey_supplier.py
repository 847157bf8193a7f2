"""The supplier's journey of issue 4 in headless Chromium: a supplier subscribes to a sector and a keyword,
the office publishes a new scenario, the digest job tells the supplier, the scenario is recommended on the
supplier's matching workspace, the supplier applies, and the owner shortlists the application and schedules
a talk. Screenshots in test-artifacts/supplier-journey/."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from scenariohub.core.tests.browser import log_in, log_out, shot
from scenariohub.matching.models import Application, ApplicationStatus, Frequency, Subscription, Talk
from scenariohub.matching.tests.factories import SolutionFactory, SupplierProfileFactory
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "光伏电站组件热斑智能巡检"


def test_supplier_subscribes_is_told_sees_recommendation_applies_and_gets_a_talk(
    reference_data, new_page, provider, office, supplier
):
    SupplierProfileFactory(
        organisation=supplier.organisation, introduction="专注光伏电站无人机巡检与热斑识别。"
    )
    SolutionFactory(
        supplier=supplier.organisation,
        title="光伏组件热斑红外识别系统",
        sector_id="manufacturing",
        description="无人机红外成像识别光伏组件热斑、隐裂，自动生成巡检报告。",
        fields=["machine-vision"],
    )
    # Someone else's older scenario that matches nothing of the supplier's: it must not be the one told.
    ScenarioFactory(
        owner=provider.organisation,
        status=Status.PUBLISHED,
        title="社区养老服务智能排班",
        sector_id="manufacturing",
        field_id="machine-vision",
    )
    scenario = ScenarioFactory(
        owner=provider.organisation,
        status=Status.APPROVED,
        title=TITLE,
        sector_id="manufacturing",
        field_id="machine-vision",
        purpose="利用无人机红外巡检光伏组件，识别热斑和隐裂。",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )

    # 1. The supplier subscribes to the sector with the keyword 光伏, told at once.
    page = new_page()
    log_in(page, supplier)
    page.goto("/matching/subscriptions/new/")
    page.get_by_label("名称").fill("光伏巡检")
    page.get_by_label("人工智能+先进制造").check()
    page.get_by_label("关键词").fill("光伏")
    page.get_by_label("推送频率").select_option(Frequency.IMMEDIATE)
    shot(page, "supplier-journey/01-subscription")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/matching/subscriptions/**")
    subscription = Subscription.objects.get(user=supplier.user)
    assert subscription.keywords == "光伏" and subscription.frequency == Frequency.IMMEDIATE
    assert list(subscription.sectors.values_list("pk", flat=True)) == ["manufacturing"]
    log_out(page)

    # 2. The office publishes the new scenario from its review queue.
    log_in(page, office)
    page.goto("/workspace/review/")
    page.locator("tr", has_text=TITLE).get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    scenario.refresh_from_db()
    assert scenario.status == Status.PUBLISHED
    log_out(page)

    # 3. The digest job (cron, every few minutes) tells the supplier, in the notification centre and by mail.
    mail.outbox.clear()
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [[supplier.user.email]]
    assert TITLE in mail.outbox[0].body and "社区养老服务智能排班" not in mail.outbox[0].body
    log_in(page, supplier)
    page.goto("/matching/notifications/")
    assert TITLE in page.locator("main").inner_text()
    shot(page, "supplier-journey/02-notified")

    # 4. The scenario is recommended on the supplier's matching workspace, with its reasons; the supplier applies.
    page.goto("/matching/")
    recommendations = page.locator("main li", has_text=TITLE)
    assert recommendations.count() == 1
    assert "匹配您的方案：光伏组件热斑红外识别系统" in recommendations.inner_text()  # the reason is shown
    text = page.locator("main").inner_text()
    assert text.index(TITLE) < text.index("社区养老服务智能排班")  # the matching need ranks first
    shot(page, "supplier-journey/03-recommended")
    recommendations.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="我要申报").click()
    page.get_by_label("方案说明").fill("采用无人机红外巡检与边缘识别，一个月内完成20兆瓦电站试点。")
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url("**/matching/applications/*/")
    assert "申报已提交" in page.content()
    application = Application.objects.get(scenario=scenario)
    scenario.refresh_from_db()
    assert scenario.status == Status.MATCHING  # the first application starts matching

    # 5. The owner shortlists the application and schedules a talk with the supplier.
    owner = new_page()
    log_in(owner, provider)
    owner.goto(f"/matching/scenarios/{scenario.pk}/applications/")
    owner.get_by_role("link", name=supplier.organisation.name).click()
    owner.get_by_role("button", name="入围", exact=True).click()
    owner.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SHORTLISTED
    owner.get_by_role("link", name="安排对接洽谈").click()
    when = timezone.localtime() + dt.timedelta(days=3)
    owner.get_by_label("时间").fill(when.strftime("%Y-%m-%dT10:00"))
    owner.get_by_label("地点").fill("成都市高新区天府软件园A区")
    shot(owner, "supplier-journey/04-talk-form")
    owner.get_by_role("button", name="安排", exact=True).click()
    owner.wait_for_url("**/matching/talks/*/")
    talk = Talk.objects.get(application=application)
    assert talk.place == "成都市高新区天府软件园A区"
    assert timezone.localtime(talk.scheduled_at).date() == when.date()
    shot(owner, "supplier-journey/05-talk-scheduled")

    # The supplier is told of the talk.
    page.goto("/matching/notifications/")
    told = page.locator("main li", has_text="成都市高新区天府软件园A区")
    assert told.count() == 1 and TITLE in told.inner_text()
    assert page.console_errors == [] and owner.console_errors == []
