"""Writes of the authentication rules: login attempts (lockout and hourly cap), unlocks, password changes,
two-factor enrolment, verification and reset. Each state change writes its audit record in its own
transaction; the login attempt checks the password outside the transaction (argon2 takes ~0.1 s and
should not hold a lock) and then records the outcome under a row lock, so concurrent wrong passwords
are all counted."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, User
from scenariohub.authn import policy
from scenariohub.authn.models import AccountSecurity, LoginFailure
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.services import audit_record

HOUR = timedelta(hours=1)
RECOVERY_CODES = 10


def _organisation_of(user):
    membership = Membership.objects.filter(user=user).select_related("organisation").order_by("id").first()
    return membership.organisation if membership else None


def _audit(user, action: str, *, ip: str | None, obj=None, data: dict | None = None, actor=None) -> None:
    audit_record(
        actor=actor if actor is not None else user,
        organisation=_organisation_of(actor if actor is not None else user),
        action=action,
        obj=obj if obj is not None else user,
        data=data or {},
        ip_address=ip,
    )


# ------------------------------------------------------------------------------------------ login


@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    refused: str = ""  # "locked" (cool-off running) or "capped" (100 failures this hour); "" otherwise
    until: datetime | None = None  # when a refused account may try again


def _failures_in_last_hour(user, now: datetime) -> int:
    return LoginFailure.objects.filter(user=user, created_at__gt=now - HOUR).count()


def login_refusal(*, user: User, now: datetime | None = None) -> LoginOutcome | None:
    """Whether this account may try a password now (read only): None if it may."""
    now = now or timezone.now()
    state = AccountSecurity.objects.filter(user=user).first()
    if state and state.locked_until and state.locked_until > now:
        return LoginOutcome(ok=False, refused="locked", until=state.locked_until)
    if _failures_in_last_hour(user, now) >= policy.FAILURES_PER_HOUR:
        oldest = (
            LoginFailure.objects.filter(user=user, created_at__gt=now - HOUR)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[policy.FAILURES_PER_HOUR - 1]
        )
        return LoginOutcome(ok=False, refused="capped", until=oldest + HOUR)
    return None


def login_attempt(*, user: User, password: str, ip: str | None = None) -> LoginOutcome:
    """Check one password for an existing account, applying lockout and the hourly cap."""
    refusal = login_refusal(user=user)
    if refusal is not None:
        with transaction.atomic():
            _audit(
                user,
                "auth.login_refused",
                ip=ip,
                data={"reason": refusal.refused, "until": refusal.until.isoformat()},
            )
        return refusal
    correct = user.check_password(password)
    now = timezone.now()
    with transaction.atomic():
        AccountSecurity.objects.get_or_create(user=user)
        state = AccountSecurity.objects.select_for_update().get(pk=user.pk)
        if correct and user.is_active:
            if state.failed_logins or state.locked_until:
                state.failed_logins = 0
                state.locked_until = None
                state.save(update_fields=["failed_logins", "locked_until"])
            _audit(user, "auth.login", ip=ip)
            return LoginOutcome(ok=True)
        if correct:  # the right password of a deactivated account: refused, but not a guess to count
            _audit(user, "auth.login_failed", ip=ip, data={"reason": "inactive"})
            return LoginOutcome(ok=False)
        LoginFailure.objects.filter(user=user, created_at__lte=now - HOUR).delete()
        LoginFailure.objects.create(user=user, created_at=now, ip_address=ip)
        state.failed_logins += 1
        _audit(
            user,
            "auth.login_failed",
            ip=ip,
            data={"reason": "bad_password", "consecutive": state.failed_logins},
        )
        if state.failed_logins >= policy.LOCKOUT_THRESHOLD:
            # The count starts again after the cool-off: another five guesses, then another lock.
            state.failed_logins = 0
            state.locked_until = now + policy.lockout_cooloff()
            _audit(
                user,
                "auth.lockout",
                ip=ip,
                data={"until": state.locked_until.isoformat(), "threshold": policy.LOCKOUT_THRESHOLD},
            )
        state.save(update_fields=["failed_logins", "locked_until"])
        if state.locked_until and state.locked_until > now:
            return LoginOutcome(ok=False, refused="locked", until=state.locked_until)
        return LoginOutcome(ok=False)


def login_unknown_user(*, username: str, ip: str | None = None) -> None:
    """A login for a username that does not exist: recorded, nothing to count against."""
    with transaction.atomic():
        audit_record(
            actor=None,
            organisation=None,
            action="auth.login_failed",
            object_type="accounts.user",
            data={"reason": "unknown_user", "username": username[:150]},
            ip_address=ip,
        )


def _require_office(actor: Actor) -> None:
    """The office, or a system administrator (the admin site, where a superuser need not act for it)."""
    if not (actor.is_office or getattr(actor.user, "is_superuser", False)):
        raise PermissionDenied(_("Only the provincial office can do this."))


def _user_for_office(actor: Actor, user_id: int) -> User:
    _require_office(actor)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Account not found."))
    return user


@transaction.atomic
def account_unlock(*, actor: Actor, user_id: int) -> bool:
    """The office lifts a lock and forgets this hour's failures. False if the account was not locked."""
    user = _user_for_office(actor, user_id)
    now = timezone.now()
    locked = AccountSecurity.objects.filter(pk=user.pk, locked_until__gt=now).update(
        locked_until=None, failed_logins=0
    )
    capped = _failures_in_last_hour(user, now) >= policy.FAILURES_PER_HOUR
    if not (locked or capped):
        return False
    LoginFailure.objects.filter(user=user).delete()
    AccountSecurity.objects.filter(pk=user.pk).update(failed_logins=0)
    _audit(user, "auth.unlock", ip=actor.ip_address, actor=actor.user)
    return True


