from scenariohub.accounts.selectors import actor_for_request, membership_list_for_user


def membership(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"actor": actor_for_request(request) if hasattr(request, "user") else None, "memberships": []}
    return {"actor": actor_for_request(request), "memberships": membership_list_for_user(user=request.user)}
