"""Browser journey: from a shortlisted application to an accepted pilot — the owner records the agreement,
starts the work, plans a milestone and reports progress; the city follows up with a risk and updates
progress in bulk through its tracking sheet; the owner records the pilot's results.
Screenshots in test-artifacts/tracking/."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from scenariohub.core.tests.browser import log_in, shot
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.tracking.models import Cooperation, CooperationStatus, FollowUp, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agreement_progress_and_pilot(
    reference_data, new_page, provider, chengdu_city, shortlisted, tmp_path
):
    today = timezone.localdate().isoformat()
    owner = new_page()
    log_in(owner, provider)
    owner.goto(f"/matching/applications/{shortlisted.pk}/")
    owner.get_by_role("link", name="登记合作协议").click()
    owner.get_by_label("签约日期").fill(today)
    owner.get_by_label("合同金额（元）").fill("1250000")
    owner.get_by_label("合作期限（月）").fill("12")
    owner.get_by_label("合作内容").fill("产线外观缺陷检测系统的研发、部署与试运行。")
    shot(owner, "tracking/01-agreement-form")
    owner.get_by_role("button", name="登记协议").click()
    owner.wait_for_url("**/tracking/*/")
    assert "合作协议已登记" in owner.content()
    cooperation = Cooperation.objects.get()
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.AGREED

    owner.get_by_role("button", name="启动实施").click()
    owner.wait_for_load_state()
    owner.locator("#id_title").fill("完成数据采集与标注")
    owner.get_by_label("计划日期").fill(today)
    owner.locator(f"form[action='/tracking/{cooperation.pk}/milestones/'] button").click()
    owner.wait_for_load_state()
    owner.get_by_role("link", name="填报进展").click()
    owner.get_by_label("完成进度（%）").fill("40")
    owner.get_by_label("进展情况").fill("数据采集完成，模型训练中。")
    owner.get_by_role("button", name="保存报告").click()
    owner.wait_for_url(f"**/tracking/{cooperation.pk}/")
    assert "数据采集完成，模型训练中。" in owner.content()
    shot(owner, "tracking/02-implementing")
    assert ProgressReport.objects.get().percent_complete == 40

    city = new_page()
    log_in(city, chengdu_city)
    city.goto("/tracking/")
    city.get_by_role("link", name=shortlisted.scenario.title).click()
    city.get_by_label("跟踪意见").fill("算力资源紧张，请关注进度。")
    city.get_by_label("风险等级").select_option("medium")
    city.locator(f"form[action='/tracking/{cooperation.pk}/followups/'] button").click()
    city.wait_for_load_state()
    assert "风险未解除" in city.content()
    shot(city, "tracking/03-city-follow-up")
    assert FollowUp.objects.get().risk_level == "medium"

    # The city updates progress in bulk: download its sheet, fill it in, upload, check, save.
    city.goto("/tracking/")
    with city.expect_download() as download:
        city.get_by_role("link", name="下载跟踪表（.xlsx）").first.click()
    downloaded = tmp_path / "下载的跟踪表.xlsx"
    download.value.save_as(downloaded)
    workbook = load_workbook(downloaded)
    row = next(r for r in workbook["合作进度"].iter_rows(min_row=2) if r[0].value == cooperation.pk)
    row[5].value, row[7].value = 60, "模型训练完成，进入产线联调。"
    sheet = tmp_path / "进度跟踪表.xlsx"
    workbook.save(sheet)
    city.goto("/tracking/sheet/upload/")
    city.get_by_label("跟踪表（.xlsx）").set_input_files(str(sheet))
    city.get_by_role("button", name="检查跟踪表").click()
    city.wait_for_url("**/tracking/sheet/*/")
    assert "模型训练完成，进入产线联调。" in city.content()
    shot(city, "tracking/04-sheet-preview")
    city.get_by_role("button", name="保存全部更改").click()
    city.wait_for_url("**/tracking/")
    assert ProgressReport.objects.filter(percent_complete=60, source="sheet").count() == 1

    owner.goto(f"/tracking/{cooperation.pk}/pilot/")
    owner.get_by_label("验收日期").fill(today)
    owner.get_by_label("验收报告").fill("试点验收通过，指标全部达到合同要求。")
    owner.locator("[name=metric_0_name]").fill("缺陷检出率")
    owner.locator("[name=metric_0_before]").fill("92")
    owner.locator("[name=metric_0_after]").fill("99.2")
    owner.locator("[name=metric_0_unit]").fill("%")
    shot(owner, "tracking/05-pilot-form")
    owner.get_by_role("button", name="登记验收").click()
    owner.wait_for_url(f"**/tracking/{cooperation.pk}/")
    assert "试点成效" in owner.content() and "99.2" in owner.content()
    shot(owner, "tracking/06-piloted")
    assert Cooperation.objects.get().status == CooperationStatus.PILOTED
    assert Scenario.objects.get(pk=shortlisted.scenario_id).status == Status.PILOTED
    assert owner.console_errors == [] and city.console_errors == []
