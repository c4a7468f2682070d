"""Every error of the API as `application/problem+json` (RFC 9457): type, title, status, detail.

django-ninja answers its own errors (validation, authentication, throttling, 404 inside an
operation) through the exception handlers installed here; what happens outside an operation
(a path that matches no route, a method an operation does not take, ninja's bare root) is
caught by `problem_responses`, which site_urls wraps around every API view, and by the
catch-all route at the end of site_urls. Nothing under /api/v1/ answers an error in HTML.
"""

import json
import logging
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger("django.request")

MEDIA_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    """The `type` of a problem this API defines: its entry in the API's documentation."""
    return f"{settings.SITE_URL}/api/v1/docs#problem-{slug}"


# The problems the API defines, by slug: (title, what the documentation says about it).
PROBLEMS: dict[str, tuple[str, str]] = {
    "unauthorized": (
        "Unauthorized",
        "No token, a malformed one, an unknown one or a revoked one. Send "
        "`Authorization: Bearer rp_…` with an active token of your clinic.",
    ),
    "invalid-request": (
        "Your request has invalid parameters",
        "A query or path parameter is missing, malformed or out of range; `errors` lists each "
        "one with where it is (`loc`) and what is wrong (`msg`).",
    ),
    "rate-limited": (
        "Too many requests",
        "The token made more requests this minute than the limit. Wait the seconds of the "
        "`Retry-After` header.",
    ),
    "conflict": (
        "The roster changed during the request",
        "A trainer stopped sharing their record while the answer was being made: ask again.",
    ),
    "not-found": (
        "Not found",
        "No such resource for your clinic: an unknown path, or a trainer who does not share "
        "their record with your clinic (or no longer does).",
    ),
}


class ApiProblem(Exception):
    """Raise in an operation to answer with a problem of this API."""

    def __init__(self, status: int, slug: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.extra = extra


def problem_response(
    status: int, detail: str, *, slug: str | None = None, **extra: Any
) -> HttpResponse:
    """A problem response; without `slug`, the plain HTTP status (type about:blank)."""
    if slug is not None:
        body: dict[str, Any] = {"type": problem_type(slug), "title": PROBLEMS[slug][0]}
    else:
        body = {"type": "about:blank", "title": HTTPStatus(status).phrase}
    body |= {"status": status, "detail": detail, **extra}
    return HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)


def _unauthorized(detail: str) -> HttpResponse:
    response = problem_response(401, detail, slug="unauthorized")
    # RFC 6750: say which scheme the API takes.
    response["WWW-Authenticate"] = 'Bearer realm="RehabPath clinic API"'
    return response


def install_handlers(api: NinjaAPI) -> None:
    # ninja types a handler's exception as "the class or an instance"; it passes an instance.
    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:  # ApiProblem
        if exc.status == 401:
            return _unauthorized(exc.detail)
        return problem_response(exc.status, exc.detail, slug=exc.slug, **exc.extra)

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:  # AuthenticationError
        return _unauthorized("Send an API token of your clinic: Authorization: Bearer rp_…")

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:  # ValidationError
        errors = [
            {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return problem_response(
            422,
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
            slug="invalid-request",
            errors=errors,
        )

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:  # Throttled
        # ninja adds Retry-After to this response from the throttle's wait().
        return problem_response(
            429,
            "This token made too many requests this minute; wait as Retry-After says.",
            slug="rate-limited",
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:  # HttpError
        return problem_response(exc.status_code, str(exc))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:  # Http404
        return problem_response(404, "Nothing here for your clinic.", slug="not-found")

    def on_error(request: HttpRequest, exc: Any) -> HttpResponse:  # Exception
        # As Django would log an unhandled exception (and mail it to ADMINS where set).
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return problem_response(500, "Something went wrong on our side; it has been logged.")

    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Exception, on_error)


def problem_responses[**P](
    view: Callable[P, HttpResponseBase],
) -> Callable[P, HttpResponseBase]:
    """Turn what a view answers outside ninja's handlers (405, a raised 404) into problems."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            response = view(*args, **kwargs)
        except Http404:
            return problem_response(404, "Nothing here for your clinic.", slug="not-found")
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            MEDIA_TYPE
        ):
            problem = problem_response(
                response.status_code, HTTPStatus(response.status_code).description
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if response.has_header(header):
                    problem[header] = response[header]
            return problem
        return response

    return wrapper


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any path under /api/v1/ that is no route of the API."""
    return problem_response(404, "The API has no such path.", slug="not-found")
