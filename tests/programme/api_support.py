"""Helpers of the API's tests: a clinic with an admin and a token, and calls with it."""

import json

from programme.api.tokens import api_token_create
from rehabpath.audit import Actor
from tests import factories

PROBLEM = "application/problem+json"


def clinic_token(clinic=None, *, name="Rota system"):
    """(token, secret) of a new token of `clinic` (a new clinic with an admin by default)."""
    membership = (
        factories.ClinicMembershipFactory(clinic=clinic)
        if clinic is not None
        else factories.ClinicMembershipFactory()
    )
    return api_token_create(
        actor=Actor.for_user(membership.user), clinic=membership.clinic, name=name
    )


def call(client, url, secret=None, **params):
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return client.get(url, params, headers=headers)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = json.loads(response.content)
    assert body["status"] == status
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["title"] and body["detail"]
    return body
