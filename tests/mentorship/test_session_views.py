"""The supervised-session pages: the trainer's form and list, the detail page, the decision."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship.models import SessionStatus, SupervisedSession
from rehabpath.models import AuditEvent
from tests import factories

NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def area(db):
    return factories.ConditionAreaFactory(slug="stroke", name="Stroke")


@pytest.fixture
def assigned(trainer_user, mentor_user):
    return factories.MentorAssignmentFactory(
        mentor=mentor_user.mentor_profile,
        trainer=trainer_user.trainer_profile,
        starts_on=dt.date(2026, 1, 1),
    )


def form_data(area, **changes):
    data = {
        "session_date": "2026-06-01",
        "duration_minutes": "45",
        "condition_area": str(area.pk),
        "complexity": "2",
        "mode": "direct_observation",
        "client_reference": "C-014",
        "delivered": "Seated balance work, shorter sets when fatigue rose.",
        "adapted": "on",
        "reflection": "Start the rest breaks earlier.",
        "escalated_to": "",
        "escalation_reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_whole_cycle_in_the_pages(client_for, trainer_user, mentor_user, area, assigned):
    client = client_for(trainer_user)
    response = client.post(reverse("mentorship:session_new"), form_data(area))
    session = SupervisedSession.objects.get()
    assert response.url == reverse("mentorship:session", args=[session.public_id])
    page = client.get(response.url)
    assert "Send to my mentor" in page.text

    client.post(reverse("mentorship:session_submit", args=[session.public_id]))
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED

    client = client_for(mentor_user)
    page = client.get(reverse("mentorship:session", args=[session.public_id]))
    assert "Your decision" in page.text and "I observed this session directly" in page.text
    decide = reverse("mentorship:session_decide", args=[session.public_id])
    response = client.post(decide, {"decision": "return", "feedback": "Say which sets."})
    assert response.status_code == 302

    client = client_for(trainer_user)
    assert "returned to you" in client.get(reverse("home")).text
    page = client.get(reverse("mentorship:session_edit", args=[session.public_id]))
    assert "Say which sets." in page.text
    response = client.post(
        reverse("mentorship:session_edit", args=[session.public_id]),
        form_data(area, delivered="Three sets of five sit to stand.", fingerprint=None),
    )
    assert response.status_code == 302
    client.post(reverse("mentorship:session_submit", args=[session.public_id]))

    client = client_for(mentor_user)
    client.post(
        decide,
        {"decision": "sign_off", "feedback": "Good.", "statement": "observed_directly"},
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED_OFF

    client = client_for(trainer_user)
    page = client.get(reverse("mentorship:session", args=[session.public_id]))
    assert session.signed_hash in page.text and "Round 2" in page.text
    listing = client.get(reverse("mentorship:sessions"))
    assert "Your supervised practice" in listing.text
    levels = listing.context["progress"][0].levels
    assert [level.signed_off for level in levels] == [0, 1, 0]


def test_an_identifying_reference_re_renders_the_form_with_the_refusal(
    client_for, trainer_user, area
):
    client = client_for(trainer_user)
    response = client.post(
        reverse("mentorship:session_new"), form_data(area, client_reference="Mrs Patel")
    )
    assert response.status_code == 200
    assert "could identify" in response.text or "identif" in response.text
    assert "Seated balance work" in response.text  # nothing typed is lost
    assert not SupervisedSession.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="supervised_session").exists()


def test_identifying_free_text_asks_for_the_checkbox_then_saves(client_for, trainer_user, area):
    client = client_for(trainer_user)
    data = form_data(area, reflection="Her daughter lives at BS1 4DJ.")
    response = client.post(reverse("mentorship:session_new"), data)
    assert response.status_code == 200
    assert "I have checked: this text identifies nobody" in response.text
    assert "looks like a postcode" in response.text or "postcode" in response.text
    assert not SupervisedSession.objects.exists()
    response = client.post(
        reverse("mentorship:session_new"), {**data, "confirm_no_identifiers": "on"}
    )
    assert response.status_code == 302
    assert SupervisedSession.objects.count() == 1


def test_escalation_needs_whom_and_why(client_for, trainer_user, area):
    client = client_for(trainer_user)
    response = client.post(reverse("mentorship:session_new"), form_data(area, escalated="on"))
    assert response.status_code == 200
    assert "to whom you escalated" in response.text.lower()
    assert not SupervisedSession.objects.exists()


def test_the_mentor_must_give_feedback_and_the_form_keeps_the_choice(
    client_for, trainer_user, mentor_user, area, assigned
):
    session = factories.SupervisedSessionFactory(
        trainer=trainer_user.trainer_profile, condition_area=area
    )
    client_for(trainer_user).post(reverse("mentorship:session_submit", args=[session.public_id]))
    client = client_for(mentor_user)
    response = client.post(
        reverse("mentorship:session_decide", args=[session.public_id]), {"decision": "return"}
    )
    assert response.status_code == 200
    assert "Write your feedback" in response.text
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED


def test_a_decision_made_meanwhile_is_reported_not_repeated(
    client_for, trainer_user, mentor_user, area, assigned
):
    session = factories.SupervisedSessionFactory(
        trainer=trainer_user.trainer_profile, condition_area=area
    )
    client_for(trainer_user).post(reverse("mentorship:session_submit", args=[session.public_id]))
    client = client_for(mentor_user)
    decide = reverse("mentorship:session_decide", args=[session.public_id])
    client.post(decide, {"decision": "return", "feedback": "Once."})
    response = client.post(decide, {"decision": "return", "feedback": "Twice."}, follow=True)
    assert "no longer waiting" in response.text
    assert AuditEvent.objects.filter(action="supervised_session.return").count() == 1


def test_staff_see_the_delay_to_sign_off(
    client_for, trainer_user, mentor_user, staff_user, area, assigned
):
    session = factories.SupervisedSessionFactory(
        trainer=trainer_user.trainer_profile, condition_area=area
    )
    client_for(trainer_user).post(reverse("mentorship:session_submit", args=[session.public_id]))
    client_for(mentor_user).post(
        reverse("mentorship:session_decide", args=[session.public_id]),
        {"decision": "sign_off", "feedback": "Fine.", "statement": "observed_directly"},
    )
    page = client_for(staff_user).get(reverse("mentorship:session", args=[session.public_id]))
    assert "14 days after the session" in page.text
    page = client_for(trainer_user).get(reverse("mentorship:session", args=[session.public_id]))
    assert "after the session" not in page.text
    staff_page = client_for(staff_user).get(
        reverse("programme:trainer_detail", args=[trainer_user.trainer_profile.public_id])
    )
    assert staff_page.context["session_lines"][0].sign_off_delay_days == 14
    assert "14 days" in staff_page.text


def _sessions(profile, area, n):
    for i in range(n):
        factories.SupervisedSessionFactory(
            trainer=profile,
            condition_area=area,
            session_date=dt.date(2026, 5, 1) + dt.timedelta(days=i),
        )


@pytest.mark.parametrize("n", [2, 30])
def test_the_session_list_runs_a_fixed_number_of_queries(
    client_for, trainer_user, area, n, django_assert_num_queries
):
    _sessions(trainer_user.trainer_profile, area, n)
    client = client_for(trainer_user)
    client.get(reverse("mentorship:sessions"))  # the first request records the session
    # the user (with roles and profile); the page of sessions (with areas and round counts)
    # and their count; the pathway rules in force (the counts asked for); the progress
    # (three); the returned count; the mentor, in 8 queries.
    with django_assert_num_queries(8):
        response = client.get(reverse("mentorship:sessions"))
    assert len(response.context["page"].object_list) == min(n, 25)
