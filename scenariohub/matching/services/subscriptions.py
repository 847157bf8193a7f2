"""Suppliers' subscriptions and the digests of new matching scenarios.

A digest is sent at most once per (subscription, scenario): the `DigestDelivery` rows are inserted in the
same transaction as the notification and the subscription's bookkeeping, under the subscription's row
lock, and the e-mail goes out on commit. Running `send_digests` twice, or two at once, sends nothing twice.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, Role
from scenariohub.core.errors import NotFound, ValidationFailed
from scenariohub.core.services import audit_record
from scenariohub.matching.models import DigestDelivery, Frequency, Subscription, Verb
from scenariohub.matching.selectors import subscription_matches
from scenariohub.matching.services._common import clean_text, raise_if, require_role
from scenariohub.matching.services.notifications import notify
from scenariohub.matching.services.suppliers import _codes
from scenariohub.reference import selectors as ref

MAX_SUBSCRIPTIONS = 20
DIGEST_MAX_SCENARIOS = 50  # the rest follow in the next digest


def _values(data: dict[str, Any], errors: dict) -> tuple[dict, dict]:
    frequency = data.get("frequency") or Frequency.DAILY
    if frequency not in Frequency.values:
        errors.setdefault("frequency", []).append(_("Select a valid choice."))
    values = {
        "name": clean_text(data, "name", errors, max_length=60, required=True),
        "keywords": clean_text(data, "keywords", errors, max_length=200),
        "frequency": frequency,
        "active": bool(data.get("active", True)),
    }
    m2m = {
        "sectors": _codes(data, "sectors", ref.sector_names(), errors),
        "fields": _codes(data, "fields", ref.field_names(), errors),
        "regions": _codes(data, "regions", ref.region_names(), errors),
    }
    return values, m2m


def _own(actor: Actor, subscription_id: int, *, lock: bool = False) -> Subscription:
    qs = Subscription.objects.select_for_update() if lock else Subscription.objects.all()
    subscription = qs.filter(pk=subscription_id, user=actor.user, organisation_id=actor.organisation_id).first()
    if subscription is None or actor.user is None:
        raise NotFound(_("Subscription not found."))
    return subscription


@transaction.atomic
def subscription_create(*, actor: Actor, data: dict[str, Any]) -> Subscription:
    require_role(actor, Role.SUPPLIER, message=_("Only suppliers subscribe to new scenarios."))
    errors: dict[str, list[str]] = {}
    values, m2m = _values(data, errors)
    raise_if(errors)
    if Subscription.objects.filter(user=actor.user).count() >= MAX_SUBSCRIPTIONS:
        raise ValidationFailed(_("You have reached the maximum of %(n)d subscriptions.") % {"n": MAX_SUBSCRIPTIONS})
    subscription = Subscription.objects.create(user=actor.user, organisation_id=actor.organisation_id, **values)
    for name, codes in m2m.items():
        getattr(subscription, name).set(codes)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="subscription.create", obj=subscription,
        data={**values, **m2m}, ip_address=actor.ip_address,
    )
    return subscription


@transaction.atomic
def subscription_update(*, actor: Actor, subscription_id: int, data: dict[str, Any]) -> Subscription:
    subscription = _own(actor, subscription_id, lock=True)
    errors: dict[str, list[str]] = {}
    values, m2m = _values(data, errors)
    raise_if(errors)
    for name, value in values.items():
        setattr(subscription, name, value)
    subscription.save()
    for name, codes in m2m.items():
        getattr(subscription, name).set(codes)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="subscription.update", obj=subscription,
        data={**values, **m2m}, ip_address=actor.ip_address,
    )
    return subscription


@transaction.atomic
def subscription_delete(*, actor: Actor, subscription_id: int) -> None:
    subscription = _own(actor, subscription_id, lock=True)
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="subscription.delete", obj=subscription,
        data={"name": subscription.name}, ip_address=actor.ip_address,
    )
    subscription.delete()


# ---------------------------------------------------------------------------------------------- digests


@dataclass
class DigestSummary:
    subscriptions: int = 0
    digests: int = 0
    scenarios: int = 0


def digest_send_one(*, subscription_id: int, now: dt.datetime | None = None) -> int:
    """Send one subscription its new matching scenarios; returns how many. Safe to run twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id, active=True).first()
        if subscription is None:
            return 0
        if subscription.frequency == Frequency.DAILY and subscription.last_digest_on == today:
            return 0
        if not Membership.objects.filter(user_id=subscription.user_id, organisation_id=subscription.organisation_id,
                                         user__is_active=True).exists():
            return 0  # the subscriber left the organisation: nothing goes to them in its name
        delivered = DigestDelivery.objects.filter(subscription=subscription).values("scenario_id")
        scenarios = list(
            subscription_matches(subscription=subscription, today=today)
            .exclude(pk__in=delivered)
            .order_by("published_at", "id")[:DIGEST_MAX_SCENARIOS]
        )
        if not scenarios:
            return 0
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(subscription=subscription, scenario=s, delivered_at=now) for s in scenarios]
        )
        if subscription.frequency == Frequency.DAILY:
            subscription.last_digest_on = today
            subscription.save(update_fields=["last_digest_on"])
        notify(
            recipients=[subscription.user], verb=Verb.DIGEST,
            message=gettext_lazy("New scenarios match your subscription “%(name)s” (%(count)d): %(titles)s"),
            params={"count": len(scenarios), "name": subscription.name,
                    "titles": "；".join(s.title for s in scenarios)},
            link=reverse("matching:subscription-detail", args=[subscription.pk]), obj=subscription,
        )
        audit_record(
            actor=None, organisation=None, action="subscription.digest", obj=subscription,
            data={"scenarios": [s.pk for s in scenarios], "frequency": subscription.frequency},
        )
    return len(scenarios)


def digest_send_all(*, now: dt.datetime | None = None, frequency: str | None = None) -> DigestSummary:
    summary = DigestSummary()
    qs = Subscription.objects.filter(active=True)
    if frequency:
        qs = qs.filter(frequency=frequency)
    for subscription_id in qs.order_by("pk").values_list("pk", flat=True):
        summary.subscriptions += 1
        sent = digest_send_one(subscription_id=subscription_id, now=now)
        if sent:
            summary.digests += 1
            summary.scenarios += sent
    return summary
