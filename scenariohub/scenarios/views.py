"""Server-rendered scenario pages: home, public catalogue and detail, the workspace, review queue.

Views parse input, ask selectors and services, and render; every rule lives in the services. Domain
errors become HTTP answers the same way everywhere: NotFound → 404, PermissionDenied → 403, the others
a message on the page the user came from (mutations are POST and redirect after success).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from scenariohub.core.personal import may_export_personal_data
from scenariohub.core.uploads import attachment_response
from scenariohub.reference import selectors as ref
from scenariohub.scenarios import services
from scenariohub.scenarios import view_helpers as vh
from scenariohub.scenarios.forms import (
    AttachmentForm,
    BulkReviewForm,
    CatalogueFilterForm,
    ScenarioForm,
    TransitionForm,
)
from scenariohub.scenarios.lifecycle import transition_between
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.schemas import shows_review_details
from scenariohub.scenarios.selectors import (
    ScenarioFilter,
    scenario_contact_for_actor,
    scenario_count_owned_by_status,
    scenario_get_for_actor,
    scenario_list_owned,
    scenario_list_public,
    scenario_review_queue,
    scenario_timeline,
)

HOME_LATEST = 6
QUEUE_PAGE_SIZE = 50


def _http_error(exc: DomainError):
    """Raise the HTTP answer of an access error: what you may not see is 404, what you may not do 403."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message) from exc
    raise exc


def _get_scenario(actor, pk: int, *, write: bool = False) -> Scenario:
    try:
        return scenario_get_for_actor(actor=actor, pk=pk, write=write)
    except (NotFound, PermissionDenied) as exc:
        _http_error(exc)


def _error_text(exc: DomainError) -> str:
    """The service's message followed by its per-field details, labelled with the field's name."""
    parts = [exc.message]
    for name, msgs in (exc.details or {}).items():
        try:
            label = capfirst(Scenario._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # details may name a non-field: reason, file, __all__
            label = ""
        parts.extend(f"{label}：{m}" if label else str(m) for m in msgs)
    return " ".join(dict.fromkeys(parts))


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


def _paginate(request, qs, per_page: int):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# ---------------------------------------------------------------------------------------------- public


@require_GET
def home(request):
    published = scenario_list_public(filters=ScenarioFilter())
    context = {
        "latest": list(published[:HOME_LATEST]),
        "published_count": published.count(),
        "region_count": published.order_by().values("region_id").distinct().count(),
        "sectors": vh.sector_choices(),
        "regions_total": len(ref.region_names()),
    }
    return render(request, "home.html", context)


@require_GET
def catalogue(request):
    filters = vh.filter_normalised(ScenarioFilter.from_params(request.GET, strict=False))
    page = _paginate(request, scenario_list_public(filters=filters), settings.SCENARIOHUB_PAGE_SIZE)
    params = filters.as_params()
    form = CatalogueFilterForm(initial={**params, "sort": filters.sort}, sector=filters.sector)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "query": urlencode(params),  # pagination links keep the filters
        "filtered": any(name != "sort" for name in params),
        # Office and cities may download the list with contacts in full (audited); others get them masked.
        "personal_export": may_export_personal_data(actor_for_request(request)),
    }
    # An HTMX filter change swaps only the results; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "scenarios/scenario_catalogue.html" + ("#results" if partial else "")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def field_options(request):
    """The <option>s of the field select for one sector (HTMX narrows the select when the sector changes)."""
    sector = request.GET.get("sector", "")
    if sector not in ref.sector_names():
        sector = ""
    empty = _("All") if request.GET.get("for") == "filter" else _("Choose…")
    return render(request, "scenarios/scenario_catalogue.html#field_options",
                  {"field_groups": vh.field_groups(sector), "empty_label": empty})


