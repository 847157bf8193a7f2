"""The matching workspace: a supplier's profile, solutions, applications and recommendations; an owner's
scenarios with their applicants; a reviewer's invitations."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from scenariohub.accounts.models import Role
from scenariohub.core.errors import ValidationFailed
from scenariohub.matching import selectors, services
from scenariohub.matching.forms import SolutionForm, SupplierProfileForm, add_domain_errors
from scenariohub.matching.views._helpers import actor_of, domain_errors, success


@login_required
@require_safe  # a page to read: a POST here changes nothing and is answered 405
def workspace(request):
    actor = actor_of(request)
    context = {
        "actor": actor,
        "unread": selectors.notification_unread_count(actor=actor),
        "owned": list(selectors.owner_scenarios_with_applications(actor=actor)[:50]),
        "reviewing": list(selectors.reviewer_scenario_list(actor=actor)[:50]),
        "talks": list(selectors.talk_list_for_actor(actor=actor)[:10]),
    }
    if actor.role == Role.SUPPLIER:
        context.update(
            profile=selectors.supplier_profile_for_actor(actor=actor),
            solutions=list(selectors.solution_list_own(actor=actor)),
            applications=list(selectors.application_list_for_supplier(actor=actor)[:10]),
            recommendations=selectors.recommended_scenarios_for_supplier(supplier_org=actor.organisation, limit=5),
            subscriptions=list(selectors.subscription_list(actor=actor)),
        )
    return render(request, "matching/workspace.html", context)


def _require_supplier(actor):
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied(_("This page is for suppliers."))


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    actor = actor_of(request)
    _require_supplier(actor)
    profile = selectors.supplier_profile_for_actor(actor=actor)
    if request.method == "POST":
        form = SupplierProfileForm(request.POST)
        if form.is_valid():
            try:
                services.supplier_profile_save(actor=actor, data=form.cleaned_data)
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                return success(request, _("Your supplier profile has been saved."), reverse("matching:workspace"))
    else:
        initial = {"credit_code": actor.organisation.credit_code or ""}
        if profile is not None:
            initial.update(
                contact_name=profile.contact_name, contact_phone=profile.contact_phone,
                contact_email=profile.contact_email, scale=profile.scale, website=profile.website,
                introduction=profile.introduction, qualifications=profile.qualifications,
                sectors=[s.pk for s in profile.sectors.all()], fields=[f.pk for f in profile.fields.all()],
            )
        form = SupplierProfileForm(initial=initial)
    return render(request, "matching/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def solution_create(request):
    actor = actor_of(request)
    _require_supplier(actor)
    form = SolutionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            solution = services.solution_create(
                actor=actor, data=form.cleaned_data, files=form.cleaned_data["attachments"]
            )
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("The solution has been saved."),
                           reverse("matching:solution-detail", args=[solution.pk]))
    return render(request, "matching/solution_form.html", {"form": form, "solution": None})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def solution_update(request, pk: int):
    actor = actor_of(request)
    solution = selectors.solution_get_for_actor(actor=actor, pk=pk, write=True)
    if request.method == "POST":
        form = SolutionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.solution_update(
                    actor=actor, solution_id=pk, data=form.cleaned_data, files=form.cleaned_data["attachments"]
                )
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                return success(request, _("The solution has been saved."),
                               reverse("matching:solution-detail", args=[pk]))
    else:
        form = SolutionForm(initial={
            "title": solution.title, "description": solution.description, "sector": solution.sector_id,
            "fields": [f.pk for f in solution.fields.all()], "capabilities": solution.capabilities,
            "maturity": solution.maturity, "deployment_modes": solution.deployment_modes,
            "reference_cases": solution.reference_cases, "published": solution.published,
        })
    return render(request, "matching/solution_form.html", {"form": form, "solution": solution})


@login_required
@require_POST
@domain_errors
def solution_attachment_delete(request, pk: int):
    solution_id = services.solution_attachment_delete(actor=actor_of(request), attachment_id=pk)
    return redirect(reverse("matching:solution-update", args=[solution_id]))
