"""API v1 for matching: suppliers, solutions, applications, talks, questions, notifications, subscriptions.

Endpoints only parse input, find the actor and call selectors and services, which check access and
raise the domain errors that `scenariohub.api` turns into `{"code", "message", "details"?}`.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound
from scenariohub.matching import selectors, services
from scenariohub.matching.schemas import (
    AnswerIn,
    ApplicationIn,
    ApplicationListOut,
    ApplicationListParams,
    ApplicationOut,
    MarkedOut,
    NotificationListOut,
    NotificationListParams,
    NotificationOut,
    QuestionIn,
    QuestionListOut,
    QuestionOut,
    ReasonIn,
    ScenarioApplicationsOut,
    ScoresIn,
    SolutionIn,
    SolutionListOut,
    SolutionListParams,
    SolutionOut,
    SubscriptionIn,
    SubscriptionListOut,
    SubscriptionOut,
    SupplierListOut,
    SupplierListParams,
    SupplierOut,
    TalkIn,
    TalkListOut,
    TalkListParams,
    TalkOut,
)
from scenariohub.scenarios.selectors import scenario_get_for_actor

router = Router(tags=["matching"])

MAX_DB_ID = 2**63 - 1  # a larger id cannot exist; asking for one is "not found", not a database error


def _id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Not found."))
    return value



def _filter_params(params, *names: str) -> dict:
    return {n: getattr(params, n) for n in names if getattr(params, n) is not None}


# ---------------------------------------------------------------------------------------------- suppliers


@router.get("/suppliers", response={200: SupplierListOut, **error_responses(401, 422)}, auth=READ_AUTH,
            url_name="supplier-list", operation_id="supplier_list", tags=["suppliers"], summary="List suppliers",
            description="Supplier profiles, verified ones first. Unknown codes answer 422 `bad_filter`.")
def supplier_list(request, params: Query[SupplierListParams]):
    filters = selectors.SupplierFilter.from_params(
        _filter_params(params, "q", "sector", "field", "region", "verified"), strict=True)
    return paginate(selectors.supplier_list_public(filters=filters), params)


@router.get("/suppliers/{id}", response={200: SupplierOut, **error_responses(401, 404, 422)}, auth=READ_AUTH,
            url_name="supplier-detail", operation_id="supplier_get", tags=["suppliers"], summary="Get one supplier",
            description="`id` is the supplier organisation's id.")
def supplier_get(request, id: int):
    return selectors.supplier_get_public(organisation_id=_id(id))


# ---------------------------------------------------------------------------------------------- solutions


@router.get("/solutions", response={200: SolutionListOut, **error_responses(401, 422)}, auth=READ_AUTH,
            url_name="solution-list", operation_id="solution_list", tags=["solutions"],
            summary="List published solutions")
def solution_list(request, params: Query[SolutionListParams]):
    filters = selectors.SolutionFilter.from_params(
        _filter_params(params, "q", "sector", "field", "maturity", "deployment", "supplier"), strict=True)
    return paginate(selectors.solution_list_public(filters=filters), params)


@router.get("/solutions/{id}", response={200: SolutionOut, **error_responses(401, 404, 422)}, auth=READ_AUTH,
            url_name="solution-detail", operation_id="solution_get", tags=["solutions"], summary="Get one solution",
            description="Published solutions are public; unpublished ones only for their supplier (else 404).")
def solution_get(request, id: int):
    return selectors.solution_get_for_actor(actor=api_actor(request), pk=_id(id))


@router.post("/solutions", response={201: SolutionOut, **error_responses(401, 403, 422)}, auth=WRITE_AUTH,
             url_name="solution-create", operation_id="solution_create", tags=["solutions"],
             summary="Add a solution to your catalogue", description="Suppliers only (403 otherwise).")
def solution_create(request, payload: SolutionIn):
    actor = api_actor(request)
    solution = services.solution_create(actor=actor, data=payload.service_data())
    return Status(201, selectors.solution_get_for_actor(actor=actor, pk=solution.pk))


@router.put("/solutions/{id}", response={200: SolutionOut, **error_responses(401, 403, 404, 422)}, auth=WRITE_AUTH,
            url_name="solution-update", operation_id="solution_update", tags=["solutions"],
            summary="Replace one of your solutions",
            description="Every field is sent. 404 for another's unpublished solution, 403 for another's published one.")
def solution_update(request, id: int, payload: SolutionIn):
    actor = api_actor(request)
    services.solution_update(actor=actor, solution_id=_id(id), data=payload.service_data())
    return selectors.solution_get_for_actor(actor=actor, pk=id)


# ---------------------------------------------------------------------------------------------- applications


@router.get("/applications", response={200: ApplicationListOut, **error_responses(401, 422)}, auth=WRITE_AUTH,
            url_name="application-list", operation_id="application_list", tags=["applications"],
            summary="My organisation's applications",
            description="As lead supplier or consortium member, newest first. For the applicants of a scenario you "
                        "own or review, use `GET /scenarios/{id}/applications`.")
def application_list(request, params: Query[ApplicationListParams]):
    qs = selectors.application_list_for_supplier(actor=api_actor(request), status=params.status or "")
    return paginate(qs, params)


@router.post("/applications", response={201: ApplicationOut, **error_responses(401, 403, 404, 409, 422)},
             auth=WRITE_AUTH, url_name="application-create", operation_id="application_create", tags=["applications"],
             summary="Apply to a released scenario",
             description="Suppliers only. The first application moves the scenario from published to matching. "
                         "409 `deadline_passed` after the deadline, `already_applied` for a second active application, "
                         "`not_open` when the scenario no longer takes applications; 422 for more than four consortium "
                         "members or a solution that is not yours.")
def application_create(request, payload: ApplicationIn):
    actor = api_actor(request)
    application = services.application_create(
        actor=actor, scenario_id=payload.scenario, data=payload.model_dump(exclude={"scenario"}))
    return Status(201, selectors.application_get_for_actor(actor=actor, pk=application.pk))


@router.get("/applications/{id}", response={200: ApplicationOut, **error_responses(401, 404, 422)}, auth=WRITE_AUTH,
            url_name="application-detail", operation_id="application_get", tags=["applications"],
            summary="Get one application",
            description="For its suppliers, the scenario owner and invited reviewers; 404 for everyone else.")
def application_get(request, id: int):
    return selectors.application_get_for_actor(actor=api_actor(request), pk=_id(id))


def _step(request, id: int, action: str, payload: ReasonIn):
    actor = api_actor(request)
    services.application_step(actor=actor, application_id=_id(id), action=action, reason=payload.reason)
    return selectors.application_get_for_actor(actor=actor, pk=id)


_STEP_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post("/applications/{id}/withdraw", response={200: ApplicationOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="application-withdraw", operation_id="application_withdraw", tags=["applications"],
             summary="Withdraw (lead supplier)", description="Kept in the history; you may apply again afterwards.")
def application_withdraw(request, id: int, payload: ReasonIn):
    return _step(request, id, "withdraw", payload)


@router.post("/applications/{id}/shortlist", response={200: ApplicationOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="application-shortlist", operation_id="application_shortlist", tags=["applications"],
             summary="Shortlist (scenario owner)", description="Locks the reviewers' scores of this application.")
def application_shortlist(request, id: int, payload: ReasonIn):
    return _step(request, id, "shortlist", payload)


@router.post("/applications/{id}/decline", response={200: ApplicationOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="application-decline", operation_id="application_decline", tags=["applications"],
             summary="Decline with a reason (scenario owner)",
             description="422 `reason_required` without a reason. Locks the scores of this application.")
def application_decline(request, id: int, payload: ReasonIn):
    return _step(request, id, "decline", payload)


@router.put("/applications/{id}/scores", response={200: ApplicationOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
            url_name="application-scores", operation_id="application_scores", tags=["applications"],
            summary="Score an application (invited reviewer)",
            description="Every criterion of the scenario, 0–10. 409 `scores_locked` once a decision is made.")
def application_scores(request, id: int, payload: ScoresIn):
    actor = api_actor(request)
    services.score_save(actor=actor, application_id=_id(id), values=payload.scores, comment=payload.comment)
    return selectors.application_get_for_actor(actor=actor, pk=id)


@router.get("/scenarios/{id}/applications", response={200: ScenarioApplicationsOut, **error_responses(401, 403, 404, 422)},
            auth=WRITE_AUTH, url_name="scenario-application-list", operation_id="scenario_application_list",
            tags=["applications"], summary="Applicants of a scenario, side by side",
            description="For the scenario owner and invited reviewers (403 for others who can see the scenario): "
                        "every application with its average score per criterion and the weighted total.")
def scenario_application_list(request, id: int):
    scenario, qs = selectors.application_list_for_scenario(actor=api_actor(request), scenario_id=_id(id))
    criteria = selectors.criteria_for_scenario(scenario=scenario)
    rows = selectors.application_comparison(criteria=criteria, applications=list(qs))
    return {"criteria": criteria, "items": rows, "count": len(rows)}


# ---------------------------------------------------------------------------------------------- talks


@router.post("/applications/{id}/talks", response={201: TalkOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="talk-create", operation_id="talk_create", tags=["talks"],
             summary="Schedule a talk (scenario owner)",
             description="With a shortlisted applicant (409 `not_shortlisted` otherwise); a place or an online link. "
                         "Participants are users of the owner or the applying suppliers; they are notified.")
def talk_create(request, id: int, payload: TalkIn):
    actor = api_actor(request)
    talk = services.talk_schedule(actor=actor, application_id=_id(id), data=payload.model_dump())
    return Status(201, selectors.talk_get_for_actor(actor=actor, pk=talk.pk))


@router.get("/talks", response={200: TalkListOut, **error_responses(401, 422)}, auth=WRITE_AUTH,
            url_name="talk-list", operation_id="talk_list", tags=["talks"], summary="Talks I can see",
            description="Talks on the applications you may see, newest first; `scenario` narrows them.")
def talk_list(request, params: Query[TalkListParams]):
    return paginate(selectors.talk_list_for_actor(actor=api_actor(request), scenario_id=params.scenario), params)


# ---------------------------------------------------------------------------------------------- questions


def _question_out(question, *, actor, show_asker: bool) -> dict:
    return {
        "id": question.pk, "scenario_id": question.scenario_id, "text": question.text, "answer": question.answer,
        "answered_at": question.answered_at, "created_at": question.created_at,
        "mine": question.asker_organisation_id == actor.organisation_id,
        "asker_name": question.asker_organisation.name if show_asker else None,
    }


@router.get("/scenarios/{id}/questions", response={200: QuestionListOut, **error_responses(401, 404, 422)},
            auth=READ_AUTH, url_name="question-list", operation_id="question_list", tags=["questions"],
            summary="Questions on a scenario",
            description="The owner sees all, with who asked; applicants and reviewers the answered ones (without the "
                        "asker); a supplier also its own.")
def question_list(request, id: int):
    actor = api_actor(request)
    scenario = scenario_get_for_actor(actor=actor, pk=_id(id))
    listing = selectors.question_list_for_actor(actor=actor, scenario=scenario)
    items = [_question_out(q, actor=actor, show_asker=listing.show_asker) for q in listing.questions]
    return {"items": items, "count": len(items)}


@router.post("/scenarios/{id}/questions", response={201: QuestionOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="question-create", operation_id="question_create", tags=["questions"],
             summary="Ask the scenario owner (supplier)")
def question_create(request, id: int, payload: QuestionIn):
    actor = api_actor(request)
    question = services.question_ask(actor=actor, scenario_id=_id(id), text=payload.text)
    return Status(201, _question_out(question, actor=actor, show_asker=False))


@router.post("/questions/{id}/answer", response={200: QuestionOut, **_STEP_ERRORS}, auth=WRITE_AUTH,
             url_name="question-answer", operation_id="question_answer", tags=["questions"],
             summary="Answer a question (scenario owner)",
             description="The answer becomes visible to every applicant; the asker is notified.")
def question_answer(request, id: int, payload: AnswerIn):
    actor = api_actor(request)
    question = services.question_answer(actor=actor, question_id=_id(id), answer=payload.answer)
    return _question_out(question, actor=actor, show_asker=True)


# ---------------------------------------------------------------------------------------------- notifications


@router.get("/notifications", response={200: NotificationListOut, **error_responses(401, 422)}, auth=WRITE_AUTH,
            url_name="notification-list", operation_id="notification_list", tags=["notifications"],
            summary="My notifications", description="Newest first; `unread=true` for unread ones only.")
def notification_list(request, params: Query[NotificationListParams]):
    actor = api_actor(request)
    return paginate(selectors.notification_list(actor=actor, unread=params.unread), params,
                 unread=selectors.notification_unread_count(actor=actor))


@router.post("/notifications/{id}/read", response={200: NotificationOut, **error_responses(401, 404, 422)},
             auth=WRITE_AUTH, url_name="notification-read", operation_id="notification_read", tags=["notifications"],
             summary="Mark one notification as read")
def notification_read(request, id: int):
    actor = api_actor(request)
    services.notification_mark_read(actor=actor, notification_id=_id(id))
    return selectors.notification_list(actor=actor).get(pk=id)


@router.post("/notifications/read-all", response={200: MarkedOut, **error_responses(401)}, auth=WRITE_AUTH,
             url_name="notification-read-all", operation_id="notification_read_all", tags=["notifications"],
             summary="Mark all my notifications as read")
def notification_read_all(request):
    return {"marked": services.notification_mark_read(actor=api_actor(request))}


# ---------------------------------------------------------------------------------------------- subscriptions


@router.get("/subscriptions", response={200: SubscriptionListOut, **error_responses(401)}, auth=WRITE_AUTH,
            url_name="subscription-list", operation_id="subscription_list", tags=["subscriptions"],
            summary="My subscriptions")
def subscription_list(request):
    rows = list(selectors.subscription_list(actor=api_actor(request)))
    return {"items": rows, "count": len(rows)}


@router.post("/subscriptions", response={201: SubscriptionOut, **error_responses(401, 403, 422)}, auth=WRITE_AUTH,
             url_name="subscription-create", operation_id="subscription_create", tags=["subscriptions"],
             summary="Subscribe to new scenarios (supplier)",
             description="Empty criteria match everything; filled ones must all match (any one keyword is enough). "
                         "`immediate` digests go out whenever `send_digests` runs, `daily` ones once per local day.")
def subscription_create(request, payload: SubscriptionIn):
    actor = api_actor(request)
    subscription = services.subscription_create(actor=actor, data=payload.model_dump())
    return Status(201, selectors.subscription_get_for_actor(actor=actor, pk=subscription.pk))


@router.get("/subscriptions/{id}", response={200: SubscriptionOut, **error_responses(401, 404, 422)},
            auth=WRITE_AUTH, url_name="subscription-detail", operation_id="subscription_get", tags=["subscriptions"],
            summary="Get one of my subscriptions")
def subscription_get(request, id: int):
    return selectors.subscription_get_for_actor(actor=api_actor(request), pk=_id(id))


@router.put("/subscriptions/{id}", response={200: SubscriptionOut, **error_responses(401, 404, 422)},
            auth=WRITE_AUTH, url_name="subscription-update", operation_id="subscription_update",
            tags=["subscriptions"], summary="Replace one of my subscriptions")
def subscription_update(request, id: int, payload: SubscriptionIn):
    actor = api_actor(request)
    services.subscription_update(actor=actor, subscription_id=_id(id), data=payload.model_dump())
    return selectors.subscription_get_for_actor(actor=actor, pk=id)


@router.delete("/subscriptions/{id}", response={204: None, **error_responses(401, 404, 422)}, auth=WRITE_AUTH,
               url_name="subscription-delete", operation_id="subscription_delete", tags=["subscriptions"],
               summary="Delete one of my subscriptions")
def subscription_delete(request, id: int):
    services.subscription_delete(actor=api_actor(request), subscription_id=_id(id))
    return Status(204, None)
