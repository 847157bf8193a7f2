"""Exports of catalogue lists (.xlsx, CSV), formula safety, the data dictionary, and the round trip."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.exchange import services
from scenariohub.exchange.columns import COLUMNS, headers
from scenariohub.exchange.tests.helpers import upload
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.services import EDITABLE_FIELDS
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rows_of_xlsx(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    keys = [c.key for c in COLUMNS]
    return [dict(zip(keys, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def catalogue(provider, other_provider):
    public = ScenarioFactory(
        owner=other_provider.organisation,
        status=Status.PUBLISHED,
        title='=HYPERLINK("x")',
        region_id="510700",
        contact_phone="+86 13900000000",
    )
    gov = ScenarioFactory(
        owner=other_provider.organisation, status=Status.PUBLISHED, kind="government", region_id="510100"
    )
    draft = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)
    hidden = ScenarioFactory(owner=other_provider.organisation, status=Status.DRAFT)
    return public, gov, draft, hidden


def test_xlsx_follows_the_catalogue_filters_and_visibility(anon_client, provider, catalogue):
    public, gov, draft, hidden = catalogue
    rows = rows_of_xlsx(body(anon_client.get(reverse("exchange:export-xlsx"))))
    assert sorted(r["id"] for r in rows) == sorted([public.pk, gov.pk])
    assert all(
        r["contact_name"] is None and r["contact_phone"] is None for r in rows
    )  # personal data left out
    filtered = rows_of_xlsx(body(anon_client.get(reverse("exchange:export-xlsx"), {"kind": "government"})))
    assert [r["id"] for r in filtered] == [gov.pk]
    mine = rows_of_xlsx(body(client_for(provider).get(reverse("exchange:export-xlsx"), {"status": "draft"})))
    assert [r["id"] for r in mine] == [draft.pk]
    assert (
        rows_of_xlsx(body(anon_client.get(reverse("exchange:export-xlsx"), {"region": "510700"})))[0]["id"]
        == public.pk
    )


def test_formula_injection_is_defused(anon_client, catalogue):
    public = catalogue[0]
    row = next(
        r
        for r in rows_of_xlsx(body(anon_client.get(reverse("exchange:export-xlsx"))))
        if r["id"] == public.pk
    )
    assert row["title"] == '\'=HYPERLINK("x")'
    text = body(anon_client.get(reverse("exchange:export-csv"))).decode("utf-8")
    assert "'=HYPERLINK" in text


def test_csv_is_utf8_with_bom_and_same_columns(anon_client, catalogue):
    response = anon_client.get(reverse("exchange:export-csv"), {"region": "510100"})
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == headers()
    assert [int(r[0]) for r in rows[1:]] == [catalogue[1].pk]
    assert rows[1][2] == "510100" and rows[1][3] == "成都市"


def test_the_xlsx_documents_every_column(anon_client):
    book = openpyxl.load_workbook(io.BytesIO(body(anon_client.get(reverse("exchange:export-xlsx")))))
    assert len(book.worksheets) == 2
    documented = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert documented == [c.key for c in COLUMNS]
    assert all(row[4] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True))


def test_export_then_import_round_trips_field_for_field(provider, django_capture_on_commit_callbacks):
    originals = [
        ScenarioFactory(
            owner=provider.organisation,
            title="-减号开头的标题",
            region_id="510700",
            sector_id="emergency",
            field_id="forest-fire",
            kind="government",
            cooperation_mode="open_call",
            cooperation_note="@某单位 联合",
            budget_min=None,
            budget_max=None,
            deadline=None,
            contact_phone="+86 028-12345678",
            contact_email="",
            purpose="第一行\n第二行",
        ),
        ScenarioFactory(
            owner=provider.organisation,
            title="普通标题",
            budget_min=0,
            budget_max=100_000,
            deadline=dt.date(2031, 12, 31),
            contact_phone="02887654321",
            cooperation_note="",
        ),
    ]
    client = client_for(provider)
    content = body(client.get(reverse("exchange:export-xlsx"), {"status": "draft"}))
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_upload(actor=as_actor(provider), uploaded=upload(content))
    batch.refresh_from_db()
    assert batch.problems == [], batch.problems
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm(actor=as_actor(provider), batch_id=batch.pk)
    imported = {s.title: s for s in Scenario.objects.exclude(pk__in=[o.pk for o in originals])}
    assert len(imported) == 2

    def values(s):
        return {
            n: getattr(s, f"{n}_id" if n in ("region", "sector", "field") else n) for n in EDITABLE_FIELDS
        }

    for original in originals:
        assert values(imported[original.title]) == values(original)


def test_open_data_page_lists_the_dictionary(anon_client):
    response = anon_client.get(reverse("exchange:open-data"))
    assert response.status_code == 200
    html = response.content.decode()
    for column in COLUMNS:
        assert f"<code>{column.key}</code>" in html
    assert reverse("exchange:export-csv") in html and reverse("exchange:export-xlsx") in html
