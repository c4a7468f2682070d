from rehabpath.navigation import nav_for
from rehabpath.roles import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset()}
    return {
        "nav_items": nav_for(user, request.path),
        "user_roles": {r.value for r in roles_of(user)},
    }
