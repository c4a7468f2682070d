"""Mentorship reminders: scope declarations to renew, supervision overdue, sessions waiting."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from mentorship.models import MeetingStatus, SessionRound, SessionStatus, SupervisedSession
from rehabpath.ledger import deliver
from rehabpath.models import Delivery
from rehabpath.reminders import sweep
from tests.factories import (
    MentorAssignmentFactory,
    SupervisedSessionFactory,
    SupervisionMeetingFactory,
    TrainerProfileFactory,
    published_scope_statement,
    signed_scope_declaration,
)
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def run(source: str, day: dt.date, **kwargs) -> int:
    return sweep(now=at(day), only=[source], **kwargs).new


def rows(kind: str) -> list[tuple[int, str]]:
    found = Delivery.objects.filter(kind=kind).order_by("created_at", "id")
    return list(found.values_list("recipient_id", "milestone"))


# --- expiry.scope ---------------------------------------------------------------------------


def test_a_scope_declaration_is_reminded_at_each_milestone_once():
    trainer = TrainerProfileFactory()
    declaration = signed_scope_declaration(
        trainer=trainer, statement=published_scope_statement(), signed_on=dt.date(2026, 1, 10)
    )
    assert declaration.expires_on == dt.date(2027, 1, 10)
    for days_before in range(95, -3, -1):
        run("expiry.scope", dt.date(2027, 1, 10) - dt.timedelta(days=days_before))
        run("expiry.scope", dt.date(2027, 1, 10) - dt.timedelta(days=days_before))
    user = trainer.user_id
    assert rows("expiry.scope") == [(user, f"2027-01-10:{m}d") for m in (90, 30, 7, 0)]
    row = Delivery.objects.filter(kind="expiry.scope").first()
    assert row.subject_key == f"scope:{declaration.public_id}"
    assert row.path == reverse("mentorship:scope")


def test_a_newer_declaration_supersedes_the_old_one():
    trainer = TrainerProfileFactory()
    statement = published_scope_statement()
    signed_scope_declaration(trainer=trainer, statement=statement, signed_on=dt.date(2026, 1, 10))
    signed_scope_declaration(trainer=trainer, statement=statement, signed_on=dt.date(2026, 12, 1))
    run("expiry.scope", dt.date(2026, 12, 11))
    assert rows("expiry.scope") == []


def test_the_scope_mail_links_to_the_scope_page(settings):
    trainer = TrainerProfileFactory()
    signed_scope_declaration(
        trainer=trainer, statement=published_scope_statement(), signed_on=dt.date(2026, 1, 10)
    )
    run("expiry.scope", dt.date(2027, 1, 3))
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.subject.endswith("Your scope of practice declaration expires on 10 Jan 2027")
    assert f"{settings.SITE_URL}{reverse('mentorship:scope')}" in message.body


# --- supervision.overdue ----------------------------------------------------------------------


def test_overdue_supervision_reminds_trainer_and_mentor_once_per_period(settings):
    settings.REMINDER_SUPERVISION_OVERDUE_DAYS = 31
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    SupervisionMeetingFactory(assignment=assignment, meeting_date=dt.date(2026, 3, 10))
    for offset in range(0, 70):
        run("supervision.overdue", dt.date(2026, 3, 10) + dt.timedelta(days=offset))
    trainer, mentor = assignment.trainer.user_id, assignment.mentor.user_id
    # Overdue from 11 April (31 days after), again from 12 May (62 days after).
    assert sorted(rows("supervision.overdue")) == sorted(
        [
            (trainer, "since:2026-03-10:1"),
            (mentor, "since:2026-03-10:1"),
            (trainer, "since:2026-03-10:2"),
            (mentor, "since:2026-03-10:2"),
        ]
    )


def test_a_new_meeting_starts_a_new_count_and_a_disputed_one_does_not():
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    SupervisionMeetingFactory(assignment=assignment, meeting_date=dt.date(2026, 3, 10))
    assert run("supervision.overdue", dt.date(2026, 4, 10)) == 0  # 31 days: not yet
    assert run("supervision.overdue", dt.date(2026, 4, 11)) == 2
    SupervisionMeetingFactory(
        assignment=assignment,
        meeting_date=dt.date(2026, 4, 12),
        status=MeetingStatus.DISPUTED,
        dispute_reason="We did not meet that day.",
        disputed_at=at(dt.date(2026, 4, 12)),
    )
    assert run("supervision.overdue", dt.date(2026, 4, 13)) == 0
    SupervisionMeetingFactory(assignment=assignment, meeting_date=dt.date(2026, 4, 14))
    assert run("supervision.overdue", dt.date(2026, 5, 15)) == 0
    assert run("supervision.overdue", dt.date(2026, 5, 16)) == 2
    assert {m for _, m in rows("supervision.overdue")} == {
        "since:2026-03-10:1",
        "since:2026-04-14:1",
    }


def test_no_meeting_yet_counts_from_the_start_and_ended_assignments_are_skipped():
    started = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 20))
    MentorAssignmentFactory(
        starts_on=dt.date(2026, 1, 1),
        trainer=TrainerProfileFactory(status=TrainerProfile.Status.SUSPENDED),
    )
    run("supervision.overdue", dt.date(2026, 2, 2))
    assert {r for r, _ in rows("supervision.overdue")} == {
        started.trainer.user_id,
        started.mentor.user_id,
    }


def test_the_overdue_mails_speak_to_each(settings):
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    run("supervision.overdue", dt.date(2026, 2, 2))
    deliver(Delivery.objects.values_list("id", flat=True))
    by_address = {message.to[0]: message for message in mail.outbox}
    to_mentor = by_address[assignment.mentor.user.email]
    to_trainer = by_address[assignment.trainer.user.email]
    assert "No supervision meeting with" in to_mentor.subject
    assert to_trainer.subject.endswith("No supervision meeting since 1 Jan 2026")
    assert f"{settings.SITE_URL}{reverse('mentorship:meeting_new')}" in to_mentor.body
    assert f"{settings.SITE_URL}{reverse('mentorship:meetings')}" in to_trainer.body


@pytest.mark.parametrize("count", [2, 25])
def test_overdue_queries_grow_with_batches_not_assignments(django_assert_num_queries, count):
    for _ in range(count):
        MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    with django_assert_num_queries(3):  # the page, preferences, one INSERT
        run("supervision.overdue", dt.date(2026, 3, 1), batch_size=50)


# --- session.waiting ----------------------------------------------------------------------


def submitted(assignment, *, at_time: dt.datetime, number: int = 1):
    session: SupervisedSession = SupervisedSessionFactory.create(
        trainer=assignment.trainer, status=SessionStatus.SUBMITTED, submitted_at=at_time
    )
    for earlier in range(1, number):
        SessionRound.objects.create(
            session=session,
            number=earlier,
            content={},
            submitted_at=at_time - dt.timedelta(days=10),
            decision="returned",
            feedback="More on pacing, please.",
        )
    SessionRound.objects.create(session=session, number=number, content={}, submitted_at=at_time)
    return session


def test_a_session_waiting_more_than_a_week_reminds_the_mentor_once(settings):
    settings.REMINDER_SESSION_WAITING_DAYS = 7
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    # Submitted on Monday 1 June at 23:30 London (22:30 UTC).
    session = submitted(assignment, at_time=at(dt.date(2026, 6, 1), 23) + dt.timedelta(minutes=30))
    assert run("session.waiting", dt.date(2026, 6, 8)) == 0  # seven days: not more
    assert run("session.waiting", dt.date(2026, 6, 9)) == 1
    assert run("session.waiting", dt.date(2026, 6, 10)) == 0
    assert rows("session.waiting") == [(assignment.mentor.user_id, "round-1")]
    row = Delivery.objects.get(kind="session.waiting")
    assert row.path == reverse("mentorship:session", args=[session.public_id])


def test_each_submission_round_has_its_own_reminder():
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    submitted(assignment, at_time=at(dt.date(2026, 6, 1)), number=2)
    run("session.waiting", dt.date(2026, 6, 12))
    assert rows("session.waiting") == [(assignment.mentor.user_id, "round-2")]


def test_decided_sessions_and_sessions_without_a_mentor_wait_for_no_one():
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 5, 1))
    submitted(assignment, at_time=at(dt.date(2026, 4, 1)))
    SupervisedSessionFactory(status=SessionStatus.RETURNED, submitted_at=at(dt.date(2026, 4, 1)))
    run("session.waiting", dt.date(2026, 6, 12))
    assert rows("session.waiting") == []


def test_the_waiting_mail_names_the_trainer(settings):
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    session = submitted(assignment, at_time=at(dt.date(2026, 6, 1)))
    run("session.waiting", dt.date(2026, 6, 10))
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.to == [assignment.mentor.user.email]
    name = assignment.trainer.user.name
    assert message.subject.endswith(f"{name}'s session has waited 9 days for your sign-off")
    assert reverse("mentorship:session", args=[session.public_id]) in message.body


@pytest.mark.parametrize("count", [2, 25])
def test_waiting_queries_grow_with_batches_not_sessions(django_assert_num_queries, count):
    assignment = MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    for _ in range(count):
        submitted(assignment, at_time=at(dt.date(2026, 6, 1)))
    with django_assert_num_queries(3):  # the page, preferences, one INSERT
        run("session.waiting", dt.date(2026, 6, 12), batch_size=50)
