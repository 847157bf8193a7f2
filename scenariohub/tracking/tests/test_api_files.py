"""Files through the tracking API: the signed agreement and progress-report attachments uploaded as
multipart, checked like the page's uploads, and downloaded by whoever may see the cooperation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from scenariohub.conftest import as_actor
from scenariohub.core.models import AuditLog
from scenariohub.core.tests.files import TINY_PNG
from scenariohub.matching.tests.conftest import token_client
from scenariohub.matching.tests.factories import PDF_BYTES
from scenariohub.tracking import services
from scenariohub.tracking.models import CooperationAttachment, ReportSource
from scenariohub.tracking.tests.conftest import agree, apply_and_shortlist

pytestmark = pytest.mark.django_db

API = "/api/v1"


def pdf(name="合同.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(client, path, *files):
    return client.post(f"{API}{path}", {"attachments": list(files)})


def report_of(provider, cooperation, **extra):
    return services.progress_report_create(
        actor=as_actor(provider),
        cooperation_id=cooperation.pk,
        data={"percent_complete": 40, "text": "完成数据采集与标注。", **extra},
    )


def test_owner_uploads_the_agreement_and_the_parties_download_it(provider, supplier, chengdu_city, agreed):
    client = token_client(provider)
    png = SimpleUploadedFile("签字页.png", TINY_PNG, content_type="image/png")
    response = upload(client, f"/cooperations/{agreed.pk}/attachments", pdf(), png)
    assert response.status_code == 201, response.content
    body = response.json()
    rows = list(CooperationAttachment.objects.filter(cooperation=agreed).order_by("pk"))
    assert [(r.original_name, r.kind, r.report_id) for r in rows] == [("合同.pdf", "pdf", None), ("签字页.png", "png", None)]
    assert body["count"] == 2 and [i["name"] for i in body["items"]] == ["合同.pdf", "签字页.png"]
    record = AuditLog.objects.changes().get(action="cooperation.attachments_add")
    assert record.object_id == str(agreed.pk) and record.data["attachments"] == [r.pk for r in rows]
    assert record.organisation_id == provider.organisation_id

    detail = client.get(f"{API}/cooperations/{agreed.pk}").json()
    assert [a["name"] for a in detail["attachments"]] == ["合同.pdf", "签字页.png"]
    url = detail["attachments"][0]["url"]
    assert url == f"{API}/cooperations/{agreed.pk}/attachments/{rows[0].pk}"
    for who in (provider, supplier, chengdu_city):  # owner, lead supplier, city of the region
        got = token_client(who).get(url)
        assert got.status_code == 200, who
        assert b"".join(got.streaming_content) == PDF_BYTES
        assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Disposition"].startswith("attachment;")


def test_report_attachments_are_added_and_listed_with_the_report(provider, implementing):
    report = report_of(provider, implementing)
    client = token_client(provider)
    response = upload(client, f"/cooperations/{implementing.pk}/reports/{report.pk}/attachments", pdf("周报.pdf"))
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["周报.pdf"]
    attachment = CooperationAttachment.objects.get(report=report)
    assert attachment.cooperation_id == implementing.pk
    listed = client.get(f"{API}/cooperations/{implementing.pk}/reports").json()["items"][0]["attachments"]
    assert listed[0]["url"] == f"{API}/cooperations/{implementing.pk}/attachments/{attachment.pk}"
    # The agreement's files are not the report's.
    assert client.get(f"{API}/cooperations/{implementing.pk}").json()["attachments"] == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("合同.pdf", b"<html><body>not a pdf</body></html>", "file_type_not_allowed"),
        ("合同.png", PDF_BYTES, "file_type_mismatch"),
        ("合同.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "file_content_mismatch"),  # libmagic disagrees
        ("合同.pdf", b"", "empty_file"),
    ],
)
def test_bad_files_are_422_and_nothing_is_stored(provider, agreed, name, content, code):
    response = upload(token_client(provider), f"/cooperations/{agreed.pk}/attachments", pdf(), pdf(name, content))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code and body["details"]["attachments"]
    assert not CooperationAttachment.objects.exists()  # the good file went back with the bad one
    assert not AuditLog.objects.changes().filter(action="cooperation.attachments_add").exists()


@override_settings(SCENARIOHUB_UPLOAD_MAX_BYTES=len(PDF_BYTES) - 1)
def test_a_file_over_the_limit_is_422(provider, agreed):
    response = upload(token_client(provider), f"/cooperations/{agreed.pk}/attachments", pdf())
    assert response.status_code == 422 and response.json()["code"] == "file_too_large"
    assert not CooperationAttachment.objects.exists()


def test_no_file_and_too_many_files_are_422(provider, agreed):
    client = token_client(provider)
    response = client.post(f"{API}/cooperations/{agreed.pk}/attachments", {})
    assert response.status_code == 422 and response.json()["code"] == "no_file"
    response = upload(client, f"/cooperations/{agreed.pk}/attachments", *[pdf(f"{i}.pdf") for i in range(11)])
    assert response.status_code == 422 and "attachments" in response.json()["details"]
    assert not CooperationAttachment.objects.exists()


def test_who_may_upload(provider, supplier, chengdu_city, mianyang_city, office, anon_client, agreed):
    path = f"/cooperations/{agreed.pk}/attachments"
    assert upload(anon_client, path, pdf()).status_code == 401
    for who in (supplier, chengdu_city, office):  # they see it, they do not own it
        response = upload(token_client(who), path, pdf())
        assert response.status_code == 403 and response.json()["code"], who
    assert upload(token_client(mianyang_city), path, pdf()).status_code == 404
    assert upload(token_client(provider), "/cooperations/999999/attachments", pdf()).status_code == 404
    assert not CooperationAttachment.objects.exists()


def test_a_report_of_the_city_or_of_another_cooperation_is_not_the_owners_to_change(
    provider, chengdu_city, implementing
):
    by_city = services.progress_report_create(
        actor=as_actor(chengdu_city),
        cooperation_id=implementing.pk,
        data={"percent_complete": 50, "text": "台账填报。"},
        via_sheet=True,
    )
    assert by_city.source == ReportSource.SHEET
    client = token_client(provider)
    response = upload(client, f"/cooperations/{implementing.pk}/reports/{by_city.pk}/attachments", pdf())
    assert response.status_code == 403
    response = upload(client, f"/cooperations/{implementing.pk}/reports/999999/attachments", pdf())
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not CooperationAttachment.objects.exists()


def test_no_upload_once_piloted(provider, piloted):
    response = upload(token_client(provider), f"/cooperations/{piloted.pk}/attachments", pdf())
    assert response.status_code == 409
    assert not CooperationAttachment.objects.exists()


def test_download_is_refused_to_who_cannot_see_the_cooperation(
    provider, supplier, mianyang_city, other_provider, outsider_supplier, anon_client, agreed
):
    services.cooperation_attachments_add(actor=as_actor(provider), cooperation_id=agreed.pk, files=[pdf()])
    attachment = CooperationAttachment.objects.get()
    url = f"{API}/cooperations/{agreed.pk}/attachments/{attachment.pk}"
    assert anon_client.get(url).status_code == 401
    for who in (mianyang_city, other_provider, outsider_supplier):
        response = token_client(who).get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", who
    # Another cooperation's id in the path does not reach this file, even for its owner.
    second = agree(provider, apply_and_shortlist(provider, supplier, title="仓储机器人调度"))
    other = token_client(provider).get(f"{API}/cooperations/{second.pk}/attachments/{attachment.pk}")
    assert other.status_code == 404
    assert token_client(provider).get(f"{API}/cooperations/{agreed.pk}/attachments/0").status_code == 404


def test_session_upload_needs_the_csrf_token(provider, agreed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.user)
    response = upload(client, f"/cooperations/{agreed.pk}/attachments", pdf())
    assert response.status_code in (401, 403)
    assert not CooperationAttachment.objects.exists()