@require_GET
def detail(request, pk: int):
    actor = actor_for_request(request)
    scenario = _get_scenario(actor, pk)
    context = {
        "scenario": scenario,
        "attachments": list(scenario.attachments.all()),
        "timeline": scenario_timeline(scenario=scenario),
        "transitions": vh.button_transitions(actor, scenario),
        # Reasons and reviewers' names are for the people in the review, as in the API's timeline.
        "review_details": shows_review_details(actor, scenario),
        "contact": scenario_contact_for_actor(actor=actor, scenario=scenario),
        "can_edit": scenario.status == Status.DRAFT and scenario.owner_id == actor.organisation_id,
    }
    return render(request, "scenarios/scenario_detail.html", context)


@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    actor = actor_for_request(request)
    try:
        attachment = vh.attachment_get_for_actor(actor=actor, scenario_id=pk, attachment_id=attachment_id)
    except (NotFound, PermissionDenied) as exc:
        _http_error(exc)
    response = attachment_response(attachment)
    if response is None:
        raise Http404(_("The file is missing from storage."))
    return response


# ------------------------------------------------------------------------------------------- workspace


@login_required
@require_GET
def workspace(request):
    actor = actor_for_request(request)
    if actor.is_anonymous:
        return render(request, "scenarios/scenario_workspace.html", {"no_membership": True})
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    counts = scenario_count_owned_by_status(actor=actor)
    tabs = [("", _("All"), sum(counts.values()))] + [(s.value, s.label, counts.get(s.value, 0)) for s in Status]
    context = {
        "tabs": [t for t in tabs if t[2] or t[0] in ("", Status.DRAFT, status)],
        "status": status,
        "query": urlencode({"status": status}) if status else "",
        "page": _paginate(request, scenario_list_owned(actor=actor, status=status), settings.SCENARIOHUB_PAGE_SIZE),
        "can_create": actor.role in services.CREATOR_ROLES,
        "review_count": scenario_review_queue(actor=actor).count() if actor.role in (Role.CITY, Role.OFFICE) else None,
    }
    return render(request, "scenarios/scenario_workspace.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    actor = actor_for_request(request)
    if actor.role not in services.CREATOR_ROLES:
        raise HttpForbidden(_("Your organisation cannot open scenarios."))
    initial = {"region": actor.region_id, "contact_name": request.user.display_name}
    form = ScenarioForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(actor=actor, data=form.scenario_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            _http_error(exc)
        else:
            messages.success(request, _("Draft saved. Add attachments if needed, then submit it for review."))
            return redirect("scenarios:edit", pk=scenario.pk)
    return render(request, "scenarios/scenario_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    actor = actor_for_request(request)
    scenario = _get_scenario(actor, pk, write=True)
    if scenario.status != Status.DRAFT:
        messages.error(request, _("Only drafts can be edited; this scenario is %(status)s.")
                       % {"status": scenario.get_status_display()})
        return redirect("scenarios:detail", pk=pk)
    form = ScenarioForm(request.POST or None, actor=actor, editing=True, initial=ScenarioForm.initial_for(scenario))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(actor=actor, scenario_id=pk, version=form.cleaned_data["version"],
                                     data=form.scenario_data())
        except StaleVersion as exc:
            # The typed input stays in the form; the version stays the old one, so saving again is refused
            # until the user has reloaded and seen the other person's changes.
            stale = True
            form.add_error(None, exc.message)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except (NotFound, PermissionDenied) as exc:
            _http_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("scenarios:detail", pk=pk)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("scenarios:edit", pk=pk)
    context = {
        "form": form,
        "scenario": scenario,
        "stale": stale,
        "attachments": list(scenario.attachments.all()),
        "attachment_form": AttachmentForm(),
        "submit": transition_between(Status.DRAFT, Status.SUBMITTED),
    }
    return render(request, "scenarios/scenario_form.html", context)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    actor = actor_for_request(request)
    _get_scenario(actor, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("scenarios:edit", pk=pk)
    try:
        attachment = services.scenario_attachment_add(actor=actor, scenario_id=pk, uploaded=form.cleaned_data["file"])
    except (NotFound, PermissionDenied) as exc:
        _http_error(exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment %(name)s uploaded.") % {"name": attachment.original_name})
    return redirect("scenarios:edit", pk=pk)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_id: int):
    actor = actor_for_request(request)
    try:
        attachment = vh.attachment_get_for_actor(actor=actor, scenario_id=pk, attachment_id=attachment_id)
        services.scenario_attachment_delete(actor=actor, attachment_id=attachment.pk)
    except (NotFound, PermissionDenied) as exc:
        _http_error(exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment %(name)s deleted.") % {"name": attachment.original_name})
    return redirect("scenarios:edit", pk=pk)


# ------------------------------------------------------------------------------------------ lifecycle


@login_required
@require_POST
def transition(request, pk: int):
    """Every lifecycle button posts here: `target` (and `reason`, `expected`, `next`)."""
    actor = actor_for_request(request)
    scenario = _get_scenario(actor, pk)
    back = _next_url(request, reverse("scenarios:detail", args=[pk]))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    step = transition_between(scenario.status, form.cleaned_data["target"])
    try:
        scenario = services.scenario_transition(
            actor=actor, scenario_id=pk, target=form.cleaned_data["target"], reason=form.cleaned_data["reason"],
            expected_status=form.cleaned_data["expected"] or None,
        )
    except (NotFound, PermissionDenied) as exc:
        _http_error(exc)
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    messages.success(request, _("%(action)s: done for “%(title)s”. It is now %(status)s.") % {
        "action": step.label, "title": scenario.title, "status": scenario.get_status_display()})
    if scenario.status != Status.DRAFT and back == reverse("scenarios:edit", args=[pk]):
        # The edit page of a scenario that is no longer a draft would only bounce; show its page instead.
        back = reverse("scenarios:detail", args=[pk])
    return redirect(back)


def _review_actor(request):
    actor = actor_for_request(request)
    sections = vh.review_sections(actor)
    if not sections:
        raise HttpForbidden(_("Only city lead departments and the provincial office review scenarios."))
    return actor, sections


@login_required
@require_GET
def review_queue(request):
    actor, sections = _review_actor(request)
    current = next((s for s in sections if s.key == request.GET.get("section")), sections[0])
    queue = scenario_review_queue(actor=actor)
    counts = {s.key: queue.filter(status=s.status).count() for s in sections}
    page = _paginate(request, queue.filter(status=current.status), QUEUE_PAGE_SIZE)
    context = {
        "sections": [(s, counts[s.key]) for s in sections],
        "current": current,
        "page": page,
        "rows": [(s, vh.button_transitions(actor, s)) for s in page],
        "bulk_form": BulkReviewForm(actions=vh.bulk_actions(actor, current.status)),
    }
    return render(request, "scenarios/scenario_review_queue.html", context)


@login_required
@require_POST
def review_bulk(request):
    actor, sections = _review_actor(request)
    current = next((s for s in sections if s.key == request.POST.get("section")), None)
    if current is None:
        messages.error(request, _("Unknown review list."))
        return redirect("scenarios:review-queue")
    back = reverse("scenarios:review-queue") + "?" + urlencode({"section": current.key})
    form = BulkReviewForm(request.POST, actions=vh.bulk_actions(actor, current.status))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    step = form.cleaned_data["transition"]
    result = services.scenario_transition_bulk(
        actor=actor, scenario_ids=form.cleaned_data["ids"], target=step.target,
        reason=form.cleaned_data["reason"], expected_status=current.status,
    )
    done, failed = len(result["done"]), len(result["failed"])
    summary = _("%(action)s: %(done)d done, %(failed)d failed.") % {"action": step.label, "done": done, "failed": failed}
    if failed:
        details = "; ".join(f"#{pk} {msg}" for pk, msg in list(result["failed"].items())[:5])
        messages.warning(request, f"{summary} {details}")
    else:
        messages.success(request, summary)
    return redirect(back)
