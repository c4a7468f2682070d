"""The meeting pages: recording, the identifier warning, deciding, the list and its queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship.models import MeetingStatus, SupervisionMeeting
from rehabpath.models import AuditEvent
from tests import factories

NHS_NUMBER = "943 476 5919"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def assignment(mentor_user, trainer_user):
    return factories.MentorAssignmentFactory(
        mentor=mentor_user.mentor_profile, trainer=trainer_user.trainer_profile
    )


def _form(assignment, **overrides):
    data = {
        "assignment": assignment.pk,
        "meeting_date": "2026-06-12",
        "kind": "supervision",
        "mode": "in_person",
        "topics": "Balance work for a client with Parkinson's.",
        "agreed_actions": "Add a dual-task progression.",
    }
    data.update(overrides)
    return data


def test_a_mentor_records_a_meeting_with_a_mentee(client_for, mentor_user, assignment):
    client = client_for(mentor_user)
    page = client.get(reverse("mentorship:meeting_new"))
    assert page.status_code == 200
    assert "your mentee" in page.content.decode()
    assert 'type="date" name="meeting_date" value="2026-06-15"' in page.content.decode()

    response = client.post(
        reverse("mentorship:meeting_new"), _form(assignment, mentor_notes="Confident.")
    )

    meeting = SupervisionMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentorship:meeting", args=[meeting.public_id])
    assert meeting.recorded_by == mentor_user and meeting.mentor_notes == "Confident."


def test_a_trainer_records_with_their_mentor_and_writes_no_notes(
    client_for, trainer_user, assignment
):
    client = client_for(trainer_user)
    page = client.get(reverse("mentorship:meeting_new")).content.decode()
    assert "your mentor" in page and "Mentor&#x27;s notes" not in page

    client.post(reverse("mentorship:meeting_new"), _form(assignment, mentor_notes="Sneaky."))

    meeting = SupervisionMeeting.objects.get()
    assert meeting.recorded_by == trainer_user and meeting.mentor_notes == ""


def test_a_trainer_without_a_mentor_is_told_why_they_cannot_record(client_for, trainer_user):
    page = client_for(trainer_user).get(reverse("mentorship:meeting_new")).content.decode()
    assert "no current mentoring" in page and "Record the meeting<" not in page


def test_a_mentor_cannot_record_for_someone_elses_mentee(client_for, mentor_user, assignment):
    other = factories.MentorAssignmentFactory()
    response = client_for(mentor_user).post(reverse("mentorship:meeting_new"), _form(other))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SupervisionMeeting.objects.exists()


def test_the_identifier_warning_asks_for_a_tick_and_keeps_the_input(
    client_for, mentor_user, assignment
):
    client = client_for(mentor_user)
    topics = f"Client NHS {NHS_NUMBER}: reviewed the plan."
    response = client.post(reverse("mentorship:meeting_new"), _form(assignment, topics=topics))

    page = response.content.decode()
    assert response.status_code == 200
    assert "seems to contain an NHS number" in page
    assert "does not identify a client" in page  # the tick, now shown
    assert NHS_NUMBER in page  # the person's own input, in this response only
    assert not SupervisionMeeting.objects.exists()
    assert not AuditEvent.objects.exists()

    client.post(
        reverse("mentorship:meeting_new"),
        _form(assignment, topics=topics, identifiers_acknowledged="on"),
    )
    assert SupervisionMeeting.objects.get().topics == topics


def test_the_form_refuses_a_future_date_and_keeps_what_was_typed(
    client_for, mentor_user, assignment
):
    response = client_for(mentor_user).post(
        reverse("mentorship:meeting_new"), _form(assignment, meeting_date="2026-07-01")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "in the future" in page and "dual-task progression" in page


def test_the_trainer_confirms_on_the_meeting_page(client_for, trainer_user, assignment):
    meeting = factories.SupervisionMeetingFactory(assignment=assignment)
    client = client_for(trainer_user)
    page = client.get(reverse("mentorship:meeting", args=[meeting.public_id])).content.decode()
    assert "Confirm the meeting" in page and "Dispute the record" in page

    response = client.post(
        reverse("mentorship:meeting_confirm", args=[meeting.public_id]), follow=True
    )

    meeting.refresh_from_db()
    assert meeting.is_confirmed
    assert "Meeting confirmed" in response.content.decode()
    assert "Confirm the meeting" not in response.content.decode()


def test_a_dispute_without_a_reason_comes_back_with_the_error(client_for, trainer_user, assignment):
    meeting = factories.SupervisionMeetingFactory(assignment=assignment)
    response = client_for(trainer_user).post(
        reverse("mentorship:meeting_dispute", args=[meeting.public_id]), {"dispute-reason": ""}
    )
    assert response.status_code == 200
    assert "Say what is wrong with the record" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING


def test_the_recorders_own_confirmation_is_refused_with_a_message(
    client_for, mentor_user, assignment
):
    meeting = factories.SupervisionMeetingFactory(assignment=assignment)
    response = client_for(mentor_user).post(
        reverse("mentorship:meeting_confirm", args=[meeting.public_id]), follow=True
    )
    assert "You recorded this meeting" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING


def test_a_confirmation_from_a_stale_page_is_refused(client_for, trainer_user, assignment):
    meeting = factories.SupervisionMeetingFactory(assignment=assignment)
    response = client_for(trainer_user).post(
        reverse("mentorship:meeting_confirm", args=[meeting.public_id]),
        {"confirm-fingerprint": "an older page"},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING


def test_the_recorder_corrects_a_disputed_meeting(client_for, mentor_user, assignment):
    meeting = factories.SupervisionMeetingFactory(
        assignment=assignment,
        status=MeetingStatus.DISPUTED,
        disputed_at=dt.datetime(2026, 6, 11, tzinfo=dt.UTC),
        dispute_reason="We spoke by phone.",
    )
    client = client_for(mentor_user)
    url = reverse("mentorship:meeting_edit", args=[meeting.public_id])
    page = client.get(url).content.decode()
    assert "We spoke by phone." in page

    response = client.post(url, _form(assignment, mode="phone"))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING and meeting.mode == "phone"


def test_a_confirmed_meeting_offers_no_edit_and_refuses_one(client_for, mentor_user, assignment):
    meeting = factories.SupervisionMeetingFactory(
        assignment=assignment,
        status=MeetingStatus.CONFIRMED,
        confirmed_by=assignment.trainer.user,
        confirmed_at=dt.datetime(2026, 6, 11, tzinfo=dt.UTC),
    )
    client = client_for(mentor_user)
    page = client.get(reverse("mentorship:meeting", args=[meeting.public_id])).content.decode()
    assert "Correct the record" not in page and "can no longer change" in page
    response = client.get(reverse("mentorship:meeting_edit", args=[meeting.public_id]))
    assert response.status_code == 302


def test_the_list_puts_what_waits_for_you_first(client_for, trainer_user, assignment):
    waiting = factories.SupervisionMeetingFactory(assignment=assignment)
    factories.SupervisionMeetingFactory(
        assignment=assignment,
        recorded_by=trainer_user,
        meeting_date=dt.date(2026, 6, 1),
    )
    page = client_for(trainer_user).get(reverse("mentorship:meetings")).content.decode()
    waiting_section = page.split('id="waiting-title"')[1].split('id="all-title"')[0]
    assert reverse("mentorship:meeting", args=[waiting.public_id]) in waiting_section
    assert waiting_section.count('class="meeting-item"') == 1


def test_a_mentor_lists_meetings_of_current_mentees_only(
    client_for, mentor_user, ended_mentor_user, assignment
):
    factories.SupervisionMeetingFactory(assignment=assignment)
    ended = ended_mentor_user.mentor_profile.assignments.get()
    factories.SupervisionMeetingFactory(assignment=ended, meeting_date=dt.date(2025, 3, 1))

    mine = client_for(mentor_user).get(reverse("mentorship:meetings")).content.decode()
    theirs = client_for(ended_mentor_user).get(reverse("mentorship:meetings")).content.decode()

    assert mine.count('class="meeting-item"') == 2  # theirs and the earlier mentor's
    assert "with an earlier mentor" in mine
    assert 'class="meeting-item"' not in theirs


@pytest.mark.parametrize("n", [1, 15])
@pytest.mark.parametrize(("persona", "queries"), [("trainer_user", 5), ("mentor_user", 6)])
def test_the_list_runs_a_fixed_number_of_queries(
    request, client_for, assignment, n, persona, queries, django_assert_num_queries
):
    for i in range(n):
        factories.SupervisionMeetingFactory(
            assignment=assignment, meeting_date=dt.date(2026, 6, 1) - dt.timedelta(days=i)
        )
        factories.SupervisionMeetingFactory(
            assignment=assignment,
            recorded_by=assignment.trainer.user,
            meeting_date=dt.date(2026, 5, 1) - dt.timedelta(days=i),
        )
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("mentorship:meetings"))  # the first request records the session
    # the user (with roles and trainer profile); the waiting meetings; the months (for a
    # mentor: their mentees, then the months); the page's count; the page.
    with django_assert_num_queries(queries):
        response = client.get(reverse("mentorship:meetings"))
    assert response.status_code == 200


def test_the_dashboards_link_to_what_waits(client_for, trainer_user, mentor_user, assignment):
    factories.SupervisionMeetingFactory(assignment=assignment)  # waits for the trainer
    trainer_page = client_for(trainer_user).get(reverse("home")).content.decode()
    mentor_page = client_for(mentor_user).get(reverse("home")).content.decode()
    assert "1 supervision meeting waits for you" in trainer_page
    assert "supervision meeting" not in mentor_page.split("panel-mentor")[1].split("</section>")[0]
    assert 'href="/meetings/"' in trainer_page and 'href="/meetings/"' in mentor_page  # nav


def test_staff_read_a_meeting_without_acting_on_it(client_for, staff_user, assignment):
    meeting = factories.SupervisionMeetingFactory(assignment=assignment)
    page = client_for(staff_user).get(reverse("mentorship:meeting", args=[meeting.public_id]))
    assert page.status_code == 200
    assert "Confirm the meeting" not in page.content.decode()


def test_the_list_shows_which_months_had_a_confirmed_meeting(client_for, mentor_user, assignment):
    factories.SupervisionMeetingFactory(
        assignment=assignment,
        meeting_date=dt.date(2026, 5, 4),
        status=MeetingStatus.CONFIRMED,
        confirmed_by=assignment.trainer.user,
        confirmed_at=dt.datetime(2026, 5, 5, tzinfo=dt.UTC),
    )
    factories.SupervisionMeetingFactory(assignment=assignment, meeting_date=dt.date(2026, 6, 4))

    page = client_for(mentor_user).get(reverse("mentorship:meetings")).content.decode()

    assert "May 2026: 1 confirmed" in page and "June 2026: none" in page
    assert reverse("mentorship:mentee", args=[assignment.trainer.public_id]) in page
