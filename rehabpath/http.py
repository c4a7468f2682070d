"""The signed-in request, typed.

Behind ``login_required`` or ``role_required`` a view's request has a real `User`, not
``User | AnonymousUser``: annotate such a view's request as `AuthenticatedHttpRequest`, so that
mypy lets it hand ``request.user`` to the access helpers and services (which take a `User`)
and catches a view that forgot its decorator's promise. Nothing changes at run time: Django
still passes an `HttpRequest` whose ``user`` the authentication middleware set.
"""

from django.http import HttpRequest

from rehabpath.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
