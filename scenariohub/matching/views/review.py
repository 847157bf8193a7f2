"""The scenario side of matching: the scenario's matching page (panel, Q&A), the applicants side by side,
criteria, reviewers, talks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.core.errors import ValidationFailed
from scenariohub.matching import selectors, services
from scenariohub.matching.forms import (
    AnswerForm,
    CriterionFormSet,
    QuestionForm,
    ReviewerInviteForm,
    TalkForm,
    TalkRecordForm,
    add_domain_errors,
)
from scenariohub.matching.models import ApplicationStatus
from scenariohub.matching.views._helpers import actor_of, back_url, domain_errors, paginate, success
from scenariohub.scenarios.selectors import scenario_get_for_actor


@require_GET
@domain_errors
def scenario_matching(request, scenario_id: int):
    """The matching page of one scenario: apply button or applicants, Q&A, recommended suppliers."""
    actor = actor_of(request)
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    is_owner = scenario.owner_id == actor.organisation_id
    return render(request, "matching/scenario_matching.html", {
        "scenario": scenario,
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "recommended": selectors.recommended_suppliers_for_scenario(scenario=scenario, limit=5) if is_owner else [],
    })


@login_required
@require_GET
@domain_errors
def scenario_applications(request, scenario_id: int):
    """Applicants side by side: proposal, consortium, solution, average score per criterion, weighted total."""
    actor = actor_of(request)
    status = request.GET.get("status", "")
    status = status if status in ApplicationStatus.values else ""
    scenario, qs = selectors.application_list_for_scenario(actor=actor, scenario_id=scenario_id, status=status)
    applications = list(qs)
    criteria = selectors.criteria_for_scenario(scenario=scenario)
    is_owner = scenario.owner_id == actor.organisation_id
    return render(request, "matching/scenario_applications.html", {
        "scenario": scenario, "criteria": criteria, "status": status, "statuses": ApplicationStatus.choices,
        "rows": selectors.application_comparison(criteria=criteria, applications=applications),
        "is_owner": is_owner,
        "is_reviewer": not is_owner and selectors.is_reviewer(actor=actor, scenario_id=scenario.pk),
        "deadline_passed": selectors.deadline_passed(scenario),
    })


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def scenario_criteria(request, scenario_id: int):
    actor = actor_of(request)
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id, write=True)
    criteria = selectors.criteria_for_scenario(scenario=scenario)
    locked = selectors.criteria_locked(scenario=scenario)
    if request.method == "POST":
        formset = CriterionFormSet(request.POST)
        if formset.is_valid():
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
            try:
                services.criteria_replace(actor=actor, scenario_id=scenario.pk, items=items)
            except ValidationFailed as exc:
                formset._non_form_errors = formset.error_class(
                    [m for ms in exc.details.values() for m in ms] or [exc.message])
            else:
                return success(request, _("The criteria have been saved."),
                               reverse("matching:scenario-applications", args=[scenario.pk]))
    else:
        formset = CriterionFormSet(initial=[{"name": c.name, "weight": c.weight} for c in criteria])
    return render(request, "matching/criteria_form.html", {
        "scenario": scenario, "formset": formset, "locked": locked,
    })


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def scenario_reviewers(request, scenario_id: int):
    actor = actor_of(request)
    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id, write=True)
    invitations = selectors.reviewer_invitation_list(scenario=scenario)
    invited = {i.reviewer_id for i in invitations}
    candidates = [m for m in selectors.reviewer_candidates(scenario=scenario) if m.pk not in invited]
    form = ReviewerInviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewer_invite(actor=actor, scenario_id=scenario.pk, membership_id=form.cleaned_data["reviewer"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("The reviewer has been invited."),
                           reverse("matching:scenario-reviewers", args=[scenario.pk]))
    return render(request, "matching/reviewer_list.html", {
        "scenario": scenario, "invitations": invitations, "form": form,
    })


@login_required
@require_POST
@domain_errors
def reviewer_remove(request, pk: int):
    scenario_id = services.reviewer_remove(actor=actor_of(request), invitation_id=pk)
    return success(request, _("The invitation has been withdrawn."),
                   reverse("matching:scenario-reviewers", args=[scenario_id]))


# ---------------------------------------------------------------------------------------------- talks


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def talk_create(request, application_id: int):
    actor = actor_of(request)
    application = selectors.application_get_for_actor(actor=actor, pk=application_id)
    relation = selectors.application_relation(actor=actor, application=application)
    if not relation.owner:
        raise PermissionDenied(_("Only the scenario owner schedules talks."))
    candidates = selectors.talk_participant_candidates(application=application)
    form = TalkForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            talk = services.talk_schedule(actor=actor, application_id=application.pk, data=form.cleaned_data)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("The talk has been scheduled and the participants notified."),
                           reverse("matching:talk-detail", args=[talk.pk]))
    return render(request, "matching/talk_form.html", {"application": application, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def talk_detail(request, pk: int):
    actor = actor_of(request)
    talk = selectors.talk_get_for_actor(actor=actor, pk=pk)
    is_owner = talk.application.scenario.owner_id == actor.organisation_id
    form = TalkRecordForm(request.POST or None, initial={"outcome": talk.outcome, "minutes": talk.minutes})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.talk_record(actor=actor, talk_id=talk.pk, data=form.cleaned_data)
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                return success(request, _("The talk record has been saved."), reverse("matching:talk-detail", args=[pk]))
    return render(request, "matching/talk_detail.html", {"talk": talk, "is_owner": is_owner, "form": form})


@login_required
@require_GET
def talk_list(request):
    page = paginate(request, selectors.talk_list_for_actor(actor=actor_of(request)))
    return render(request, "matching/talk_list.html", {"page": page})


# ---------------------------------------------------------------------------------------------- Q&A


@login_required
@require_POST
@domain_errors
def question_create(request, scenario_id: int):
    form = QuestionForm(request.POST)
    target = reverse("matching:scenario-matching", args=[scenario_id]) + "#questions"
    if not form.is_valid():
        messages.error(request, _("Please write your question."))
        return redirect(target)
    services.question_ask(actor=actor_of(request), scenario_id=scenario_id, text=form.cleaned_data["text"])
    return success(request, _("Your question has been sent to the scenario owner."), target)


@login_required
@require_POST
@domain_errors
def question_answer(request, pk: int):
    form = AnswerForm(request.POST)
    actor = actor_of(request)
    if not form.is_valid():
        messages.error(request, _("Please write an answer."))
        return redirect(back_url(request))
    question = services.question_answer(actor=actor, question_id=pk, answer=form.cleaned_data["answer"])
    return success(request, _("Your answer is now visible to every applicant."),
                   reverse("matching:scenario-matching", args=[question.scenario_id]) + "#questions")
