"""Personal data shown to whom: masked for the public and other organisations, in full for the owner, the
city of the region and the office; on pages, in the API and in exports; full exports need a permission
and leave an audit record."""

import csv
import io

import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.core.models import AuditLog
from scenariohub.core.personal import mask_email, mask_phone, sees_personal_data
from scenariohub.matching.tests.factories import SupplierProfileFactory
from scenariohub.plans import services as plan_services
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "13811111111", "wang@example.com"
MASKED_PHONE, MASKED_EMAIL = "138****1111", "w***@example.com"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13811111111", "138****1111"), ("028-86123456", "028****3456"), ("+86 13900001234", "+86****1234"),
     ("1234567", "1***7"), ("12", "***"), ("", ""), (None, "")],
)  # fmt: skip
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("wang@example.com", "w***@example.com"), ("a@b.cn", "a***@b.cn"), ("x.y+z@政府.中国", "x***@政府.中国"),
     ("noatsign", "n***"), ("", "")],
)  # fmt: skip
def test_mask_email(value, masked):
    assert mask_email(value) == masked


def test_the_rule(provider, other_provider, chengdu_city, mianyang_city, office, department, supplier):
    owner, region = provider.organisation_id, "510100"
    allowed = {m.user.username for m in (provider, other_provider, chengdu_city, mianyang_city, office,
                                         department, supplier)
               if sees_personal_data(as_actor(m), owner_id=owner, region_id=region)}  # fmt: skip
    assert allowed == {"provider", "chengdu", "office"}
    assert not sees_personal_data(None, owner_id=owner, region_id=region)


@pytest.fixture
def scenario(provider):
    return ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, contact_phone=PHONE,
                           contact_email=EMAIL)  # fmt: skip


def _shows(content: bytes, *, full: bool) -> None:
    text = content.decode()
    if full:
        assert PHONE in text and EMAIL in text and MASKED_PHONE not in text
    else:
        assert PHONE not in text and EMAIL not in text
        assert MASKED_PHONE in text and MASKED_EMAIL in text


@pytest.mark.parametrize(
    ("who", "full"),
    [("anon", False), ("other_provider", False), ("mianyang_city", False), ("supplier", False),
     ("provider", True), ("chengdu_city", True), ("office", True)],
)  # fmt: skip
def test_scenario_page_and_api(request, scenario, anon_client, who, full):
    client = anon_client if who == "anon" else client_for(request.getfixturevalue(who))
    page = client.get(reverse("scenarios:detail", args=[scenario.pk]))
    assert page.status_code == 200
    _shows(page.content, full=full)
    api = client.get(f"/api/v1/scenarios/{scenario.pk}")
    assert api.status_code == 200
    body = api.json()
    assert (body["contact_phone"], body["contact_email"]) == (
        (PHONE, EMAIL) if full else (MASKED_PHONE, MASKED_EMAIL)
    )


def test_a_provincial_departments_contact_is_not_shown_to_the_city(department, chengdu_city):
    scenario = ScenarioFactory(owner=department.organisation, status=Status.PUBLISHED, region_id="510100",
                               contact_phone=PHONE, contact_email=EMAIL)  # fmt: skip
    _shows(client_for(chengdu_city).get(reverse("scenarios:detail", args=[scenario.pk])).content, full=False)
    _shows(client_for(department).get(reverse("scenarios:detail", args=[scenario.pk])).content, full=True)


@pytest.mark.parametrize(
    ("who", "full"),
    [("anon", False), ("provider", False), ("mianyang_city", False), ("supplier", True), ("chengdu_city", True),
     ("office", True)],
)  # fmt: skip
def test_supplier_page_and_api(request, supplier, anon_client, who, full):
    SupplierProfileFactory(organisation=supplier.organisation, contact_phone=PHONE, contact_email=EMAIL)
    client = anon_client if who == "anon" else client_for(request.getfixturevalue(who))
    page = client.get(reverse("matching:supplier-detail", args=[supplier.organisation_id]))
    assert page.status_code == 200
    _shows(page.content, full=full)
    body = client.get(f"/api/v1/suppliers/{supplier.organisation_id}").json()
    assert (body["contact_phone"], body["contact_email"]) == (
        (PHONE, EMAIL) if full else (MASKED_PHONE, MASKED_EMAIL)
    )


