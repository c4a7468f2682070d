"""Who may see what. Every view goes through these helpers; no view filters by owner itself.

Conventions:
- anonymous users are sent to the login page (``login_required`` / ``role_required``);
- a user without the role a page needs gets 403;
- an object the user has no relation to is a 404, so its existence is not revealed;
- a user who may see an object but not change it gets 403 when asking to write.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from rehabpath.roles import Role, has_role


def role_required(*roles: Role) -> Callable:
    """Allow a view to users holding any of `roles`; anonymous users go to the login page."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied("Your account does not have the role this page needs.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
