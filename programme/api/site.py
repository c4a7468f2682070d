"""The clinics' JSON API: one NinjaAPI, its token auth, rate limit, problems and docs."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from programme.api import endpoints
from programme.api.auth import ApiTokenAuth, TokenRateLimit
from programme.api.problems import MEDIA_TYPE, PROBLEMS, install_handlers

DESCRIPTION = """
Eligibility of the trainers who share their record with your clinic, as the check page gives
it: for each condition area, **eligible**, **supervised_only** (only under the mentor named)
or **not_eligible**, with every reason in plain words, when it was computed (`as_at`) and the
last day it holds (`holds_until`). Every call that answers about trainers is stored as a check
of your clinic, under the token's name, exactly like a check made on the page, and is
written to the audit log with the token as the actor.

**Authentication.** A clinic admin creates a token on the clinic's *API tokens* page (it is
shown once). Send it on every request: `Authorization: Bearer rp_…`. A token sees only its
own clinic's shared trainers.

**Rate limit.** Each token may make a fixed number of requests a minute; past it the API
answers 429 with `Retry-After` (seconds).

**Pagination.** `GET /trainers` pages with an opaque cursor: follow `next` until it is null.

**Errors** are `application/problem+json` (RFC 9457) with `type`, `title`, `status` and
`detail`. The types this API defines:
"""


def _problem_docs() -> str:
    lines = [
        f'- <a id="problem-{slug}"></a>`…/api/v1/docs#problem-{slug}` — **{title}**: {text}'
        for slug, (title, text) in PROBLEMS.items()
    ]
    return "\n".join(lines) + "\n\nOthers use `about:blank` with the HTTP status as title."


class ClinicApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """ninja's schema, with errors declared as application/problem+json."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[MEDIA_TYPE] = content.pop("application/json")
                    if int(status) == 429:
                        response["headers"] = {
                            "Retry-After": {
                                "description": "Seconds to wait before the next request.",
                                "schema": {"type": "integer"},
                            }
                        }
        return schema


api = ClinicApi(
    title="RehabPath clinic API",
    version="1",
    description=DESCRIPTION + _problem_docs(),
    urls_namespace="api_v1",
    auth=ApiTokenAuth(),
    throttle=[TokenRateLimit()],
    openapi_url="/openapi.json",
    docs_url="/docs",
    # The Swagger UI that django-ninja ships, from our static files; no call to its online
    # validator (the CSP would refuse it anyway).
    docs=Swagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0}),
)
install_handlers(api)
api.add_router("", endpoints.router)
