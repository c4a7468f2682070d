"""Send holders of privileged roles to MFA setup until they have a second factor."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from rehabpath.models import User
from rehabpath.roles import PRIVILEGED_ROLES, roles_of

# Paths a user without MFA can still reach: setting MFA up, signing out, health, assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/verify/")
# What counts as a second factor. Recovery codes only back one of these up.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def mfa_waived(user: User | AnonymousUser) -> bool:
    """Demo accounts skip the requirement in DEMO_MODE (which only DEBUG allows)."""
    return bool(settings.DEMO_MODE and settings.DEBUG and getattr(user, "is_demo", False))


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and roles_of(user) & PRIVILEGED_ROLES
            and not mfa_waived(user)
            and not is_mfa_enabled(user, types=SECOND_FACTORS)
        ):
            messages.warning(
                request,
                "Your role gives you access to other people's records, so your account needs "
                "a second factor. Set up an authenticator app or a passkey to continue.",
            )
            return redirect("mfa_index")
        return self.get_response(request)