def locked_accounts(*, now: datetime | None = None) -> list[AccountSecurity]:
    """Accounts in a cool-off or at the hourly cap, newest lock first (for the office's page)."""
    now = now or timezone.now()
    capped_ids = (
        LoginFailure.objects.filter(created_at__gt=now - HOUR)
        .values("user")
        .annotate(n=Count("id"))
        .filter(n__gte=policy.FAILURES_PER_HOUR)
        .values("user")
    )
    return list(
        AccountSecurity.objects.filter(Q(locked_until__gt=now) | Q(user_id__in=capped_ids))
        .select_related("user")
        .order_by("-locked_until")
    )


# --------------------------------------------------------------------------------------- passwords


def password_changed_record(*, user: User) -> None:
    """Called whenever a password is saved (see validators.PasswordChangeRecorder): restarts the expiry."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now()})


def password_set_now(*, users) -> None:
    """Accounts created with a password by a command (seed_demo) rather than set_password: their password
    age starts now, whatever their date_joined says."""
    now = timezone.now()
    for user in users:
        AccountSecurity.objects.update_or_create(user=user, defaults={"password_changed_at": now})


def password_change_audit(*, user: User, ip: str | None, expired: bool) -> None:
    with transaction.atomic():
        _audit(user, "auth.password_change", ip=ip, data={"expired": expired})


# -------------------------------------------------------------------------------------- two-factor


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_enrol_confirm(*, user: User, token: str, ip: str | None = None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the device with a code from the app; returns it and fresh recovery codes (shown once)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
        )
        if device is None:
            raise NotFound(_("Start the enrolment again: no pending authenticator was found."))
        if device.verify_token((token or "").strip().replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # One authenticator per person: an older one (before a reset) stops working.
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _recovery_codes_replace(user)
            _audit(user, "auth.2fa_enrol", ip=ip, obj=device)
            return device, codes
    # Outside the transaction above, which committed: a refusal is recorded, not rolled back.
    with transaction.atomic():
        _audit(user, "auth.2fa_failed", ip=ip, obj=device, data={"step": "enrol"})
    raise ValidationFailed(
        _("Please correct the errors below."),
        details={"token": [_("The code is wrong or has expired. Enter the 6 digits the app shows now.")]},
    )


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, ip: str | None = None) -> list[str]:
    codes = _recovery_codes_replace(user)
    _audit(user, "auth.recovery_codes", ip=ip)
    return codes


def two_factor_verify(*, user: User, token: str, ip: str | None = None):
    """The second step of a login: a code from the app, or one unused recovery code (then used up).
    Returns the device that matched, or raises ValidationFailed. django-otp's throttling (a growing wait
    after each wrong code) and the failure's audit record are committed, not rolled back with the error."""
    token = (token or "").strip().replace(" ", "").lower()
    with transaction.atomic():
        if token.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        elif token:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            device = None
        if device is not None and device.verify_is_allowed()[0] and device.verify_token(token):
            data = (
                {"recovery_code": True, "left": device.token_set.count()}
                if isinstance(device, StaticDevice)
                else {}
            )
            _audit(user, "auth.2fa_verify", ip=ip, obj=device, data=data)
            return device
        _audit(user, "auth.2fa_failed", ip=ip, data={"step": "verify"})
    raise ValidationFailed(
        _("Please correct the errors below."),
        details={
            "token": [
                _(
                    "The code is wrong or has expired. Enter the 6 digits the app shows now, "
                    "or one of your recovery codes."
                )
            ]
        },
    )


@transaction.atomic
def two_factor_reset(*, actor: Actor, user_id: int) -> bool:
    """Another office user removes someone's authenticator and recovery codes: they enrol again at their
    next login. Nobody resets their own (that would let a stolen password replace the second factor)."""
    user = _user_for_office(actor, user_id)
    if actor.user is not None and actor.user.pk == user.pk:
        raise PermissionDenied(_("Another office user must reset your two-factor authentication."))
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    deleted_static, _rows = StaticDevice.objects.filter(user=user).delete()
    if not (deleted or deleted_static):
        return False
    _audit(user, "auth.2fa_reset", ip=actor.ip_address, actor=actor.user)
    return True
