"""Health: the process answers (/livez), and the database and broker it needs (/healthz)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabpath.celery import app as celery_app


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message says why
        return f"error: {type(exc).__name__}"
    return "ok"


def broker_status() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1,
                interval_start=0,
                # celery-types says int; kombu sleeps this many seconds, a float is what it means.
                interval_step=0.2,  # type: ignore[arg-type]
                timeout=2,
            )
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@never_cache
@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """ "ok" when this process answers, whatever the database: a liveness probe.

    It reads nothing and says nothing else, so it is safe in public. Requests pass through the
    whole middleware stack, which makes it the benchmark's bare view (`make bench`): the
    ceiling every page is compared with.
    """
    return HttpResponse("ok", content_type="text/plain")
