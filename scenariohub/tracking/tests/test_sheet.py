"""The city's tracking sheet through HTTP: download pre-filled, fill in, upload, preview, apply; a sheet
with any error writes nothing; a wrong file is refused; only cities keep it."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from scenariohub.conftest import as_actor, client_for
from scenariohub.matching.tests.factories import pdf
from scenariohub.tracking import services
from scenariohub.tracking.models import Milestone, MilestoneStatus, ProgressReport, ReportSource, SheetUpload
from scenariohub.tracking.tests.conftest import agree, apply_and_shortlist

pytestmark = pytest.mark.django_db

PROGRESS, MILESTONES = "合作进度", "里程碑"


@pytest.fixture
def region_plan(provider, other_provider, supplier, implementing):
    """Two Chengdu cooperations (one with two milestones) and one in Mianyang the sheet must not show."""
    actor = as_actor(provider)
    first = services.milestone_add(
        actor=actor, cooperation_id=implementing.pk, data={"title": "数据采集", "planned_on": "2026-04-30"}
    )
    second = services.milestone_add(
        actor=actor, cooperation_id=implementing.pk, data={"title": "上线部署", "planned_on": "2026-06-30"}
    )
    another = agree(provider, apply_and_shortlist(provider, supplier, title="仓储物流智能调度"))
    elsewhere = agree(other_provider, apply_and_shortlist(other_provider, supplier, title="光伏板缺陷识别"))
    return {"coop": implementing, "another": another, "elsewhere": elsewhere, "m1": first, "m2": second}


def download(client):
    response = client.get(reverse("tracking:sheet-download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def as_upload(wb, name="进度跟踪表.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def rows_by_id(ws):
    return {row[0].value: row for row in ws.iter_rows(min_row=2)}


def test_download_holds_the_region_s_cooperations_and_open_milestones(chengdu_city, region_plan):
    wb = download(client_for(chengdu_city))
    assert wb.sheetnames == [PROGRESS, MILESTONES]
    progress = rows_by_id(wb[PROGRESS])
    assert set(progress) == {region_plan["coop"].pk, region_plan["another"].pk}
    assert [c.value for c in wb[PROGRESS][1]][:2] == ["合作编号", "场景"]
    assert set(rows_by_id(wb[MILESTONES])) == {region_plan["m1"].pk, region_plan["m2"].pk}


def test_good_sheet_previews_then_applies_everything(chengdu_city, provider, region_plan):
    client = client_for(chengdu_city)
    wb = download(client)
    row = rows_by_id(wb[PROGRESS])[region_plan["coop"].pk]
    row[5].value, row[6].value, row[7].value = 55, "2026-05-20", "数据采集完成，进入模型训练。"
    row = rows_by_id(wb[PROGRESS])[region_plan["another"].pk]
    row[5].value, row[7].value = "20%", "需求调研完成"
    rows_by_id(wb[MILESTONES])[region_plan["m1"].pk][5].value = dt.datetime(2026, 4, 28)

    response = client.post(reverse("tracking:sheet-upload"), {"file": as_upload(wb)})
    upload = SheetUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "tracking:sheet-preview", args=[upload.pk]
    )
    assert upload.problems == [] and len(upload.changes) == 3
    assert not ProgressReport.objects.exists()  # the preview writes nothing
    page = client.get(response["Location"]).content.decode()
    assert "数据采集完成，进入模型训练。" in page and "保存全部更改" in page

    response = client.post(reverse("tracking:sheet-apply", args=[upload.pk]))
    assert response.status_code == 302
    reports = {r.cooperation_id: r for r in ProgressReport.objects.all()}
    assert reports[region_plan["coop"].pk].percent_complete == 55
    assert reports[region_plan["coop"].pk].reported_on == dt.date(2026, 5, 20)
    assert reports[region_plan["another"].pk].percent_complete == 20
    assert {r.source for r in reports.values()} == {ReportSource.SHEET}
    assert {r.author_id for r in reports.values()} == {chengdu_city.user_id}
    m1 = Milestone.objects.get(pk=region_plan["m1"].pk)
    assert (m1.status, m1.done_on) == (MilestoneStatus.DONE, dt.date(2026, 4, 28))
    # Applying twice does not write twice.
    client.post(reverse("tracking:sheet-apply", args=[upload.pk]))
    assert ProgressReport.objects.count() == 2


def test_a_sheet_with_errors_writes_nothing_and_says_where(chengdu_city, region_plan):
    client = client_for(chengdu_city)
    wb = download(client)
    progress = rows_by_id(wb[PROGRESS])
    good = progress[region_plan["coop"].pk]
    good[5].value, good[7].value = 40, "正常推进"
    bad = progress[region_plan["another"].pk]
    bad[5].value, bad[7].value = 150, '=HYPERLINK("x")'
    wb[PROGRESS].append([region_plan["elsewhere"].pk, "", "", "", "", 10, "", "外市的合作"])
    rows_by_id(wb[MILESTONES])[region_plan["m2"].pk][5].value = "2099-01-01"

    client.post(reverse("tracking:sheet-upload"), {"file": as_upload(wb)})
    upload = SheetUpload.objects.get()
    codes = sorted((p["params"]["sheet"], p["row"], p["column"], p["code"]) for p in upload.problems)
    assert codes == [
        ("milestones", 3, "done_on", "future_date"),
        ("progress", 3, "note", "formula"),
        ("progress", 3, "percent", "percent_range"),
        ("progress", 4, "cooperation", "unknown_cooperation"),
    ]
    page = client.get(reverse("tracking:sheet-preview", args=[upload.pk])).content.decode()
    assert "工作表“合作进度”第 3 行" in page or "工作表“合作进度”第3行" in page
    assert "保存全部更改" not in page
    response = client.post(reverse("tracking:sheet-apply", args=[upload.pk]))
    assert response.status_code == 302
    assert not ProgressReport.objects.exists()
    assert SheetUpload.objects.get().applied_at is None
    assert not Milestone.objects.filter(status=MilestoneStatus.DONE).exists()


def test_a_change_refused_at_confirmation_rolls_back_the_whole_sheet(chengdu_city, provider, region_plan):
    client = client_for(chengdu_city)
    wb = download(client)
    progress = rows_by_id(wb[PROGRESS])
    for key in ("coop", "another"):
        row = progress[region_plan[key].pk]
        row[5].value, row[7].value = 30, "推进中"
    client.post(reverse("tracking:sheet-upload"), {"file": as_upload(wb)})
    upload = SheetUpload.objects.get()
    assert upload.problems == []
    # Between preview and confirmation the second cooperation is terminated.
    services.cooperation_terminate(
        actor=as_actor(chengdu_city), cooperation_id=region_plan["another"].pk, reason="供应方退出"
    )
    client.post(reverse("tracking:sheet-apply", args=[upload.pk]))
    assert not ProgressReport.objects.exists()
    upload.refresh_from_db()
    assert upload.applied_at is None and upload.problems[0]["code"] == "rejected"


@pytest.mark.parametrize(
    "file",
    [
        lambda: pdf("进度跟踪表.xlsx"),
        lambda: SimpleUploadedFile("进度跟踪表.xlsx", b"not a workbook at all"),
        lambda: pdf("进度跟踪表.pdf"),
    ],
)
def test_wrong_files_are_refused(chengdu_city, region_plan, file):
    response = client_for(chengdu_city).post(reverse("tracking:sheet-upload"), {"file": file()})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not SheetUpload.objects.exists()


def test_an_xlsx_that_is_not_the_tracking_sheet(chengdu_city, region_plan):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["标题", "内容"])
    client_for(chengdu_city).post(reverse("tracking:sheet-upload"), {"file": as_upload(wb)})
    codes = [p["code"] for p in SheetUpload.objects.get().problems]
    assert codes == ["missing_sheet", "missing_sheet"]


def test_only_cities_keep_the_sheet(provider, office, supplier, anon_client, chengdu_city, region_plan):
    for persona in (provider, office, supplier):
        client = client_for(persona)
        assert client.get(reverse("tracking:sheet-download")).status_code == 403
        assert client.post(reverse("tracking:sheet-upload"), {"file": pdf()}).status_code == 403
    response = anon_client.get(reverse("tracking:sheet-download"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_city_cannot_see_or_apply_an_upload(chengdu_city, mianyang_city, region_plan):
    client = client_for(chengdu_city)
    wb = download(client)
    row = rows_by_id(wb[PROGRESS])[region_plan["coop"].pk]
    row[5].value, row[7].value = 30, "推进中"
    client.post(reverse("tracking:sheet-upload"), {"file": as_upload(wb)})
    upload = SheetUpload.objects.get()
    other = client_for(mianyang_city)
    assert other.get(reverse("tracking:sheet-preview", args=[upload.pk])).status_code == 404
    assert other.post(reverse("tracking:sheet-apply", args=[upload.pk])).status_code == 404
    assert not ProgressReport.objects.exists()
