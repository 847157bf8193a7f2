"""Case pages through HTTP: showcase filters, case page (share tags, print stylesheet), PDF with the Chinese
text in it, nomination and decision forms, photos checked by content; 404/403 per object."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from scenariohub.cases import services
from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CasePhoto, CaseStatus
from scenariohub.cases.tests.helpers import WRITEUP, piloted_cooperation, png
from scenariohub.conftest import CHENGDU, as_actor, client_for
from scenariohub.scenarios.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(chengdu_city, cooperation, quota):
    return services.case_nominate(actor=as_actor(chengdu_city), cooperation_id=cooperation.pk, data=WRITEUP)


@pytest.fixture
def designated(case, office):
    return services.case_designate(actor=as_actor(office), case_id=case.pk)


def form_data(**overrides):
    data = {k: v for k, v in WRITEUP.items() if k != "figures"}
    data["figures"] = "漏检率：下降 80%\n质检效率: 提升 35%"
    return {**data, **overrides}


def test_showcase_lists_designated_cases_only_with_filters(
    anon_client, designated, provider, supplier, chengdu_city
):
    pending = services.case_nominate(
        actor=as_actor(chengdu_city),
        cooperation_id=piloted_cooperation(provider, supplier).pk,
        data={**WRITEUP, "title": "尚在评审的案例"},
    )
    page = anon_client.get(reverse("cases:showcase")).content.decode()
    assert designated.title in page and pending.title not in page
    assert "<title>标杆案例展示 ·" in page and 'property="og:title"' in page
    year = timezone.localdate().year
    assert (
        designated.title
        in anon_client.get(
            reverse("cases:showcase"), {"year": year, "region": CHENGDU, "sector": "manufacturing"}
        ).content.decode()
    )
    for params in ({"year": year - 1}, {"region": "510700"}, {"sector": "emergency"}):
        assert designated.title not in anon_client.get(reverse("cases:showcase"), params).content.decode()
    assert anon_client.get(reverse("cases:showcase"), {"year": "abc", "region": "zz"}).status_code == 200


def test_public_case_page_has_share_tags_and_a_print_stylesheet(anon_client, designated):
    page = anon_client.get(reverse("cases:case-detail", args=[designated.pk])).content.decode()
    assert f"<title>{designated.title} ·" in page
    assert f'<meta property="og:title" content="{designated.title}">' in page
    assert f'<meta property="og:url" content="http://testserver/cases/{designated.pk}/">' in page
    assert 'property="og:description" content="良品率提升，质检人力减少一半。"' in page
    assert 'property="og:image" content="http://testserver/static/publicity/share-card.png"' in page
    assert 'name="twitter:card"' in page
    assert 'href="/static/cases/print.css" media="print"' in page
    assert "下降 80%" in page and "98.5" in page  # key figures and the pilot's measured results


def test_pdf_contains_the_case_in_chinese(anon_client, designated):
    response = anon_client.get(reverse("cases:case-pdf", args=[designated.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert designated.title in text
    assert "背景" in text and "漏检率" in text and "良品率" in text
    assert reader.metadata.title == designated.title


def test_nominated_case_is_seen_only_by_those_involved(
    case, anon_client, mianyang_city, stranger, office, provider, supplier, chengdu_city
):
    url = reverse("cases:case-detail", args=[case.pk])
    for client in (anon_client, client_for(mianyang_city), client_for(stranger)):
        assert client.get(url).status_code == 404
        assert client.get(reverse("cases:case-pdf", args=[case.pk])).status_code == 404
    for who in (office, provider, supplier, chengdu_city):
        assert client_for(who).get(url).status_code == 200


def test_city_nominates_through_the_form(chengdu_city, cooperation, quota):
    client = client_for(chengdu_city)
    url = reverse("cases:case-nominate", args=[cooperation.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, form_data(video_url="ftp://example.cn/x"))
    assert bad.status_code == 200 and not BenchmarkCase.objects.exists()
    assert "https://" in bad.content.decode()
    response = client.post(url, form_data())
    case = BenchmarkCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case-detail", args=[case.pk]
    )
    assert [(f.label, f.value) for f in case.figures.all()] == [
        ("漏检率", "下降 80%"),
        ("质检效率", "提升 35%"),
    ]
    assert client.get(reverse("cases:case-review")).status_code == 200


def test_nomination_page_answers_404_or_403_to_others(cooperation, quota, mianyang_city, office, anon_client):
    url = reverse("cases:case-nominate", args=[cooperation.pk])
    assert client_for(mianyang_city).post(url, form_data()).status_code == 404
    assert client_for(office).post(url, form_data()).status_code == 403
    assert anon_client.post(url, form_data()).status_code == 302  # to the login page
    assert not BenchmarkCase.objects.exists()


def test_quota_exhausted_is_said_on_the_form(chengdu_city, cooperation, office):
    BenchmarkQuota.objects.create(year=timezone.localdate().year, region_id=CHENGDU, number=0)
    response = client_for(chengdu_city).post(
        reverse("cases:case-nominate", args=[cooperation.pk]), form_data()
    )
    assert response.status_code == 200 and "已用完" in response.content.decode()
    assert not BenchmarkCase.objects.exists()


def test_office_designates_through_the_page_and_the_showcase_shows_it(
    case, office, chengdu_city, anon_client
):
    url = reverse("cases:case-decide", args=[case.pk])
    assert client_for(chengdu_city).post(url, {"decision": "designate"}).status_code == 403
    assert anon_client.post(url, {"decision": "designate"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOMINATED
    response = client_for(office).post(url, {"decision": "designate", "reason": "成效显著"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DESIGNATED
    assert case.cooperation.scenario.status == Status.BENCHMARK
    assert case.title in anon_client.get(reverse("cases:showcase")).content.decode()


def test_office_declines_with_a_reason_only(case, office):
    client = client_for(office)
    url = reverse("cases:case-decide", args=[case.pk])
    client.post(url, {"decision": "decline", "reason": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.NOMINATED
    client.post(url, {"decision": "decline", "reason": "示范性不足"})
    case.refresh_from_db()
    assert case.status == CaseStatus.DECLINED and case.decision_reason == "示范性不足"


def test_photos_are_checked_by_content_and_served_to_who_may_see(case, chengdu_city, anon_client, office):
    client = client_for(chengdu_city)
    upload = reverse("cases:case-photo-upload", args=[case.pk])
    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    client.post(upload, {"file": fake})
    assert not CasePhoto.objects.exists()
    client.post(upload, {"file": png(), "caption": "产线现场"})
    photo = CasePhoto.objects.get()
    assert photo.kind == "png" and photo.caption == "产线现场"
    photo_url = reverse("cases:case-photo", args=[case.pk, photo.pk])
    assert anon_client.get(photo_url).status_code == 404  # not designated yet
    assert client_for(office).post(upload, {"file": png()}).status_code == 403
    services.case_designate(actor=as_actor(office), case_id=case.pk)
    served = anon_client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    page = anon_client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert f'property="og:image" content="http://testserver{photo_url}"' in page
    pdf = anon_client.get(reverse("cases:case-pdf", args=[case.pk]))
    assert b"/Subtype /Image" in pdf.content


def test_quota_page_is_the_office_s(office, chengdu_city):
    year = timezone.localdate().year
    url = reverse("cases:quota-list")
    assert client_for(chengdu_city).get(url).status_code == 403
    client = client_for(office)
    assert client.get(url, {"year": year}).status_code == 200
    response = client.post(url, {"year": year, f"quota-{CHENGDU}": "3", "quota-510700": "x"})
    assert response.status_code == 302
    assert BenchmarkQuota.objects.get(year=year, region_id=CHENGDU).number == 3
    assert not BenchmarkQuota.objects.filter(region_id="510700").exists()


def test_review_page_is_for_cities_and_the_office(provider, chengdu_city, cooperation, quota):
    assert client_for(provider).get(reverse("cases:case-review")).status_code == 403
    page = client_for(chengdu_city).get(reverse("cases:case-review")).content.decode()
    assert reverse("cases:case-nominate", args=[cooperation.pk]) in page


def test_city_edits_the_writeup_and_removes_a_photo_while_nominated(case, chengdu_city, provider, office):
    client = client_for(chengdu_city)
    edit = reverse("cases:case-edit", args=[case.pk])
    assert client.get(edit).status_code == 200
    assert client_for(provider).get(edit).status_code == 403
    response = client.post(edit, form_data(results="良品率提升至 98.5%。", figures="良品率：98.5%"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.results == "良品率提升至 98.5%。" and [f.label for f in case.figures.all()] == ["良品率"]
    services.case_photo_add(actor=as_actor(chengdu_city), case_id=case.pk, uploaded=png())
    photo = CasePhoto.objects.get()
    delete = reverse("cases:case-photo-delete", args=[case.pk, photo.pk])
    assert client_for(provider).post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert not CasePhoto.objects.exists()
    services.case_designate(actor=as_actor(office), case_id=case.pk)
    assert client.post(edit, form_data(title="改")).status_code == 200  # refused with a message, not saved
    case.refresh_from_db()
    assert case.title == WRITEUP["title"]
