"""News: the office writes, everyone reads what is published; the body is sanitised before it is stored."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.publicity import services
from scenariohub.publicity.models import NewsItem

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">成都发布首批标杆案例</p><script>alert(1)</script>'
    '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">链接</a><a href="https://sc.gov.cn/">官网</a>'
)


def png_upload(name="cover.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_news(office, **overrides) -> NewsItem:
    data = {
        "title": "全省人工智能场景发布会在成都举行",
        "summary": "首批 30 个场景集中发布。",
        "body": "<p>会上发布了首批场景。</p>",
        "region": "510100",
        "published": True,
        **overrides,
    }
    return services.news_create(actor=as_actor(office), data=data)


def test_body_is_sanitised_on_save_scripts_and_handlers_removed(office):
    item = make_news(office, body=HOSTILE)
    stored = NewsItem.objects.get(pk=item.pk).body
    assert "<script" not in stored and "alert(1)" not in stored
    assert "onerror" not in stored and "onclick" not in stored and "<img" not in stored
    assert "javascript:" not in stored
    assert "成都发布首批标杆案例" in stored and 'href="https://sc.gov.cn/"' in stored
    assert AuditLog.objects.filter(action="news.create", object_id=str(item.pk)).exists()


def test_only_the_office_writes(chengdu_city, provider):
    for who in (chengdu_city, provider):
        with pytest.raises(PermissionDenied):
            services.news_create(actor=as_actor(who), data={"title": "t", "summary": "s", "body": "<p>b</p>"})
    assert not NewsItem.objects.exists()


def test_a_body_that_is_only_markup_is_refused(office):
    with pytest.raises(ValidationFailed) as exc:
        services.news_create(
            actor=as_actor(office),
            data={"title": "标题", "summary": "摘要", "body": "<script>x()</script>", "region": "999999"},
        )
    assert set(exc.value.details) == {"body", "region"}


def test_first_publication_time_is_kept(office):
    item = make_news(office, published=False)
    assert item.published_at is None
    item = services.news_update(actor=as_actor(office), news_id=item.pk, data={"published": True})
    first = item.published_at
    services.news_update(actor=as_actor(office), news_id=item.pk, data={"published": False})
    item = services.news_update(actor=as_actor(office), news_id=item.pk, data={"published": True})
    assert item.published_at == first
    assert AuditLog.objects.filter(action="news.publish", object_id=str(item.pk)).count() == 2


def test_public_list_and_detail_with_share_metadata(office, anon_client):
    item = make_news(office, body=HOSTILE)
    draft = make_news(office, title="尚未发布的稿件", published=False)
    response = anon_client.get(reverse("publicity:news-list"))
    assert response.status_code == 200
    assert item.title in response.content.decode() and draft.title not in response.content.decode()
    page = anon_client.get(reverse("publicity:news-detail", args=[item.pk])).content.decode()
    assert f"<title>{item.title} ·" in page
    assert f'<meta property="og:title" content="{item.title}">' in page
    assert '<meta property="og:description" content="首批 30 个场景集中发布。">' in page
    assert f'<meta property="og:url" content="http://testserver/news/{item.pk}/">' in page
    assert '<meta property="og:image" content="http://testserver/static/publicity/share-card.png">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert "<script>alert(1)" not in page and "onerror" not in page
    assert anon_client.get(reverse("publicity:news-detail", args=[draft.pk])).status_code == 404


def test_office_editor_saves_sanitised_body_and_checked_cover(office):
    client = client_for(office)
    response = client.post(
        reverse("publicity:news-create"),
        {
            "title": "标杆案例推介会",
            "summary": "推介成效显著。",
            "body": HOSTILE,
            "region": "",
            "published": "on",
            "cover": png_upload(),
        },
    )
    item = NewsItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "publicity:news-detail", args=[item.pk]
    )
    assert "<script" not in item.body and item.cover_kind == "png" and item.region_id is None
    page = client.get(reverse("publicity:news-detail", args=[item.pk])).content.decode()
    assert f'<meta property="og:image" content="http://testserver/news/{item.pk}/cover/">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    cover = client.get(reverse("publicity:news-cover", args=[item.pk]))
    assert cover.status_code == 200 and cover["Content-Type"] == "image/png"
    assert b"".join(cover.streaming_content).startswith(b"\x89PNG")


def test_editor_refuses_a_cover_that_is_not_an_image(office):
    client = client_for(office)
    fake = SimpleUploadedFile("cover.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(
        reverse("publicity:news-create"),
        {"title": "标题", "summary": "摘要", "body": "<p>正文</p>", "region": "", "cover": fake},
    )
    assert response.status_code == 200
    assert "不是允许的文件类型" in response.content.decode() or "pdf" in response.content.decode()
    assert not NewsItem.objects.exists()


def test_editor_pages_are_for_the_office(chengdu_city, anon_client, office):
    item = make_news(office)
    assert anon_client.get(reverse("publicity:news-create")).status_code == 302  # to the login page
    city = client_for(chengdu_city)
    assert city.get(reverse("publicity:news-create")).status_code == 403
    assert city.post(reverse("publicity:news-edit", args=[item.pk]), {"title": "改"}).status_code == 403
    assert city.get(reverse("publicity:news-manage")).status_code == 403
    assert NewsItem.objects.get(pk=item.pk).title == "全省人工智能场景发布会在成都举行"


# ---------------------------------------------------------------------------------------------- API


def test_api_create_sanitises_and_checks_permissions(office, chengdu_city, anon_client):
    body = {"title": "新闻", "summary": "摘要", "body": HOSTILE, "region": "510700", "published": True}
    response = client_for(office).post("/api/v1/news", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert "<script" not in data["body"] and data["region_name"] == "绵阳市" and data["published_at"]
    forbidden = client_for(chengdu_city).post(
        "/api/v1/news", json.dumps(body), content_type="application/json"
    )
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    assert (
        anon_client.post("/api/v1/news", json.dumps(body), content_type="application/json").status_code == 401
    )
    bad = client_for(office).post(
        "/api/v1/news", json.dumps({**body, "title": ""}), content_type="application/json"
    )
    assert bad.status_code == 422 and "title" in bad.json()["details"]
    assert NewsItem.objects.count() == 1


def test_api_list_detail_and_patch(office, chengdu_city, anon_client):
    item = make_news(office)
    draft = make_news(office, title="草稿", published=False)
    listed = anon_client.get("/api/v1/news").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == item.pk
    assert client_for(office).get("/api/v1/news").json()["count"] == 2
    assert anon_client.get(f"/api/v1/news/{draft.pk}").status_code == 404
    assert anon_client.get("/api/v1/news?region=xx").status_code == 422
    patched = client_for(office).patch(
        f"/api/v1/news/{draft.pk}", json.dumps({"published": True}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["published"] is True
    denied = client_for(chengdu_city).patch(
        f"/api/v1/news/{item.pk}", json.dumps({"title": "改"}), content_type="application/json"
    )
    assert denied.status_code == 403
    assert (
        client_for(chengdu_city)
        .patch(f"/api/v1/news/{draft.pk + 100}", "{}", content_type="application/json")
        .status_code
        == 404
    )
    assert NewsItem.objects.get(pk=item.pk).title != "改"


def test_api_cover_upload_is_checked_by_content(office):
    item = make_news(office)
    client = client_for(office)
    bad = client.post(
        f"/api/v1/news/{item.pk}/cover",
        {"file": SimpleUploadedFile("x.jpg", b"GIF89a....", content_type="image/jpeg")},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "file_type_not_allowed"
    good = client.post(f"/api/v1/news/{item.pk}/cover", {"file": png_upload()})
    assert good.status_code == 200 and good.json()["cover_url"] == f"/news/{item.pk}/cover/"


def test_news_list_queries_do_not_grow_with_items(office, anon_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_news(office)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert anon_client.get(reverse("publicity:news-list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    make_news(office, region="510700")
    make_news(office, region=None)
    assert count() == one <= 4
