"""Writes to accounts: API tokens for machine clients.

A token's secret is shown once, when created; only its SHA-256 is stored (`ApiToken.hash_key`), so a
copy of the database does not hand out working tokens. The first characters are kept as `prefix` so a
person can tell their tokens apart.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import ApiToken, User
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record

TOKEN_BYTES = 32  # 256 bits of randomness; token_urlsafe turns them into 43 characters
PREFIX_LENGTH = 8
MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a token acting as the actor's current membership. Returns the row and the raw secret."""
    if actor.user is None or actor.membership is None:
        raise PermissionDenied(_("Only members of an organisation can create API tokens."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Please correct the errors below."), details={"name": [_("A name is required.")]})
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationFailed(
            _("Please correct the errors below."),
            details={"name": [_("At most %(n)d characters.") % {"n": max_length}]},
        )
    # Counted under a lock on the user's row, so two requests at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.user.pk).first()
    if ApiToken.objects.filter(user=actor.user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You have %(n)d active tokens; revoke one before creating another.") % {"n": MAX_ACTIVE_TOKENS},
            details={"name": [_("Too many active tokens.")]},
        )
    raw_key = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=actor.user,
        membership=actor.membership,
        name=name,
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(raw_key),
    )
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="api_token.create", obj=token,
        data={"name": name, "prefix": token.prefix, "membership": actor.membership.pk}, ip_address=actor.ip_address,
    )
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens. Revoking a revoked token changes nothing and records nothing."""
    token = ApiToken.objects.filter(pk=token_id, user_id=getattr(actor.user, "pk", None)).first()
    if token is None:
        # Other people's tokens are not shown to you, so they are "not found" rather than forbidden.
        raise NotFound(_("Token not found."))
    # Guarded update: of two revocations at once, only one writes the time and the audit row.
    touched = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if touched:
        audit_record(
            actor=actor.user, organisation=actor.organisation, action="api_token.revoke", obj=token,
            data={"name": token.name, "prefix": token.prefix}, ip_address=actor.ip_address,
        )
    token.refresh_from_db()
    return token


ANONYMISED_NAME = "已注销用户"  # shown wherever the account's name appeared (timelines, reviews)


@transaction.atomic
def account_anonymise(*, actor: Actor, user_id: int, reason: str) -> User:
    """Deactivate an account and remove the personal data in it (GB/T 35273 deletion on leaving).

    The row stays, so the records that point to it (audit trail, transitions, reviews) keep their shape;
    what identified the person goes: username (becomes ``anon-<id>``), names, e-mail, password (unusable),
    second factors and API tokens; memberships are ended (kept, with the time, for the records that name
    them). Only the provincial office may do it, never to its own account, and only once (the row is
    locked, so two officials acting at once cannot both write it). One audit record, without the old data.
    """
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office may anonymise accounts."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), details={"reason": [_("Give a reason.")]})
    user = User.objects.select_for_update().filter(pk=user_id).first() if str(user_id).isdigit() else None
    if user is None:
        raise NotFound(_("Account not found."))
    if actor.user is not None and user.pk == actor.user.pk:
        raise ValidationFailed(_("You cannot anonymise your own account."))
    if user.username == f"anon-{user.pk}":
        raise ValidationFailed(_("This account has already been anonymised."), code="already_anonymised")
    now = timezone.now()
    user.username = f"anon-{user.pk}"
    user.display_name = ANONYMISED_NAME
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()  # also invalidates every session: their auth hash no longer matches
    user.save()
    ended = user.memberships.filter(ended_at__isnull=True).update(ended_at=now)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = sum(model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice))
    audit_record(
        actor=actor.user, organisation=actor.organisation, action="account.anonymise", obj=user,
        data={"reason": reason[:500], "memberships_ended": ended, "tokens_revoked": revoked, "devices_removed": devices},
        ip_address=actor.ip_address,
    )
    return user
