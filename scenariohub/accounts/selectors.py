from scenariohub.accounts.actors import ANONYMOUS, Actor
from scenariohub.accounts.models import Membership

SESSION_MEMBERSHIP_KEY = "scenariohub_membership_id"


def membership_list_for_user(*, user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, ended_at__isnull=True)  # ended: the account was anonymised
        .select_related("organisation", "organisation__region")
        .order_by("id")
    )


def actor_for_request(request) -> Actor:
    """The acting membership is the one chosen in the session, else the user's first one."""
    cached = getattr(request, "_scenariohub_actor", None)
    if cached is not None:
        return cached
    ip = request.META.get("REMOTE_ADDR")
    memberships = membership_list_for_user(user=getattr(request, "user", None))
    if not memberships:
        actor = Actor(user=request.user if request.user.is_authenticated else None, membership=None, ip_address=ip)
    else:
        chosen_id = request.session.get(SESSION_MEMBERSHIP_KEY) if hasattr(request, "session") else None
        membership = next((m for m in memberships if m.id == chosen_id), memberships[0])
        actor = Actor(user=request.user, membership=membership, ip_address=ip)
    request._scenariohub_actor = actor
    return actor


def actor_for_membership(membership: Membership, *, ip_address: str | None = None) -> Actor:
    return Actor(user=membership.user, membership=membership, ip_address=ip_address)


__all__ = ["ANONYMOUS", "Actor", "actor_for_membership", "actor_for_request", "membership_list_for_user"]
