"""The rules, in one place: who must use two-factor authentication, whose password expires, how long a
session lives, when an account locks. Numbers that an operator may tune come from settings (environment
variables, see README); the thresholds that the assessment fixes are constants."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from scenariohub.accounts.models import Membership, Role

# GB/T 22239 level 3 as the issue states it: lock after 5 consecutive failures; never more than 100
# wrong passwords an hour for one account, whatever the cool-off is set to.
LOCKOUT_THRESHOLD = 5
FAILURES_PER_HOUR = 100

# Roles whose members handle unpublished needs and reviews: their passwords expire.
STAFF_ROLES = frozenset({Role.OFFICE, Role.CITY, Role.DEPARTMENT, Role.AUDITOR})
# Roles that must log in with a second factor (as must anyone who can open the admin site).
TWO_FACTOR_ROLES = frozenset({Role.OFFICE})


def lockout_cooloff() -> timedelta:
    return timedelta(minutes=settings.SCENARIOHUB_LOGIN_LOCKOUT_MINUTES)


def password_max_age() -> timedelta | None:
    days = settings.SCENARIOHUB_PASSWORD_MAX_AGE_DAYS
    return timedelta(days=days) if days > 0 else None


def session_idle_limit() -> timedelta:
    return timedelta(minutes=settings.SCENARIOHUB_SESSION_IDLE_MINUTES)


def session_absolute_limit() -> timedelta:
    return timedelta(hours=settings.SCENARIOHUB_SESSION_ABSOLUTE_HOURS)


def user_roles(user) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def requires_two_factor(user, roles: set[str] | None = None) -> bool:
    if user.is_staff or user.is_superuser:  # the admin site
        return True
    roles = user_roles(user) if roles is None else roles
    return bool(roles & TWO_FACTOR_ROLES)


def password_expires(user, roles: set[str] | None = None) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    roles = user_roles(user) if roles is None else roles
    return bool(roles & STAFF_ROLES)


def password_changed_at(user) -> datetime:
    from scenariohub.authn.models import AccountSecurity

    changed = AccountSecurity.objects.filter(user=user).values_list("password_changed_at", flat=True).first()
    return changed or user.date_joined


def password_expired(user, *, now: datetime | None = None, roles: set[str] | None = None) -> bool:
    """A staff account's password older than the configured age (PASSWORD_MAX_AGE_DAYS; 0 turns it off)."""
    max_age = password_max_age()
    if max_age is None or not password_expires(user, roles):
        return False
    return (now or timezone.now()) - password_changed_at(user) > max_age
