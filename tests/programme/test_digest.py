"""The weekly digest (programme.digest): who gets one, what it says, once a week, and nothing
when there is nothing to say."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme import digest
from programme.models import EligibilityState
from rehabpath.ledger import deliver
from rehabpath.mail import _render
from rehabpath.models import Delivery, NotificationPreference
from rehabpath.notifications import notify
from rehabpath.reminders import sweep
from tests import factories
from tests.mentorship.workspace_data import make_session, mentee_of
from trainers.models import ClinicShare

# Monday 8 June 2026 (ISO week 24), 09:00 UTC: 10:00 in London.
MONDAY = dt.datetime(2026, 6, 8, 9, 0, tzinfo=dt.UTC)
LAST_WEEK = dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now(settings):
    settings.REMINDER_DIGEST_WEEKDAY = 0
    with time_machine.travel(MONDAY, tick=False):
        yield


def run(now=MONDAY, **kwargs):
    return sweep(now=now, only=[digest.KIND], **kwargs)


def digests():
    return Delivery.objects.filter(kind=digest.KIND)


@pytest.fixture
def mentor(db):
    user = factories.MentorProfileFactory(user__name="Mia Stone").user
    return user


def test_a_mentor_gets_their_queue_and_each_mentees_progress(mentor):
    assignment = mentee_of(mentor, trainer__user__name="Tom O'Hara")
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    make_session(
        assignment.trainer, area=area, session_date=dt.date(2026, 6, 1), submitted_at=LAST_WEEK
    )
    run()
    row = digests().get()
    assert (row.recipient, row.milestone, row.in_app) == (mentor, "2026-W24", True)
    message = _render(row)
    assert message.subject.endswith("Your weekly digest, week of 8 Jun 2026")
    assert "WAITING FOR YOUR SIGN-OFF (1)" in message.body
    assert "Tom O'Hara: 1 Jun 2026, Stroke" in message.body
    assert "YOUR MENTEES' PROGRESS" in message.body
    html = message.alternatives[0].content
    assert "Tom O&#x27;Hara" in html or "Tom O&#39;Hara" in html


def test_one_digest_a_week_whatever_the_sweeps(mentor):
    mentee_of(mentor)
    run()
    run(now=MONDAY + dt.timedelta(hours=3))
    run(now=MONDAY + dt.timedelta(days=2))
    assert list(digests().values_list("milestone", flat=True)) == ["2026-W24"]
    run(now=MONDAY + dt.timedelta(days=7))
    assert sorted(digests().values_list("milestone", flat=True)) == ["2026-W24", "2026-W25"]


def test_nothing_before_the_digest_day_of_the_week(mentor, settings):
    settings.REMINDER_DIGEST_WEEKDAY = 2  # Wednesday
    mentee_of(mentor)
    run()
    assert not digests().exists()
    run(now=MONDAY + dt.timedelta(days=2))
    assert digests().get().milestone == "2026-W24"


def test_the_digest_day_is_the_london_day(mentor):
    mentee_of(mentor)
    # Sunday 7 June, 23:30 UTC is already Monday 00:30 in London (BST).
    run(now=dt.datetime(2026, 6, 7, 23, 30, tzinfo=dt.UTC))
    assert digests().get().milestone == "2026-W24"


def test_nothing_when_there_is_nothing_to_say(db, mentor):
    factories.TrainerProfileFactory()  # a trainer with nothing moved to the digest
    factories.ClinicMembershipFactory()  # an admin whose roster did not change
    # A mentor whose only assignment has ended.
    factories.MentorAssignmentFactory(
        mentor=mentor.mentor_profile, ended_at=LAST_WEEK, end_reason="Moved"
    )
    report = run()
    assert report.new == 0 and not digests().exists()


def test_a_clinic_admin_reads_their_rosters_changes_of_the_week(db):
    clinic = factories.ClinicFactory(name="Riverside Neuro")
    admin = factories.ClinicMembershipFactory(clinic=clinic).user
    outsider = factories.ClinicMembershipFactory().user
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    changed = factories.TrainerProfileFactory(user__name="Dana Reid")
    newcomer = factories.TrainerProfileFactory(user__name="Ed Long")
    leaver = factories.TrainerProfileFactory(user__name="Flo Hart")
    ClinicShare.objects.create(
        trainer=changed, clinic=clinic, started_at=LAST_WEEK.replace(month=1)
    )
    ClinicShare.objects.create(trainer=newcomer, clinic=clinic, started_at=LAST_WEEK)
    ClinicShare.objects.create(
        trainer=leaver,
        clinic=clinic,
        started_at=LAST_WEEK.replace(month=1),
        ended_at=LAST_WEEK,
    )
    EligibilityState.objects.create(
        trainer=changed,
        condition_area=area,
        status="not_eligible",
        previous_status="eligible",
        reasons_sha256="0" * 64,
        version=2,
        changed_at=LAST_WEEK,
        checked_on=LAST_WEEK.date(),
    )
    run()
    row = digests().get()
    assert row.recipient == admin and outsider.pk != row.recipient_id
    body = _render(row).body
    assert "RIVERSIDE NEURO: YOUR ROSTER THIS WEEK" in body
    assert "Dana Reid: not eligible for Stroke (was eligible)" in body
    assert "Ed Long started sharing their record" in body
    assert "Flo Hart stopped sharing their record" in body


def test_a_change_before_the_week_says_nothing(db):
    clinic = factories.ClinicFactory()
    factories.ClinicMembershipFactory(clinic=clinic)
    trainer = factories.TrainerProfileFactory()
    ClinicShare.objects.create(
        trainer=trainer, clinic=clinic, started_at=LAST_WEEK.replace(month=1)
    )
    EligibilityState.objects.create(
        trainer=trainer,
        condition_area=factories.ConditionAreaFactory(),
        status="not_eligible",
        previous_status="eligible",
        reasons_sha256="0" * 64,
        version=2,
        changed_at=LAST_WEEK - dt.timedelta(days=7),
        checked_on=LAST_WEEK.date(),
    )
    run()
    assert not digests().exists()


def test_rows_moved_to_the_digest_are_listed_once_and_become_digested(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    trainer = factories.TrainerProfileFactory()
    NotificationPreference.objects.create(
        user=trainer.user, kind="record.decided", choice=NotificationPreference.Choice.DIGEST
    )
    waiting = notify(
        kind="record.decided",
        recipient=trainer.user,
        subject_key="record_decision:x",
        milestone="verified:1",
        context={"outcome": "verified", "kind_label": "Insurance", "kind_in_sentence": "insurance"},
        path="/records/insurance/x/",
    )
    assert waiting.status == Delivery.Status.DIGEST
    run()
    row = digests().get(recipient=trainer.user)
    assert deliver([row.pk])
    [message] = mail.outbox
    assert "Your insurance is verified" in message.body
    assert settings.SITE_URL + "/records/insurance/x/" in message.body
    waiting.refresh_from_db()
    row.refresh_from_db()
    assert waiting.status == Delivery.Status.DIGESTED
    assert row.context["listed"] == [waiting.pk]
    # Rendered again (a retried send): the same list, from the digest's own context.
    assert "Your insurance is verified" in _render(row).body
    # Next week: nothing waits, nothing to say.
    run(now=MONDAY + dt.timedelta(days=7))
    assert digests().count() == 1


@pytest.mark.parametrize("mentors", [2, 6])
def test_the_digest_source_costs_the_same_queries_for_more_people(mentors, db):
    for _ in range(mentors):
        mentee_of(factories.MentorProfileFactory().user)
    with CaptureQueriesContext(connection) as queries:
        report = run()
    assert report.new == mentors
    # Mentors, admins with roster changes, people with rows waiting, this week's digests
    # (four queries), then the batch: preferences and the insert.
    assert len(queries) == 6


@pytest.mark.parametrize("mentees", [1, 4])
def test_a_digests_content_costs_the_same_queries_for_more_mentees(mentees, mentor):
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    for _ in range(mentees):
        make_session(mentee_of(mentor).trainer, area=area, submitted_at=LAST_WEEK)
    run()
    row = digests().get()
    with CaptureQueriesContext(connection) as queries:
        _render(row)
    assert len(queries) == BUILDER_QUERIES


# The rows it lists, the first time (a savepoint, the digest row locked, the waiting rows read,
# marked, the list saved, the savepoint released; then the rows read), the queue, the mentees,
# their progress (three), the admin's clinics (none here: no more).
BUILDER_QUERIES = 13
