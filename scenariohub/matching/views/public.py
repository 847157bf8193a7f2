"""Public pages: the supplier directory and the solution catalogue (plus the office's verify button)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from scenariohub.matching import selectors, services
from scenariohub.matching.forms import field_choices, region_choices, sector_choices
from scenariohub.matching.models import DeploymentMode, Maturity
from scenariohub.matching.views._helpers import (
    actor_of,
    attachment_response,
    domain_errors,
    paginate,
    query_without_page,
    success,
)


@require_GET
def supplier_list(request):
    filters = selectors.SupplierFilter.from_params(request.GET, strict=False)
    page = paginate(request, selectors.supplier_list_public(filters=filters))
    return render(request, "matching/supplier_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "sector_choices": sector_choices(), "field_choices": field_choices(), "region_choices": region_choices(),
    })


@require_GET
@domain_errors
def supplier_detail(request, pk: int):
    actor = actor_of(request)
    profile = selectors.supplier_get_public(organisation_id=pk)
    solutions = selectors.solution_list_public(filters=selectors.SolutionFilter(supplier=pk))
    return render(request, "matching/supplier_detail.html", {
        "profile": profile, "org": profile.organisation, "solutions": solutions,
        "contact": selectors.supplier_contact_for_actor(actor=actor, profile=profile),
        "can_verify": actor.is_office, "is_own": actor.organisation_id == pk,
    })


@require_POST
@domain_errors
def supplier_verify(request, pk: int):
    verified = request.POST.get("verified", "1") == "1"
    services.supplier_verify(actor=actor_of(request), organisation_id=pk, verified=verified)
    message = _("The supplier is now shown as verified.") if verified else _("The verification was withdrawn.")
    return success(request, message, reverse("matching:supplier-detail", args=[pk]))


@require_GET
def solution_list(request):
    filters = selectors.SolutionFilter.from_params(request.GET, strict=False)
    page = paginate(request, selectors.solution_list_public(filters=filters))
    return render(request, "matching/solution_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "sector_choices": sector_choices(), "field_choices": field_choices(),
        "maturity_choices": Maturity.choices, "deployment_choices": DeploymentMode.choices,
    })


@require_GET
@domain_errors
def solution_detail(request, pk: int):
    actor = actor_of(request)
    solution = selectors.solution_get_for_actor(actor=actor, pk=pk)
    return render(request, "matching/solution_detail.html", {
        "solution": solution, "is_own": solution.supplier_id == actor.organisation_id,
        "profile": getattr(solution.supplier, "supplier_profile", None),
    })


@require_GET
@domain_errors
def solution_attachment_download(request, pk: int, attachment_id: int):
    solution = selectors.solution_get_for_actor(actor=actor_of(request), pk=pk)
    attachment = next((a for a in solution.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404(_("Attachment not found."))
    return attachment_response(attachment)
