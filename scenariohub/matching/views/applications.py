"""Applications: apply, list mine, one application (with the owner's and the applicant's actions), scoring."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.models import Role
from scenariohub.core.errors import ValidationFailed
from scenariohub.matching import lifecycle, selectors, services
from scenariohub.matching.forms import (
    ApplicationForm,
    DecisionForm,
    ScoreForm,
    add_domain_errors,
)
from scenariohub.matching.models import ApplicationStatus
from scenariohub.matching.views._helpers import (
    actor_of,
    attachment_response,
    domain_errors,
    paginate,
    success,
)
from scenariohub.scenarios.selectors import scenario_get_for_actor


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def application_create(request, scenario_id: int):
    actor = actor_of(request)
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied(_("Only suppliers may apply to scenarios."))
    solutions = list(selectors.solution_list_own(actor=actor))
    form = ApplicationForm(request.POST or None, request.FILES or None, supplier_id=actor.organisation_id,
                           solutions=solutions)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=actor, scenario_id=scenario.pk, data=form.service_data(),
                files=form.cleaned_data["attachments"],
            )
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("Your application has been submitted."),
                           reverse("matching:application-detail", args=[application.pk]))
    return render(request, "matching/application_form.html", {
        "form": form, "scenario": scenario, "open": selectors.accepts_applications(scenario),
    })


@login_required
@require_GET
def application_list(request):
    actor = actor_of(request)
    status = request.GET.get("status", "")
    status = status if status in ApplicationStatus.values else ""
    page = paginate(request, selectors.application_list_for_supplier(actor=actor, status=status))
    return render(request, "matching/application_list.html", {
        "page": page, "status": status, "statuses": ApplicationStatus.choices,
    })


@login_required
@require_GET
@domain_errors
def application_detail(request, pk: int):
    actor = actor_of(request)
    application = selectors.application_get_for_actor(actor=actor, pk=pk)
    relation = selectors.application_relation(actor=actor, application=application)
    steps = lifecycle.available_steps(status=application.status, is_owner=relation.owner,
                                      is_applicant=relation.applicant)
    return render(request, "matching/application_detail.html", {
        "application": application, "scenario": application.scenario, "relation": relation,
        "steps": {s.action: s for s in steps},
        "history": selectors.application_history(application=application),
        "talks": list(selectors.talk_list_for_actor(actor=actor, application_id=application.pk)),
    })


def _step(request, pk: int, action: str, done: str):
    form = DecisionForm(request.POST)
    form.is_valid()
    services.application_step(
        actor=actor_of(request), application_id=pk, action=action, reason=form.cleaned_data.get("reason", "")
    )  # a refusal (reason missing, state moved on) comes back as a message on the page the user came from
    return success(request, done, reverse("matching:application-detail", args=[pk]))


@login_required
@require_POST
@domain_errors
def application_shortlist(request, pk: int):
    return _step(request, pk, "shortlist", _("The applicant has been shortlisted."))


@login_required
@require_POST
@domain_errors
def application_decline(request, pk: int):
    return _step(request, pk, "decline", _("The application has been declined."))


@login_required
@require_POST
@domain_errors
def application_withdraw(request, pk: int):
    return _step(request, pk, "withdraw", _("Your application has been withdrawn."))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def application_score(request, pk: int):
    actor = actor_of(request)
    application = selectors.application_get_for_actor(actor=actor, pk=pk)
    if not selectors.is_reviewer(actor=actor, scenario_id=application.scenario_id):
        raise PermissionDenied(_("Only invited reviewers score applications."))
    criteria = selectors.criteria_for_scenario(scenario=application.scenario)
    scores = selectors.score_map_for_reviewer(actor=actor, application=application)
    form = ScoreForm(request.POST or None, criteria=criteria, scores=scores)
    locked = application.status != ApplicationStatus.SUBMITTED
    if request.method == "POST" and form.is_valid():
        try:
            services.score_save(actor=actor, application_id=pk, values=form.values(),
                                comment=form.cleaned_data["comment"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("Your scores have been saved."),
                           reverse("matching:scenario-applications", args=[application.scenario_id]))
    return render(request, "matching/application_score.html", {
        "application": application, "form": form, "locked": locked, "criteria": criteria,
    })


@login_required
@require_GET
@domain_errors
def application_attachment_download(request, pk: int, attachment_id: int):
    application = selectors.application_get_for_actor(actor=actor_of(request), pk=pk)
    attachment = next((a for a in application.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404(_("Attachment not found."))
    return attachment_response(attachment)
