"""Sign-in, sign-out, password change, choosing the acting membership, and API tokens.

Sign-in and password pages are scenariohub.authn's (Django's views with its rules); the token page
calls the services in accounts/services.py.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from scenariohub.accounts import services
from scenariohub.accounts.forms import MembershipSwitchForm, TokenCreateForm
from scenariohub.accounts.models import ApiToken, User
from scenariohub.accounts.selectors import SESSION_MEMBERSHIP_KEY, actor_for_request, membership_list_for_user
from scenariohub.authn import views as authn_views
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.personal import mask_email

# Login, logout and password change carry the authentication rules (lockout, second factor, expiry,
# audit): they are scenariohub.authn's views, served under these names.
login, logout, password_change = authn_views.login, authn_views.logout, authn_views.password_change
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


@login_required
@require_POST
def switch_membership(request):
    """Act as another of the user's memberships; the choice lives in the session."""
    form = MembershipSwitchForm(request.POST)
    chosen = None
    if form.is_valid():
        chosen = next(
            (m for m in membership_list_for_user(user=request.user) if m.pk == form.cleaned_data["membership"]), None
        )
    if chosen is None:
        # Someone else's membership is not ours to name: same answer as one that does not exist.
        raise Http404(_("Membership not found."))
    request.session[SESSION_MEMBERSHIP_KEY] = chosen.pk
    messages.success(request, _("You are now acting as %(org)s.") % {"org": chosen.organisation.name})
    return redirect(_next_url(request, reverse("scenarios:workspace")))


def _token_page(request, *, form, new_key: str | None = None):
    tokens = ApiToken.objects.filter(user=request.user).select_related("membership__organisation")
    return render(request, "accounts/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """List my tokens; POST creates one and shows its secret in this response only.

    The secret is rendered in the POST response rather than after a redirect: it must never be stored
    anywhere (not even in the session), and `never_cache` keeps it out of the browser cache.
    """
    actor = actor_for_request(request)
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw_key = services.api_token_create(actor=actor, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            for message in exc.details.get("name", [exc.message]):
                form.add_error("name", message)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
            return redirect("accounts:token-list")
        else:
            messages.success(request, _("Token %(name)s created. Copy it now: it will not be shown again.")
                             % {"name": token.name})
            return _token_page(request, form=TokenCreateForm(), new_key=raw_key)
    return _token_page(request, form=form)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    actor = actor_for_request(request)
    try:
        token = services.api_token_revoke(actor=actor, token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:token-list")


@login_required
@require_http_methods(["GET", "POST"])
def account_anonymise(request):
    """The office's page to deactivate and anonymise a person's account (find it by username, confirm)."""
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office may anonymise accounts."))
    if request.method == "POST":
        try:
            user = services.account_anonymise(
                actor=actor, user_id=request.POST.get("user_id", ""), reason=request.POST.get("reason", "")
            )
        except (NotFound, ValidationFailed) as exc:
            messages.error(request, exc.message)
            query = urlencode({"username": request.POST.get("username", "")})
            return redirect(f"{reverse('accounts:account-anonymise')}?{query}")
        messages.success(request, _("Account %(id)s has been deactivated and anonymised.") % {"id": user.pk})
        return redirect("accounts:account-anonymise")
    username = (request.GET.get("username") or "").strip()
    found = None
    if username:
        found = User.objects.filter(username=username).prefetch_related("memberships__organisation").first()
    return render(
        request,
        "accounts/account_anonymise.html",
        {"username": username, "found": found, "masked_email": mask_email(found.email) if found else ""},
    )
