"""The API's door: bearer tokens, one clinic each, rate limits, last use, problem+json."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from programme.api.tokens import api_token_revoke
from rehabpath.audit import Actor
from tests.programme.api_support import PROBLEM, assert_problem, call, clinic_token

pytestmark = pytest.mark.django_db

AREAS = "/api/v1/areas"


@pytest.fixture
def token():
    return clinic_token()


def test_an_active_token_reads_the_areas(client, token):
    _, secret = token
    response = call(client, AREAS, secret)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "items" in response.json()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer rp_short",
        "Bearer rp_abcdefgh_" + "x" * 43,  # the shape of a token, but none of ours
        "Token rp_abcdefgh_" + "x" * 43,
    ],
)
def test_no_malformed_or_unknown_token_gets_in(client, token, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get(AREAS, headers=headers)
    body = assert_problem(response, 401)
    assert body["type"].endswith("#problem-unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(client, token):
    api_token, secret = token
    assert call(client, AREAS, secret).status_code == 200
    api_token_revoke(actor=Actor.for_user(api_token.created_by), token=api_token)

    body = assert_problem(call(client, AREAS, secret), 401)
    assert "revoked" in body["detail"]


def test_last_use_is_written_at_most_once_a_minute(client, token):
    api_token, secret = token
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        call(client, AREAS, secret)
        api_token.refresh_from_db()
        assert api_token.last_used_at == start

        clock.shift(dt.timedelta(seconds=59))
        call(client, AREAS, secret)
        api_token.refresh_from_db()
        assert api_token.last_used_at == start

        clock.shift(dt.timedelta(seconds=2))
        call(client, AREAS, secret)
        api_token.refresh_from_db()
        assert api_token.last_used_at == timezone.now()


def test_the_rate_limit_counts_per_token_and_says_when_to_retry(client, settings, token):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _, secret = token
    _, other_secret = clinic_token()
    with time_machine.travel(
        dt.datetime(2026, 12, 1, 9, 0, 15, tzinfo=dt.UTC), tick=False
    ) as clock:
        assert [call(client, AREAS, secret).status_code for _ in range(3)] == [200] * 3

        refused = call(client, AREAS, secret)
        body = assert_problem(refused, 429)
        assert body["type"].endswith("#problem-rate-limited")
        assert refused["Retry-After"] == "45"
        # Another token has its own count.
        assert call(client, AREAS, other_secret).status_code == 200

        clock.shift(dt.timedelta(seconds=45))
        assert call(client, AREAS, secret).status_code == 200


def test_errors_outside_the_operations_are_problems_too(client, token):
    _, secret = token
    assert_problem(call(client, "/api/v1/nowhere", secret), 404)
    assert_problem(call(client, "/api/v1/", secret), 404)
    not_allowed = client.post(AREAS, headers={"Authorization": f"Bearer {secret}"})
    assert_problem(not_allowed, 405)
    assert not_allowed["Allow"] == "GET"


def test_an_unexpected_error_is_a_problem_and_is_logged(rf, caplog):
    from programme.api.site import api

    # What an operation that raised hands ninja: its handler answers, Django's logger logs.
    response = api.on_exception(rf.get(AREAS), RuntimeError("boom"))

    body = assert_problem(response, 500)
    assert "boom" not in body["detail"]
    assert response["Content-Type"] == PROBLEM
    assert any(record.exc_info for record in caplog.records)