# ------------------------------------------------------------------------------------------ exports


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _phones(rows: list[dict]) -> set[str]:
    return {value for row in rows for key, value in row.items() if "电话" in (key or "")}


@pytest.fixture
def two_cities(provider, other_provider):
    ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, contact_phone=PHONE)
    ScenarioFactory(owner=other_provider.organisation, status=Status.PUBLISHED, contact_phone="13922222222")


def test_catalogue_export_masks_other_organisations_contacts(two_cities, provider, other_provider):
    rows = _csv(client_for(provider).get(reverse("exchange:export-csv")))
    assert _phones(rows) == {PHONE, "139****2222"}  # its own in full, the other organisation's masked
    assert not AuditLog.objects.filter(action="personal_data.export").exists()


def test_full_export_needs_the_permission(two_cities, provider, anon_client):
    for client in (client_for(provider), anon_client):
        assert client.get(reverse("exchange:export-csv"), {"personal": "1"}).status_code == 403
        assert client.get(reverse("exchange:export-xlsx"), {"personal": "1"}).status_code == 403
    assert not AuditLog.objects.filter(action="personal_data.export").exists()


def test_city_full_export_has_its_region_in_full_and_is_audited(two_cities, chengdu_city):
    client = client_for(chengdu_city)
    assert _phones(_csv(client.get(reverse("exchange:export-csv")))) == {MASKED_PHONE, "139****2222"}
    rows = _csv(client.get(reverse("exchange:export-csv"), {"personal": "1", "status": "published"}))
    assert _phones(rows) == {PHONE, "139****2222"}  # Mianyang's stays masked even with the permission
    record = AuditLog.objects.get(action="personal_data.export")
    assert record.actor_id == chengdu_city.user_id and record.organisation_id == chengdu_city.organisation_id
    assert record.object_type == "scenarios.scenario" and record.data["format"] == "csv"
    assert record.data["rows"] == 2 and "personal=1" in record.data["query"]


def test_office_full_xlsx_export_is_audited(two_cities, office):
    import openpyxl

    response = client_for(office).get(reverse("exchange:export-xlsx"), {"personal": "1"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = {str(c) for row in ws.iter_rows(values_only=True) for c in row if c}
    assert {PHONE, "13922222222"} <= values
    assert AuditLog.objects.filter(action="personal_data.export", data__format="xlsx").count() == 1


def test_plan_export_masks_out_of_scope_phones_and_audits_full_ones(office, provider, other_provider, chengdu_city,
                                                                   anon_client):  # fmt: skip
    ScenarioFactory(
        owner=provider.organisation, status=Status.PUBLISHED, published_year=2026, contact_phone=PHONE
    )
    ScenarioFactory(owner=other_provider.organisation, status=Status.PUBLISHED, published_year=2026,
                    contact_phone="13922222222")  # fmt: skip
    plan_services.plan_compile(actor=as_actor(office), year=2026)
    plan_services.plan_confirm(actor=as_actor(office), year=2026)
    url = reverse("plans:plan-export", args=[2026, "csv"]) + "?version=1"  # the confirmed list, for everyone

    def phones(client):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
        return {r[12] for r in rows[1:]}

    assert phones(anon_client) == {MASKED_PHONE, "139****2222"}
    assert not AuditLog.objects.filter(action="personal_data.export").exists()
    assert phones(client_for(chengdu_city)) == {PHONE, "139****2222"}
    record = AuditLog.objects.get(action="personal_data.export")
    assert record.object_type == "plans.annualplan" and record.data["rows"] == 1
    assert phones(client_for(office)) == {PHONE, "13922222222"}
    assert AuditLog.objects.filter(action="personal_data.export").count() == 2
