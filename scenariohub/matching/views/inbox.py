"""Notifications and subscriptions of the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.core.errors import ValidationFailed
from scenariohub.matching import selectors, services
from scenariohub.matching.forms import SubscriptionForm, add_domain_errors
from scenariohub.matching.views._helpers import actor_of, back_url, domain_errors, paginate, success


@login_required
@require_GET
def notification_list(request):
    actor = actor_of(request)
    unread = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notification_list(actor=actor, unread=unread))
    return render(request, "matching/notification_list.html", {
        "page": page, "unread": unread, "unread_count": selectors.notification_unread_count(actor=actor),
    })


@login_required
@require_POST
@domain_errors
def notification_read(request, pk: int):
    services.notification_mark_read(actor=actor_of(request), notification_id=pk)
    return redirect(back_url(request, reverse("matching:notification-list")))


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_read(actor=actor_of(request))
    return success(request, _("All notifications are marked as read."), reverse("matching:notification-list"))


# ---------------------------------------------------------------------------------------------- subscriptions


@login_required
@require_GET
def subscription_list(request):
    actor = actor_of(request)
    return render(request, "matching/subscription_list.html", {
        "subscriptions": list(selectors.subscription_list(actor=actor)), "actor": actor,
    })


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def subscription_create(request):
    actor = actor_of(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(actor=actor, data=form.cleaned_data)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return success(request, _("You are subscribed."), reverse("matching:subscription-list"))
    return render(request, "matching/subscription_form.html", {"form": form, "subscription": None})


@login_required
@require_GET
@domain_errors
def subscription_detail(request, pk: int):
    subscription = selectors.subscription_get_for_actor(actor=actor_of(request), pk=pk)
    return render(request, "matching/subscription_detail.html", {
        "subscription": subscription, "deliveries": selectors.subscription_deliveries(subscription=subscription),
    })


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def subscription_update(request, pk: int):
    actor = actor_of(request)
    subscription = selectors.subscription_get_for_actor(actor=actor, pk=pk)
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.subscription_update(actor=actor, subscription_id=pk, data=form.cleaned_data)
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                return success(request, _("The subscription has been saved."), reverse("matching:subscription-list"))
    else:
        form = SubscriptionForm(initial={
            "name": subscription.name, "keywords": subscription.keywords, "frequency": subscription.frequency,
            "active": subscription.active, "sectors": [s.pk for s in subscription.sectors.all()],
            "fields": [f.pk for f in subscription.fields.all()], "regions": [r.pk for r in subscription.regions.all()],
        })
    return render(request, "matching/subscription_form.html", {"form": form, "subscription": subscription})


@login_required
@require_POST
@domain_errors
def subscription_delete(request, pk: int):
    services.subscription_delete(actor=actor_of(request), subscription_id=pk)
    return success(request, _("The subscription has been deleted."), reverse("matching:subscription-list"))
