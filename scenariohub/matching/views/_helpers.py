"""What every matching view shares: the actor, domain errors as HTTP answers, pagination."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core import uploads
from scenariohub.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

actor_of = actor_for_request


def domain_errors(view):
    """404 for what the actor may not see, 403 for what it may not do; a conflict (a state that moved on,
    a passed deadline) becomes a message on the page the user came from."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except (Conflict, ValidationFailed) as exc:
            # Views with a form put ValidationFailed on its fields themselves; this is the fallback.
            details = [m for ms in getattr(exc, "details", {}).values() for m in ms]
            messages.error(request, " ".join([exc.message, *details]) if details else exc.message)
            return redirect(back_url(request))

    return wrapper


def back_url(request, default: str = "/") -> str:
    """Where to send the user after a refused POST: `next`, else the page they came from (same site only)."""
    for candidate in (request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return request.path if request.method == "GET" else default


def paginate(request, qs, *, per_page: int | None = None):
    paginator = Paginator(qs, per_page or settings.SCENARIOHUB_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def attachment_response(attachment) -> FileResponse:
    response = uploads.attachment_response(attachment)
    if response is None:
        raise Http404(_("Attachment not found."))
    return response


def success(request, message: str, to: str):
    messages.success(request, message)
    return redirect(to)
