"""Promotion catalogue pages: the public catalogue and product page (reach table and chart), the
office's entry form, and adoptions recorded by signed-in units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.promotion import selectors, services
from scenariohub.promotion.forms import AdoptionForm, ProductForm
from scenariohub.publicity.views import http_error
from scenariohub.reference import selectors as ref

PAGE_SIZE = 20


def _get(actor, pk: int, *, write: bool = False):
    try:
        return selectors.product_get_for_actor(actor=actor, pk=pk, write=write)
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)
    if not exc.details:
        form.add_error(None, exc.message)


@require_GET
def catalogue(request):
    actor = actor_for_request(request)
    params = {k: (request.GET.get(k) or "").strip()[:100] for k in ("q", "sector", "flag")}
    qs = selectors.product_list_public(**params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "sectors": list(ref.sector_names().items()),
        "can_enter": actor.is_office,
    }
    return render(request, "promotion/product_catalogue.html", context)


@require_GET
def product_detail(request, pk: int):
    actor = actor_for_request(request)
    product = _get(actor, pk)
    reach = selectors.product_reach(product=product)
    chart = {
        "labels": [m["month"] for m in reach.by_month],
        "series": [{"name": _("Adoptions"), "values": [m["adoptions"] for m in reach.by_month]}],
    }
    may_adopt = not actor.is_anonymous and actor.organisation_id != product.solution.supplier_id
    context = {
        "product": product,
        "reach": reach,
        "chart": chart,
        "cases": list(product.evidence_cases.select_related("region")),
        "cooperations": list(product.evidence_cooperations.select_related("scenario")),
        "adoption_form": AdoptionForm(initial={"region": actor.region_id}) if may_adopt else None,
        "own_adoptions": list(selectors.adoption_list_for_actor(actor=actor).filter(product=product)[:50]),
        "can_edit": actor.is_office,
    }
    return render(request, "promotion/product_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk: int | None = None):
    from scenariohub.matching.models import Solution

    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office keeps the promotion catalogue."))
    product = _get(actor, pk, write=True) if pk else None
    solution = product.solution if product else None
    if solution is None:
        raw = request.POST.get("solution") or request.GET.get("solution") or ""
        solution = (
            Solution.objects.select_related("supplier").filter(pk=int(raw)).first() if raw.isdigit() else None
        )
    if solution is None:
        return render(request, "promotion/product_choose.html", {"solutions": selectors.solutions_eligible()})
    proving = list(selectors.proven_cooperations(solution=solution))
    if request.method == "POST":
        form = ProductForm(request.POST, cooperations=proving)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if product is None:
                    product = services.product_create(actor=actor, solution_id=solution.pk, data=data)
                else:
                    product = services.product_update(actor=actor, product_id=product.pk, data=data)
            except ValidationFailed as exc:
                _form_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The product was saved in the promotion catalogue."))
                return redirect("promotion:product-detail", pk=product.pk)
    else:
        initial = {"listed": True}
        if product is not None:
            initial = {
                name: getattr(product, name)
                for name in (
                    "summary",
                    "first_set",
                    "first_batch",
                    "first_version",
                    "government_procurement",
                    "listed",
                )
            }
            initial["cooperations"] = [
                str(i) for i in product.evidence_cooperations.values_list("pk", flat=True)
            ]
        form = ProductForm(initial=initial, cooperations=proving)
    return render(
        request, "promotion/product_form.html", {"form": form, "solution": solution, "product": product}
    )


@login_required
@require_POST
def adoption_create(request, pk: int):
    actor = actor_for_request(request)
    product = _get(actor, pk)
    form = AdoptionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("promotion:product-detail", pk=product.pk)
    try:
        services.adoption_create(actor=actor, product_id=product.pk, data=form.cleaned_data)
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)
    except ValidationFailed as exc:
        for msgs in (exc.details or {"__all__": [exc.message]}).values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.success(request, _("The adoption was recorded."))
    return redirect("promotion:product-detail", pk=product.pk)


@login_required
@require_GET
def adoption_list(request):
    actor = actor_for_request(request)
    if actor.is_anonymous:
        raise Http404(_("Not found."))
    page = Paginator(selectors.adoption_list_for_actor(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "promotion/adoption_list.html", {"page": page})
