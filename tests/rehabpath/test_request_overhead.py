"""What every signed-in request costs before its view: one query, the user with their roles.

The session comes from the cache (cached_db, with Redis in production), the user's roles and
second factor come with the user (rehabpath.auth), and allauth's session tracking writes at
most once in ACTIVITY_INTERVAL_SECONDS (rehabpath.middleware).
"""

import datetime as dt

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.utils import timezone

from rehabpath.middleware import ACTIVITY_INTERVAL_SECONDS


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("persona", ["trainer_user", "mentor_user", "staff_user"])
def test_a_signed_in_request_runs_one_query_before_the_view(
    client, request, persona, cached_sessions, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/livez").status_code == 200  # the session's first activity is recorded

    with django_assert_num_queries(1):  # the user, their roles and second factor: one SELECT
        assert client.get("/livez").status_code == 200


def test_the_dashboard_asks_nothing_more_about_the_user_than_that_query(
    client, trainer_user, cached_sessions, django_assert_max_num_queries
):
    client.force_login(trainer_user)
    client.get("/")
    # The navigation, the MFA check and the trainer panel reuse the loaded user and profile
    # (the panel's own queries, as tests/programme/test_dashboard.py counts them: records,
    # CPD, the current mentor, the meetings waiting, the scope declaration, returned sessions,
    # and the pathway in fourteen).
    with django_assert_max_num_queries(28):
        assert client.get("/").status_code == 200


def test_session_activity_is_written_at_most_once_an_interval(client, trainer_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(trainer_user)
        client.get("/")
        seen = UserSession.objects.get(user=trainer_user).last_seen_at

    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        client.get("/")
    assert UserSession.objects.get(user=trainer_user).last_seen_at == seen

    later = start + dt.timedelta(seconds=ACTIVITY_INTERVAL_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        client.get("/")
    assert UserSession.objects.get(user=trainer_user).last_seen_at == later


def test_a_privileged_user_without_a_second_factor_is_still_sent_to_set_one_up(client, db):
    from tests import factories

    staff = factories.UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"


def test_a_deactivated_user_is_signed_out(client, trainer_user):
    client.force_login(trainer_user)
    trainer_user.is_active = False
    trainer_user.save()

    assert client.get("/").status_code == 302
