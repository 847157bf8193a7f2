"""News pages: the public list and detail, the office's list of drafts and its editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.publicity import selectors, services
from scenariohub.publicity.forms import NewsForm
from scenariohub.publicity.images import image_response

PAGE_SIZE = 12


def http_error(exc: DomainError):
    """What one may not see is 404, what one may not do is 403; other domain errors go up."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message) from exc
    raise exc


def _get(actor, pk: int, *, write: bool = False):
    try:
        return selectors.news_get_for_actor(actor=actor, pk=pk, write=write)
    except (NotFound, PermissionDenied) as exc:
        http_error(exc)


@require_GET
def news_list(request):
    actor = actor_for_request(request)
    page = Paginator(selectors.news_list_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicity/news_list.html", {"page": page, "can_write": actor.is_office})


@require_GET
def news_detail(request, pk: int):
    actor = actor_for_request(request)
    item = _get(actor, pk)
    return render(request, "publicity/news_detail.html", {"item": item, "can_write": actor.is_office})


@require_GET
def news_cover(request, pk: int):
    item = _get(actor_for_request(request), pk)
    return image_response(item.cover, item.cover_kind)


@login_required
@require_GET
def news_manage(request):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office writes news."))
    items = Paginator(selectors.news_list_for_actor(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "publicity/news_manage.html", {"page": items})


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)
    if not exc.details:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request, pk: int | None = None):
    actor = actor_for_request(request)
    item = _get(actor, pk, write=True) if pk else None
    if item is None and not actor.is_office:
        raise HttpForbidden(_("Only the provincial office writes news."))
    if request.method == "POST":
        form = NewsForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "cover"}
            try:
                if item is None:
                    item = services.news_create(actor=actor, data=data, cover=form.cleaned_data["cover"])
                else:
                    item = services.news_update(
                        actor=actor, news_id=item.pk, data=data, cover=form.cleaned_data["cover"]
                    )
            except ValidationFailed as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The news item was saved."))
                return redirect("publicity:news-detail", pk=item.pk)
    else:
        initial = {}
        if item is not None:
            initial = {
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "region": item.region_id or "",
                "published": item.published,
            }
        form = NewsForm(initial=initial)
    return render(request, "publicity/news_form.html", {"form": form, "item": item})
