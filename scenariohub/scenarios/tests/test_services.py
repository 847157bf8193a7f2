import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from scenariohub.core.models import AuditLog
from scenariohub.core.tests.files import TINY_PNG
from scenariohub.scenarios import services
from scenariohub.scenarios.models import Scenario, ScenarioAttachment, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory


def valid_data(**overrides):
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
        "budget_min": 100,
        "budget_max": 300,
        "deadline": timezone.localdate() + dt.timedelta(days=30),
        "contact_name": "李娜",
        "contact_phone": "13912345678",
        "contact_email": "lina@example.cn",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_create_draft_writes_scenario_and_audit(provider):
    scenario = services.scenario_create(actor=as_actor(provider), data=valid_data())
    assert scenario.status == Status.DRAFT and scenario.owner_id == provider.organisation_id
    assert AuditLog.objects.filter(action="scenario.create", object_id=str(scenario.pk)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "bad_field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"purpose": ""}, "purpose"),
        ({"region": "999999"}, "region"),
        ({"sector": "space"}, "sector"),
        ({"field": "forest-fire"}, "field"),  # exists, but not in manufacturing
        ({"kind": "military"}, "kind"),
        ({"cooperation_mode": "gift"}, "cooperation_mode"),
        ({"budget_min": 500, "budget_max": 100}, "budget_max"),
        ({"budget_max": 100_001}, "budget_max"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(provider, overrides, bad_field):
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_create(actor=as_actor(provider), data=valid_data(**overrides))
    assert bad_field in exc.value.details
    assert not Scenario.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_suppliers_cannot_open_scenarios(supplier):
    with pytest.raises(PermissionDenied):
        services.scenario_create(actor=as_actor(supplier), data=valid_data())


@pytest.mark.django_db
def test_city_scenarios_stay_in_the_city_region(mianyang_city):
    scenario = services.scenario_create(actor=as_actor(mianyang_city), data=valid_data(region="510100"))
    assert scenario.region_id == "510700"


@pytest.mark.django_db
def test_update_with_stale_version_is_refused(provider):
    scenario = services.scenario_create(actor=as_actor(provider), data=valid_data())
    services.scenario_update(actor=as_actor(provider), scenario_id=scenario.pk, version=1, data={"title": "第一位编辑"})
    with pytest.raises(StaleVersion):
        services.scenario_update(actor=as_actor(provider), scenario_id=scenario.pk, version=1, data={"title": "第二位编辑"})
    scenario.refresh_from_db()
    assert (scenario.title, scenario.version) == ("第一位编辑", 2)


@pytest.mark.django_db
def test_only_drafts_are_editable_and_only_by_the_owner(provider, other_provider):
    draft = ScenarioFactory(owner=provider.organisation)
    with pytest.raises(NotFound):  # another provider's draft is invisible
        services.scenario_update(actor=as_actor(other_provider), scenario_id=draft.pk, version=1, data={"title": "x"})
    submitted = ScenarioFactory(owner=provider.organisation, status=Status.SUBMITTED)
    with pytest.raises(InvalidTransition):
        services.scenario_update(actor=as_actor(provider), scenario_id=submitted.pk, version=1, data={"title": "x"})
    with pytest.raises(PermissionDenied):
        services.scenario_update(actor=as_actor(other_provider), scenario_id=submitted.pk, version=1, data={"title": "x"})


PNG_BYTES = TINY_PNG  # a real PNG: uploads are read by libmagic too
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("方案.pdf", PNG_BYTES, "file_type_mismatch"),  # a PNG dressed as a PDF
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "file_type_not_allowed"),  # an executable
        ("空.pdf", b"", "empty_file"),
        ("notes.txt", b"hello", "file_type_not_allowed"),
    ],
)
def test_disguised_or_bad_uploads_are_rejected(provider, name, content, code):
    scenario = ScenarioFactory(owner=provider.organisation)
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_attachment_add(
            actor=as_actor(provider), scenario_id=scenario.pk, uploaded=SimpleUploadedFile(name, content)
        )
    assert exc.value.code == code
    assert not ScenarioAttachment.objects.exists()


@pytest.mark.django_db
def test_oversized_upload_is_rejected(provider, settings):
    settings.SCENARIOHUB_UPLOAD_MAX_BYTES = 1024
    scenario = ScenarioFactory(owner=provider.organisation)
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_attachment_add(
            actor=as_actor(provider), scenario_id=scenario.pk,
            uploaded=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048),
        )
    assert exc.value.code == "file_too_large"


@pytest.mark.django_db
def test_pdf_upload_is_stored_under_a_random_name(provider):
    scenario = ScenarioFactory(owner=provider.organisation)
    attachment = services.scenario_attachment_add(
        actor=as_actor(provider), scenario_id=scenario.pk, uploaded=SimpleUploadedFile("../../etc/方案.pdf", PDF_BYTES)
    )
    assert attachment.kind == "pdf"
    assert ".." not in attachment.file.name and "方案" not in attachment.file.name
    assert attachment.file.read() == PDF_BYTES
