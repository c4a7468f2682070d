"""Who is calling the API: a clinic's token, from `Authorization: Bearer rp_…`.

The token is the actor of everything the call does (`Actor.api_token`, with the clinic admin
who created it), and it sees only its own clinic. Each token has its own rate limit, counted
in the shared cache (Redis in production) so that every web process counts together.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from programme.api.problems import ApiProblem
from programme.api.tokens import display_prefix, token_for_secret
from programme.models import ApiToken
from rehabpath.audit import Actor, client_ip
from trainers.models import Clinic

# last_used_at is written at most this often per token: a script polling every second would
# otherwise write the row on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class ApiCaller:
    token: ApiToken
    actor: Actor

    @property
    def clinic(self) -> Clinic:
        return self.token.clinic


def caller_of(request: HttpRequest) -> ApiCaller:
    """The caller ninja authenticated for this request (every operation needs one)."""
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiCaller):
        raise RuntimeError("An API operation without the token auth.")
    return caller


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller:
        found = token_for_secret(token.strip())
        if found is None:
            raise ApiProblem(401, "unauthorized", "This is not an API token of RehabPath.")
        if not found.is_active:
            raise ApiProblem(
                401, "unauthorized", "This token has been revoked; ask your clinic's admin."
            )
        _mark_used(found)
        actor = Actor.api_token(
            token_label=f"{found.name} ({display_prefix(found)})",
            user=found.created_by,
            ip_address=client_ip(request),
        )
        return ApiCaller(token=found, actor=actor)


def _mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # Conditional: of two requests racing past the check above, one writes.
    ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(last_used_at=now)
    token.last_used_at = now


class TokenRateLimit(BaseThrottle):
    """API_RATE_LIMIT_PER_MINUTE requests a token may make in each clock minute.

    A fixed window counted with the cache's atomic add/incr (one round trip each): the key
    names the window, so it needs no reset and expires on its own.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        caller = caller_of(request)
        limit: int = settings.API_RATE_LIMIT_PER_MINUTE
        now = time.time()
        window = int(now // RATE_WINDOW_SECONDS)
        key = f"api-rate:{caller.token.pk}:{window}"
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        # Until the next window; from the clock, as one instance serves every request.
        return RATE_WINDOW_SECONDS - time.time() % RATE_WINDOW_SECONDS
