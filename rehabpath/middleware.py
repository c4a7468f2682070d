"""Middleware: the request size limit, the MFA requirement of privileged roles, and throttled
session tracking."""

import hashlib
import time
from collections.abc import Callable

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render

from rehabpath.models import User
from rehabpath.roles import PRIVILEGED_ROLES, has_second_factor, roles_of

# Paths a user without MFA can still reach: setting MFA up, signing out, health, assets.
# The API (/api/v1/) reads no session: its tokens are its authentication.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/livez", "/verify/", "/api/v1/")
# How often a signed-in session's "last seen" (and address, browser) is written.
ACTIVITY_INTERVAL_SECONDS = 5 * 60


def mfa_waived(user: User | AnonymousUser) -> bool:
    """Demo accounts skip the requirement in DEMO_MODE (which only DEBUG allows)."""
    return bool(settings.DEMO_MODE and settings.DEBUG and getattr(user, "is_demo", False))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class RequestSizeLimitMiddleware:
    """Refuse a body larger than MAX_REQUEST_BYTES from its Content-Length, with a 413 page.

    The evidence check (10 MB a file) runs only once the whole body has been received and
    parsed; without this a client could send gigabytes to any form. The proxy in front should
    refuse the same (README: nginx's client_max_body_size); this holds without one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unreadable length as no body at all
        limit: int = settings.MAX_REQUEST_BYTES
        if length > limit:
            context = {
                "sent": _megabytes(length),
                "limit": _megabytes(limit),
                "file_limit": _megabytes(settings.EVIDENCE_MAX_BYTES),
                "max_files": settings.EVIDENCE_MAX_FILES,
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


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
            and isinstance(user, User)
            and not has_second_factor(user)
        ):
            messages.warning(
                request,
                "Your role gives you access to other people's records, so your account needs "
                "a second factor. Set up an authenticator app or a passkey to continue.",
            )
            return redirect("mfa_index")
        return self.get_response(request)


class UserSessionActivityMiddleware:
    """allauth's session tracking (the "your sessions" list), at most once per interval.

    allauth's own middleware reads and rewrites the session's row on every request (five
    queries, one a write, before any view). Here a cache key per session lets one request in
    ACTIVITY_INTERVAL_SECONDS through to allauth; the others skip it (one cache read). Signing
    in still records the session at once (allauth does that on login); "last seen" is at most
    that late.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        key = session.session_key if session is not None else None
        if user is not None and user.is_authenticated and key:
            # Hashed: the cache never holds a usable session key. The time of the last write
            # is the value (not only the key's expiry) so that the interval is this clock's.
            marker = "usersession-seen:" + hashlib.sha256(key.encode()).hexdigest()
            now = time.time()
            last = cache.get(marker)
            if not isinstance(last, float) or now - last >= ACTIVITY_INTERVAL_SECONDS:
                cache.set(marker, now, timeout=ACTIVITY_INTERVAL_SECONDS * 2)
                usersessionkit.track_activity(request, user=user, session=session)
        return self.get_response(request)
