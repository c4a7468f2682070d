from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rehabpath.inbox.selectors import UNREAD_SHOWN_UP_TO, unread_count
from rehabpath.models import User
from rehabpath.navigation import nav_for
from rehabpath.roles import roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Error pages may render before the authentication middleware set a user.
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset()}
    unread = unread_count(user)  # loaded with the user (rehabpath.auth): no query of its own
    return {
        "nav_items": nav_for(user, request.path),
        "user_roles": {r.value for r in roles_of(user)},
        "unread_notifications": unread,
        "unread_label": f"{UNREAD_SHOWN_UP_TO}+" if unread > UNREAD_SHOWN_UP_TO else str(unread),
    }


def brand(request: HttpRequest) -> dict[str, Any]:
    """The site's name and support address, for pages that tell people whom to ask."""
    return {"site_name": settings.SITE_NAME, "support_email": settings.SUPPORT_EMAIL}
