"""The authentication backend: Django's ModelBackend with lockout, the hourly cap and audit records.

Every password check goes through `authenticate()` and so through here (our login page, Django's admin
login form, `Client.login`), which is why the rules live in a backend rather than in one form."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from scenariohub.authn import services

# Set on the request when an attempt was refused without checking the password, so the login form can say
# why (and until when) instead of "wrong username or password".
REFUSAL_ATTR = "scenariohub_login_refusal"


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()  # noqa: N806 - the model class
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # as ModelBackend: the same time as for an existing account
            services.login_unknown_user(username=username, ip=ip)
            return None
        outcome = services.login_attempt(user=user, password=password, ip=ip)
        if outcome.refused and request is not None:
            setattr(request, REFUSAL_ATTR, outcome)
        if outcome.refused:
            # Stops authenticate() here: no other backend may accept this account while it is locked.
            raise PermissionDenied
        return user if outcome.ok else None
