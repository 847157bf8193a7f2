"""API v1 for news: the public list and items, and the office's writes (JSON; the cover as multipart)."""

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound, ValidationFailed
from scenariohub.publicity import selectors, services
from scenariohub.publicity.schemas import NewsIn, NewsListOut, NewsListParams, NewsOut, NewsPatchIn
from scenariohub.reference import selectors as ref

router = Router(tags=["news"])
MAX_DB_ID = 2**63 - 1


def _id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("News item not found."))
    return value


@router.get(
    "/news",
    response={200: NewsListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="news-list",
    operation_id="news_list",
    summary="List news",
    description="Published news, newest first; the office also gets its drafts. Filter by `region`.",
)
def news_list(request, params: Query[NewsListParams]):
    qs = selectors.news_list_for_actor(actor=api_actor(request))
    if params.region:
        if params.region not in ref.region_names():
            raise ValidationFailed(
                _("Some filters are not valid."),
                code="bad_filter",
                details={"region": [_("Unknown code: %(code)s") % {"code": params.region[:40]}]},
            )
        qs = qs.filter(region_id=params.region)
    return paginate(qs, params)


@router.get(
    "/news/{id}",
    response={200: NewsOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="news-detail",
    operation_id="news_get",
    summary="Get one news item",
    description="A published item; drafts answer 404 except to the office.",
)
def news_get(request, id: int):
    return selectors.news_get_for_actor(actor=api_actor(request), pk=_id(id))


@router.post(
    "/news",
    response={201: NewsOut, **error_responses(401, 403, 422)},
    auth=WRITE_AUTH,
    url_name="news-create",
    operation_id="news_create",
    summary="Write a news item",
    description="The office only. The body is sanitised (scripts, event handlers, styles removed).",
)
def news_create(request, payload: NewsIn):
    item = services.news_create(actor=api_actor(request), data=payload.model_dump())
    return Status(201, item)


@router.patch(
    "/news/{id}",
    response={200: NewsOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="news-update",
    operation_id="news_update",
    summary="Change a news item",
    description="The office only; the fields sent change. `published: true` publishes it.",
)
def news_update(request, id: int, payload: NewsPatchIn):
    actor = api_actor(request)
    selectors.news_get_for_actor(actor=actor, pk=_id(id), write=True)
    data = payload.model_dump(exclude_unset=True)
    return services.news_update(actor=actor, news_id=id, data=data)


@router.post(
    "/news/{id}/cover",
    response={200: NewsOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="news-cover-upload",
    operation_id="news_cover_upload",
    summary="Set the cover image",
    description="Multipart field `file`: a PNG or JPEG (checked by content), at most 5 MB.",
)
def news_cover_upload(request, id: int, file: File[UploadedFile]):
    actor = api_actor(request)
    selectors.news_get_for_actor(actor=actor, pk=_id(id), write=True)
    return services.news_update(actor=actor, news_id=id, data={}, cover=file)
