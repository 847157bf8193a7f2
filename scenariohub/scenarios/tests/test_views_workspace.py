"""Workspace, create and edit forms, attachments: through HTTP, checking the database after each call."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scenariohub.accounts.tests.factories import UserFactory
from scenariohub.conftest import client_for
from scenariohub.core.models import AuditLog
from scenariohub.core.tests.files import TINY_PNG
from scenariohub.scenarios.models import Scenario, ScenarioAttachment, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("scenarios:workspace")
CREATE = reverse("scenarios:create")
PNG = TINY_PNG  # a real PNG: uploads are read by libmagic too


def form_data(**overrides):
    data = {
        "title": "钢铁板材表面缺陷在线检测",
        "region": "510100",
        "sector": "manufacturing",
        "field": "machine-vision",
        "kind": "industrial",
        "purpose": "热轧产线板材表面缺陷依赖人工抽检，漏检率高，需要在线自动检测与分级。",
        "tech_requirements": "检出率≥98%，误报率≤2%，支持国产化服务器本地部署。",
        "cooperation_mode": "pilot",
        "cooperation_note": "",
        "budget_min": "100",
        "budget_max": "300",
        "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "contact_name": "李娜",
        "contact_phone": "13912345678",
        "contact_email": "lina@example.cn",
    }
    data.update(overrides)
    return data


def edit_data(scenario, **overrides):
    return form_data(**{"version": str(scenario.version), **overrides})


# --------------------------------------------------------------------------------------------- workspace


def test_workspace_lists_my_scenarios_by_state(provider, other_provider):
    draft = ScenarioFactory(owner=provider.organisation, title="我的草稿")
    ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED, title="我的待审")
    ScenarioFactory(owner=other_provider.organisation, title="别人的草稿")
    client = client_for(provider)
    html = client.get(WORKSPACE).content.decode()
    assert "我的草稿" in html and "我的待审" in html and "别人的草稿" not in html
    assert reverse("scenarios:edit", args=[draft.pk]) in html and CREATE in html
    drafts_only = client.get(WORKSPACE, {"status": "draft"}).content.decode()
    assert "我的草稿" in drafts_only and "我的待审" not in drafts_only
    assert client.get(WORKSPACE, {"status": "bogus"}).status_code == 200


def test_workspace_of_supplier_has_no_new_button(supplier):
    html = client_for(supplier).get(WORKSPACE).content.decode()
    assert CREATE not in html


def test_workspace_of_user_without_membership_says_so():
    client = Client()
    client.force_login(UserFactory())
    html = client.get(WORKSPACE).content.decode()
    assert "尚未加入任何单位" in html


def test_workspace_requires_login(anon_client):
    response = anon_client.get(WORKSPACE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_workspace_refuses_post(provider):
    assert client_for(provider).post(WORKSPACE).status_code == 405


# ------------------------------------------------------------------------------------------------ create


def test_create_saves_a_draft_and_redirects_to_edit(provider):
    response = client_for(provider).post(CREATE, form_data())
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:edit", args=[scenario.pk])
    assert scenario.status == Status.DRAFT and scenario.owner_id == provider.organisation_id
    assert scenario.field_id == "machine-vision" and scenario.budget_max == 300
    assert AuditLog.objects.filter(action="scenario.create", object_id=str(scenario.pk)).exists()


def test_create_form_renders_in_chinese(provider):
    html = client_for(provider).get(CREATE).content.decode()
    assert "新建场景" in html and "标题" in html and "申报截止日期" in html
    assert 'name="version"' not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "这个字段是必填项。"),
        ({"purpose": ""}, "purpose", "这个字段是必填项。"),
        ({"region": "999999"}, "region", "选择一个有效的选项"),
        ({"sector": "space"}, "sector", "选择一个有效的选项"),
        ({"kind": "military"}, "kind", "选择一个有效的选项"),
        ({"budget_min": "abc"}, "budget_min", "输入整数。"),
        ({"contact_email": "not-an-email"}, "contact_email", "有效的 Email 地址"),
        ({"deadline": "2025-13-45"}, "deadline", "输入一个有效的日期。"),
        ({"field": "forest-fire"}, "field", "选择一个有效的选项"),  # a field of another sector
        # Passes the form, refused by the service: its message lands on the field.
        ({"budget_min": "500", "budget_max": "100"}, "budget_max", "预算上限不能低于预算下限。"),
    ],
)
def test_create_with_bad_input_shows_field_errors_and_writes_nothing(provider, overrides, field, message):
    response = client_for(provider).post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and any(message in e for e in form.errors[field])
    assert message in response.content.decode()
    assert not Scenario.objects.exists()
    assert not AuditLog.objects.changes().exists()


def test_create_keeps_what_was_typed_after_an_error(provider):
    html = client_for(provider).post(CREATE, form_data(title="", purpose="保留我写的内容")).content.decode()
    assert "保留我写的内容" in html


def test_city_creates_scenarios_of_its_own_region_only(chengdu_city):
    client_for(chengdu_city).post(CREATE, form_data(region="510700"))
    assert Scenario.objects.get().region_id == "510100"


def test_supplier_may_not_create(supplier):
    client = client_for(supplier)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Scenario.objects.exists()


def test_create_requires_login(anon_client):
    response = anon_client.post(CREATE, form_data())
    assert response.status_code == 302 and not Scenario.objects.exists()


def test_create_refuses_other_methods(provider):
    assert client_for(provider).put(CREATE).status_code == 405


# -------------------------------------------------------------------------------------------------- edit


def test_edit_saves_and_bumps_the_version(provider):
    s = ScenarioFactory(owner=provider.organisation)
    url = reverse("scenarios:edit", args=[s.pk])
    response = client_for(provider).post(url, edit_data(s, title="改过的名称"))
    assert response.status_code == 302 and response["Location"] == url
    s.refresh_from_db()
    assert s.title == "改过的名称" and s.version == 2


def test_edit_page_has_hidden_version_and_attachment_form(provider):
    s = ScenarioFactory(owner=provider.organisation)
    html = client_for(provider).get(reverse("scenarios:edit", args=[s.pk])).content.decode()
    assert f'type="hidden" name="version" value="{s.version}"' in html
    assert 'enctype="multipart/form-data"' in html and "提交审核" in html


def test_stale_version_is_refused_with_a_reload_message_and_keeps_the_input(provider):
    s = ScenarioFactory(owner=provider.organisation, title="原来的名称")
    url = reverse("scenarios:edit", args=[s.pk])
    mine, theirs = client_for(provider), client_for(provider)
    stale = edit_data(s, title="我的修改")
    assert theirs.post(url, edit_data(s, title="同事的修改")).status_code == 302
    response = mine.post(url, stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "已有其他人保存了该场景" in html and "重新加载最新版本" in html
    assert 'value="我的修改"' in html  # the typed input is still there
    s.refresh_from_db()
    assert s.title == "同事的修改" and s.version == 2


def test_another_providers_draft_is_404_and_untouched(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation, title="原来的名称")
    url = reverse("scenarios:edit", args=[s.pk])
    client = client_for(other_provider)
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(s, title="被篡改")).status_code == 404
    s.refresh_from_db()
    assert s.title == "原来的名称"


def test_another_providers_published_scenario_is_403(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    assert client_for(other_provider).post(reverse("scenarios:edit", args=[s.pk]), edit_data(s)).status_code == 403


def test_edit_of_a_submitted_scenario_redirects_to_its_page(provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED, title="已提交")
    response = client_for(provider).post(reverse("scenarios:edit", args=[s.pk]), edit_data(s, title="改不了"))
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:detail", args=[s.pk])
    s.refresh_from_db()
    assert s.title == "已提交"


def test_edit_with_bad_input_writes_nothing(provider):
    s = ScenarioFactory(owner=provider.organisation, title="原来的名称")
    response = client_for(provider).post(reverse("scenarios:edit", args=[s.pk]),
                                         edit_data(s, title="", version="abc"))
    assert response.status_code == 200
    assert {"title", "version"} <= set(response.context["form"].errors)
    s.refresh_from_db()
    assert s.title == "原来的名称" and s.version == 1


def test_edit_requires_login(anon_client, provider):
    s = ScenarioFactory(owner=provider.organisation)
    assert anon_client.post(reverse("scenarios:edit", args=[s.pk]), edit_data(s)).status_code == 302


# ------------------------------------------------------------------------------------------- attachments


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, scenario, name, content, content_type="application/octet-stream"):
    return client.post(reverse("scenarios:attachment-upload", args=[scenario.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type=content_type)})


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("需求说明.pdf", b"%PDF-1.7\n...", "pdf"),
    ("现场照片.png", PNG, "png"),
    ("方案.docx", docx_bytes(), "docx"),
])
def test_upload_accepts_allowed_files(provider, name, content, kind):
    s = ScenarioFactory(owner=provider.organisation)
    response = upload(client_for(provider), s, name, content)
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:edit", args=[s.pk])
    attachment = ScenarioAttachment.objects.get()
    assert attachment.original_name == name and attachment.kind == kind and attachment.size == len(content)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("伪装.pdf", PNG, "扩展名与其实际内容"),  # a PNG named .pdf
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60, "不是允许的文件类型"),  # an .exe renamed .pdf
    ("空文件.pdf", b"", "空文件"),
])
def test_upload_refuses_disguised_or_empty_files(provider, name, content, message):
    s = ScenarioFactory(owner=provider.organisation)
    client = client_for(provider)
    response = upload(client, s, name, content)
    assert response.status_code == 302
    assert not ScenarioAttachment.objects.exists()
    assert message in client.get(response["Location"]).content.decode()


def test_upload_refuses_oversized_files(provider, settings):
    settings.SCENARIOHUB_UPLOAD_MAX_BYTES = 1024 * 1024
    s = ScenarioFactory(owner=provider.organisation)
    client = client_for(provider)
    response = upload(client, s, "大文件.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert not ScenarioAttachment.objects.exists()
    assert "超过 1 MB" in client.get(response["Location"]).content.decode()


def test_upload_without_file_writes_nothing(provider):
    s = ScenarioFactory(owner=provider.organisation)
    response = client_for(provider).post(reverse("scenarios:attachment-upload", args=[s.pk]), {})
    assert response.status_code == 302 and not ScenarioAttachment.objects.exists()


def test_upload_to_another_providers_draft_is_404(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation)
    assert upload(client_for(other_provider), s, "a.pdf", b"%PDF-1.7").status_code == 404
    assert not ScenarioAttachment.objects.exists()


def test_upload_to_a_submitted_scenario_is_refused(provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    upload(client_for(provider), s, "a.pdf", b"%PDF-1.7")
    assert not ScenarioAttachment.objects.exists()


def test_upload_refuses_get_and_anonymous(anon_client, provider):
    s = ScenarioFactory(owner=provider.organisation)
    assert client_for(provider).get(reverse("scenarios:attachment-upload", args=[s.pk])).status_code == 405
    assert upload(anon_client, s, "a.pdf", b"%PDF-1.7").status_code == 302
    assert not ScenarioAttachment.objects.exists()


def make_attachment(scenario):
    attachment = ScenarioAttachment(scenario=scenario, original_name="旧方案.pdf", kind="pdf", size=8)
    attachment.file.save("x", ContentFile(b"%PDF-1.7"), save=False)
    attachment.save()
    return attachment


def test_delete_attachment(provider):
    s = ScenarioFactory(owner=provider.organisation)
    a = make_attachment(s)
    response = client_for(provider).post(reverse("scenarios:attachment-delete", args=[s.pk, a.pk]))
    assert response.status_code == 302 and not ScenarioAttachment.objects.exists()
    assert AuditLog.objects.filter(action="scenario.attachment_delete").exists()


def test_delete_attachment_of_another_provider_is_404(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation)
    a = make_attachment(s)
    assert client_for(other_provider).post(reverse("scenarios:attachment-delete", args=[s.pk, a.pk])).status_code == 404
    assert ScenarioAttachment.objects.exists()


def test_delete_attachment_of_a_published_scenario_is_403_for_others(provider, other_provider):
    s = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    a = make_attachment(s)
    assert client_for(other_provider).post(reverse("scenarios:attachment-delete", args=[s.pk, a.pk])).status_code == 403
    assert ScenarioAttachment.objects.exists()


def test_delete_attachment_refuses_get(provider):
    s = ScenarioFactory(owner=provider.organisation)
    a = make_attachment(s)
    assert client_for(provider).get(reverse("scenarios:attachment-delete", args=[s.pk, a.pk])).status_code == 405
    assert ScenarioAttachment.objects.exists()
