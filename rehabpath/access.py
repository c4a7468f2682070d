"""Who may see what. Every view goes through these helpers; no view filters by owner itself.

Conventions:
- anonymous users are sent to the login page (``login_required`` / ``role_required``);
- a user without the role a page needs gets 403;
- an object the user has no relation to is a 404, so its existence is not revealed;
- a user who may see an object but not change it gets 403 when asking to write.

A view behind either decorator takes an `rehabpath.http.AuthenticatedHttpRequest`.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase

from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role, has_role

type SignedInView[**P, R: HttpResponseBase] = Callable[Concatenate[AuthenticatedHttpRequest, P], R]


def role_required[**P, R: HttpResponseBase](
    *roles: Role,
) -> Callable[[SignedInView[P, R]], SignedInView[P, R]]:
    """Allow a view to users holding any of `roles`; anonymous users go to the login page."""

    def decorator(view: SignedInView[P, R]) -> SignedInView[P, R]:
        @login_required
        @wraps(view)
        def wrapper(request: AuthenticatedHttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied("Your account does not have the role this page needs.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
