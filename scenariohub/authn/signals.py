"""At every login (the login page, the admin's, a test's force_login) the session learns when it started
and which rules apply to this person, so the middleware can enforce them without a query per request."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from scenariohub.authn import policy

LOGIN_AT = "authn_login_at"  # epoch seconds of the login (absolute timeout)
SEEN_AT = "authn_seen_at"  # epoch seconds of the last request, to a minute (idle timeout)
TWO_FACTOR = "authn_two_factor"  # this account must verify a second factor
PASSWORD_EXPIRED = "authn_password_expired"  # noqa: S105 - a session key; the password must be changed before anything else


@receiver(user_logged_in, dispatch_uid="scenariohub.authn.session_policy")
def session_policy_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    roles = policy.user_roles(user)
    request.session[LOGIN_AT] = request.session[SEEN_AT] = int(now.timestamp())
    request.session[TWO_FACTOR] = policy.requires_two_factor(user, roles)
    request.session[PASSWORD_EXPIRED] = policy.password_expired(user, now=now, roles=roles)
