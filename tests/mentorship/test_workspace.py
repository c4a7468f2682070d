"""The mentor's workspace: the sign-off queue, the mentee page and the dashboard panel."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship import workspace
from mentorship.models import SessionRound, SessionStatus
from tests import factories
from tests.mentorship.workspace_data import make_session, mentee_of

NOW = "2026-03-20 12:00Z"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def _queue_ids(user) -> list[int]:
    return [row.session.pk for row in workspace.queue_page(user).rows]


def test_the_queue_holds_only_submitted_sessions_of_current_mentees(mentor_user):
    mine = mentee_of(mentor_user).trainer
    waiting = make_session(mine)
    for status in (SessionStatus.DRAFT, SessionStatus.RETURNED, SessionStatus.SIGNED_OFF):
        make_session(mine, status=status)
    # Dated before the assignment began: not this mentor's to decide.
    make_session(mine, session_date=dt.date(2025, 12, 20))
    # Another mentor's mentee.
    make_session(factories.MentorAssignmentFactory().trainer)
    # A mentee whose assignment staff ended, and one whose assignment ran out.
    ended = mentee_of(
        mentor_user, ended_at=_at(10), end_reason="Moved away", starts_on=dt.date(2026, 1, 1)
    )
    make_session(ended.trainer)
    lapsed = mentee_of(mentor_user, ends_on=dt.date(2026, 3, 15))
    make_session(lapsed.trainer)
    # A trainer with no mentor at all.
    make_session(factories.TrainerProfileFactory())

    assert _queue_ids(mentor_user) == [waiting.pk]
    assert workspace.waiting_counts(mentor_user) == workspace.WaitingCounts(1, 1)


def test_the_queue_spans_every_mentee_oldest_submission_first(mentor_user):
    first, second = mentee_of(mentor_user).trainer, mentee_of(mentor_user).trainer
    newest = make_session(first, submitted_at=_at(19))
    oldest = make_session(second, submitted_at=_at(5))
    middle = make_session(first, submitted_at=_at(12))

    assert _queue_ids(mentor_user) == [oldest.pk, middle.pk, newest.pk]


def test_each_row_says_how_long_it_has_waited_and_flags_a_week(mentor_user):
    trainer = mentee_of(mentor_user).trainer
    make_session(trainer, submitted_at=_at(11))  # 9 days
    make_session(trainer, submitted_at=_at(13))  # exactly 7 days: not yet overdue
    make_session(trainer, submitted_at=_at(19))
    make_session(trainer, submitted_at=_at(20, 8))

    rows = workspace.queue_page(mentor_user).rows

    assert [row.waiting_label for row in rows] == [
        "waiting 9 days",
        "waiting 7 days",
        "waiting 1 day",
        "waiting since today",
    ]
    assert [row.overdue for row in rows] == [True, False, False, False]
    assert workspace.waiting_counts(mentor_user) == workspace.WaitingCounts(4, 1)


def test_the_queue_page_shows_level_area_trainer_and_resubmission(client_for, mentor_user):
    trainer = mentee_of(mentor_user, trainer__user__name="Sam Trainee").trainer
    area = factories.ConditionAreaFactory(name="Multiple sclerosis")
    session = make_session(trainer, area=area, complexity=2, submitted_at=_at(10))
    for number, decision in ((1, "returned"), (2, "")):
        SessionRound.objects.create(
            session=session,
            number=number,
            content={},
            submitted_at=_at(number),
            decision=decision,
            feedback="Say more about the pacing." if decision else "",
        )

    page = client_for(mentor_user).get(reverse("mentorship:queue")).content.decode()

    assert "1 supervised session waits for your sign-off" in page
    assert "1 has waited more than 7 days" in page
    assert "Sam Trainee" in page and "Multiple sclerosis" in page
    assert "Level 2</span> fluctuating presentation or fatigue" in page
    assert "waiting 10 days" in page and "queue-item-overdue" in page
    assert "Round 2: resubmitted" in page
    assert reverse("mentorship:mentee", args=[trainer.public_id]) in page


def test_each_row_opens_the_session_page_where_the_mentor_decides(client_for, mentor_user):
    trainer = mentee_of(mentor_user).trainer
    session = make_session(trainer, session_date=dt.date(2026, 3, 2))
    client = client_for(mentor_user)

    page = client.get(reverse("mentorship:queue")).content.decode()
    url = reverse("mentorship:session", args=[session.public_id])

    assert f'href="{url}"' in page
    assert client.get(url).status_code == 200
    mentee_page = client.get(reverse("mentorship:mentee", args=[trainer.public_id]))
    assert f'href="{url}"' in mentee_page.content.decode()


def test_the_empty_queue_says_what_to_expect(client_for, mentor_user, unassigned_mentor_user):
    mentee_of(mentor_user)
    page = client_for(mentor_user).get(reverse("mentorship:queue")).content.decode()
    assert "Nothing waits for your sign-off. When one of your mentees submits" in page
    page = client_for(unassigned_mentor_user).get(reverse("mentorship:queue")).content.decode()
    assert "You have no mentees at the moment" in page


def test_the_queue_pages_by_submission_time(client_for, mentor_user):
    trainer = mentee_of(mentor_user).trainer
    sessions = [make_session(trainer, submitted_at=_at(1 + n)) for n in range(5)]

    first = workspace.queue_page(mentor_user, per_page=2)
    second = workspace.queue_page(mentor_user, per_page=2, after=first.next_cursor)
    third = workspace.queue_page(mentor_user, per_page=2, after=second.next_cursor)

    seen = [row.session.pk for page in (first, second, third) for row in page.rows]
    assert seen == [session.pk for session in sessions]
    assert third.next_cursor is None and not second.is_first
    # A broken cursor starts from the oldest again.
    assert workspace.queue_page(mentor_user, after="nonsense").rows[0].session == sessions[0]


def _mentors_queue(mentor_user, n: int) -> None:
    area = factories.ConditionAreaFactory()
    for i in range(n):
        trainer = mentee_of(mentor_user).trainer
        session = make_session(trainer, area=area, submitted_at=_at(1 + i % 19))
        SessionRound.objects.create(
            session=session, number=1, content={}, submitted_at=_at(1 + i % 19)
        )


@pytest.mark.parametrize("n", [2, 20])
def test_the_queue_runs_a_fixed_number_of_queries(
    client_for, mentor_user, n, django_assert_num_queries
):
    _mentors_queue(mentor_user, n)
    client = client_for(mentor_user)
    client.get(reverse("mentorship:queue"))  # the first request records the session
    # the signed-in user; the page (rounds in a subquery); the mentees; waiting per mentee.
    with django_assert_num_queries(4):
        response = client.get(reverse("mentorship:queue"))
    assert response.content.decode().count('<li class="queue-item') == n


# --- The mentee page ------------------------------------------------------------------------


def test_the_mentee_page_shows_progress_sessions_and_what_is_overdue(client_for, mentor_user):
    assignment = mentee_of(
        mentor_user, trainer__user__name="Sam Trainee", ends_on=dt.date(2026, 4, 10)
    )
    stroke = factories.ConditionAreaFactory(name="Stroke")
    trainer = assignment.trainer
    for _ in range(6):
        make_session(trainer, area=stroke, status=SessionStatus.SIGNED_OFF)
    make_session(trainer, area=stroke, complexity=2, status=SessionStatus.SIGNED_OFF)
    make_session(trainer, area=stroke, complexity=2, submitted_at=_at(5))
    make_session(trainer, area=stroke, complexity=3, status=SessionStatus.RETURNED)

    response = client_for(mentor_user).get(reverse("mentorship:mentee", args=[trainer.public_id]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "You mentor them since" in page
    assert "<strong>6</strong>/6" in page and "<strong>1</strong>/4" in page
    assert "1 waiting" in page and "1 returned" in page
    assert "Stroke: 3 at level 2 and 2 at level 3 still to be signed off." in page
    assert "1 session has waited more than 7 days for sign-off" in page
    assert "The assignment ends in 21 days" in page
    assert "waiting 15 days" in page


def test_the_mentee_page_shows_supervision_by_month_and_a_missed_month(client_for, mentor_user):
    assignment = mentee_of(mentor_user, starts_on=dt.date(2025, 12, 1))
    factories.SupervisionMeetingFactory(
        assignment=assignment,
        meeting_date=dt.date(2026, 1, 14),
        status="confirmed",
        confirmed_by=assignment.trainer.user,
        confirmed_at=_at(1),
    )
    factories.SupervisionMeetingFactory(assignment=assignment, meeting_date=dt.date(2026, 3, 2))
    url = reverse("mentorship:mentee", args=[assignment.trainer.public_id])

    page = client_for(mentor_user).get(url).content.decode()

    assert "January 2026: 1 confirmed" in page
    assert "March 2026: none yet this month" in page
    assert "No confirmed supervision meeting in February 2026" in page
    assert "Supervision meeting, 2 Mar 2026" in page and "Waiting for confirmation" in page


def test_a_month_before_the_assignment_began_is_not_missed(client_for, mentor_user):
    assignment = mentee_of(mentor_user, starts_on=dt.date(2026, 3, 1))
    url = reverse("mentorship:mentee", args=[assignment.trainer.public_id])
    page = client_for(mentor_user).get(url).content.decode()
    assert "No confirmed supervision meeting in" not in page
    assert "No supervision meeting recorded yet." in page


def test_staff_read_the_mentee_page_of_a_trainer_without_a_mentor(client_for, staff_user):
    trainer = factories.TrainerProfileFactory()
    response = client_for(staff_user).get(reverse("mentorship:mentee", args=[trainer.public_id]))
    assert response.status_code == 200
    assert "No current mentor." in response.content.decode()


def test_another_mentor_gets_404_for_a_mentee_not_theirs(client_for, unassigned_mentor_user):
    trainer = factories.MentorAssignmentFactory().trainer
    url = reverse("mentorship:mentee", args=[trainer.public_id])
    assert client_for(unassigned_mentor_user).get(url).status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_the_mentee_page_runs_a_fixed_number_of_queries(
    client_for, mentor_user, n, django_assert_num_queries
):
    assignment = mentee_of(mentor_user)
    areas = [factories.ConditionAreaFactory() for _ in range(3)]
    assignment.focus_areas.add(areas[0])
    statuses = [SessionStatus.SUBMITTED, SessionStatus.RETURNED, SessionStatus.SIGNED_OFF]
    for i in range(n):
        factories.SupervisionMeetingFactory(assignment=assignment, meeting_date=_at(1).date())
        make_session(
            assignment.trainer,
            area=areas[i % 3],
            complexity=1 + i % 3,
            status=statuses[i % 3],
        )
    client = client_for(mentor_user)
    url = reverse("mentorship:mentee", args=[assignment.trainer.public_id])
    client.get(url)
    # the signed-in user; the trainer; the assignment and its focus areas; waiting and
    # returned sessions; recent sign-offs; the pathway rules in force (the counts asked
    # for); progress (counts, focus areas, areas); meetings by month; the latest meetings.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


# --- The dashboard panel and the navigation -------------------------------------------------


def test_the_dashboard_panel_counts_what_waits_and_links_into_the_queue(client_for, mentor_user):
    first = mentee_of(mentor_user, trainer__user__name="Ann Early").trainer
    second = mentee_of(mentor_user, trainer__user__name="Ben Later").trainer
    make_session(first, submitted_at=_at(2))
    make_session(first, submitted_at=_at(18))
    make_session(second, submitted_at=_at(19))
    make_session(second, status=SessionStatus.DRAFT)

    page = client_for(mentor_user).get(reverse("home")).content.decode()

    assert '<span class="stat">3</span> sessions</a>' in page
    assert "1 over 7 days" in page
    assert f'href="{reverse("mentorship:queue")}"' in page
    assert reverse("mentorship:mentee", args=[first.public_id]) in page
    assert '2 waiting, <span class="overdue-text">1 overdue</span>' in page
    assert "1 waiting · since" in page
    assert "Sign-off queue" in page  # the navigation


def test_the_dashboard_panel_runs_a_fixed_number_of_queries(mentor_user, django_assert_num_queries):
    from mentorship.dashboard import mentor_panel

    _mentors_queue(mentor_user, 3)
    user = type(mentor_user).objects.get(pk=mentor_user.pk)
    with django_assert_num_queries(4):  # with the supervision meetings waiting for them
        panel = mentor_panel(user)
    assert panel["waiting"].total == 3 and len(panel["mentees"]) == 3
