"""API v1 for the promotion catalogue and adoptions: the same services and access helper as the pages."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.matching.schemas import PageParams
from scenariohub.promotion import selectors, services
from scenariohub.promotion.schemas import (
    AdoptionIn,
    AdoptionListOut,
    AdoptionOut,
    ProductDetailOut,
    ProductIn,
    ProductListOut,
    ProductListParams,
    ProductPatchIn,
)
from scenariohub.reference import selectors as ref

router = Router(tags=["promotion"])
MAX_DB_ID = 2**63 - 1


def _id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Product not found."))
    return value


def _detail(actor, pk: int):
    product = selectors.product_get_for_actor(actor=actor, pk=pk)
    product.reach = selectors.product_reach(product=product)
    return product


@router.get(
    "/promoted-products",
    response={200: ProductListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="product-list",
    operation_id="product_list",
    summary="List the promotion catalogue",
    description="Listed products (the office also sees unlisted ones) with adoption, unit and region "
    "counts. Filters `q`, `sector`, `flag`; an unknown sector answers 422 `bad_filter`.",
)
def product_list(request, params: Query[ProductListParams]):
    if params.sector and params.sector not in ref.sector_names():
        raise ValidationFailed(
            _("Some filters are not valid."),
            code="bad_filter",
            details={"sector": [_("Unknown code: %(code)s") % {"code": params.sector[:40]}]},
        )
    qs = selectors.product_list_for_actor(
        actor=api_actor(request),
        q=(params.q or "").strip(),
        sector=params.sector or "",
        flag=params.flag or "",
    )
    return paginate(qs.prefetch_related("evidence_cooperations", "evidence_cases"), params)


@router.get(
    "/promoted-products/{id}",
    response={200: ProductDetailOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="product-detail",
    operation_id="product_get",
    summary="Get one product",
    description="With its reach: adoptions in aggregate by region, year and month.",
)
def product_get(request, id: int):
    return _detail(api_actor(request), _id(id))


@router.post(
    "/promoted-products",
    response={201: ProductDetailOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="product-create",
    operation_id="product_create",
    summary="Enter a product",
    description="The office only. Each cooperation must prove the solution (its supplier's, piloted or "
    "benchmark); policy flags need a designated benchmark case among them (422 otherwise); 409 "
    "`already_listed` for a solution already in the catalogue.",
)
def product_create(request, payload: ProductIn):
    actor = api_actor(request)
    data = payload.model_dump(exclude={"solution_id"})
    product = services.product_create(actor=actor, solution_id=payload.solution_id, data=data)
    return Status(201, _detail(actor, product.pk))


@router.patch(
    "/promoted-products/{id}",
    response={200: ProductDetailOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="product-update",
    operation_id="product_update",
    summary="Change a product",
    description="The office only; the fields sent change, with the same evidence rules.",
)
def product_update(request, id: int, payload: ProductPatchIn):
    actor = api_actor(request)
    selectors.product_get_for_actor(actor=actor, pk=_id(id), write=True)
    services.product_update(actor=actor, product_id=id, data=payload.model_dump(exclude_unset=True))
    return _detail(actor, id)


@router.get(
    "/adoptions",
    response={200: AdoptionListOut, **error_responses(401, 422)},
    auth=WRITE_AUTH,
    url_name="adoption-list",
    operation_id="adoption_list",
    summary="List adoptions",
    description="The rows behind the public aggregate: the office sees all, a unit its own.",
)
def adoption_list(request, params: Query[PageParams]):
    return paginate(selectors.adoption_list_for_actor(actor=api_actor(request)), params)


@router.post(
    "/promoted-products/{id}/adoptions",
    response={201: AdoptionOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="adoption-create",
    operation_id="adoption_create",
    summary="Record an adoption",
    description="A signed-in unit records that it adopted the product (for itself; the product's own "
    "supplier gets 403). `region` defaults to the unit's.",
)
def adoption_create(request, id: int, payload: AdoptionIn):
    actor = api_actor(request)
    if actor.is_anonymous:
        raise PermissionDenied(_("Sign in as a member of the adopting unit to record an adoption."))
    selectors.product_get_for_actor(actor=actor, pk=_id(id))
    data = payload.model_dump()
    adoption = services.adoption_create(actor=actor, product_id=id, data=data)
    return Status(201, selectors.adoption_list_for_actor(actor=actor).get(pk=adoption.pk))
