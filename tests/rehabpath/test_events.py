"""Domain events (rehabpath.events) and the event notifications: who gets what, once, with a
link straight to the page concerned and a title that renders from the row alone."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from mentorship.models import SupervisionStatement
from mentorship.services.assignments import assignment_create, assignment_end
from mentorship.services.sessions import (
    SessionData,
    session_create,
    session_return,
    session_sign_off,
    session_submit,
)
from rehabpath import events
from rehabpath.audit import Actor
from rehabpath.mail import _render
from rehabpath.models import Delivery
from tests import factories
from trainers.clinics import share_start, share_stop
from trainers.models import ClinicShare, VerificationMethod
from trainers.services import record_reject, record_verify, trainer_reinstate, trainer_suspend

NOW = dt.datetime(2026, 6, 3, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def heard(monkeypatch):
    """Subscribe a recorder to the events "test.now" and "test.later"."""
    calls: list[tuple[str, dict]] = []
    monkeypatch.setattr(events, "SUBSCRIBERS", {})
    events.subscribe("test.now")(lambda **data: calls.append(("now", data)))
    events.subscribe("test.later")(lambda **data: calls.append(("later", data)))
    return calls


def title(row: Delivery) -> str:
    """The notification list's title: the subject template over the stored context only."""
    text = render_to_string(f"emails/{row.template}_subject.txt", row.context, using="text")
    return " ".join(text.split())


def assert_mail_links_to(row: Delivery, path: str) -> None:
    assert row.path == path
    message = _render(row)
    url = settings.SITE_URL + path
    assert url in message.body
    html, _mimetype = message.alternatives[0]
    assert f'href="{url}"' in str(html)


# --- The registry ---------------------------------------------------------------------------


def test_publish_runs_subscribers_at_once_inside_the_transaction(db, heard):
    with transaction.atomic():
        events.publish("test.now", trainer_id=7)
        assert heard == [("now", {"trainer_id": 7})]


def test_publish_on_commit_waits_for_the_commit(db, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit("test.later", trainer_ids=[1, 2])
        assert heard == []
    assert heard == [("later", {"trainer_ids": [1, 2]})]


def test_a_rolled_back_change_publishes_nothing_after_commit(db, heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish_on_commit("test.later", trainer_ids=[1])
        raise RuntimeError("the service failed")
    assert heard == []


def test_a_failing_subscriber_after_commit_never_breaks_the_caller(
    db, heard, caplog, django_capture_on_commit_callbacks
):
    def broken(**data):
        raise ConnectionError("broker away")

    events.subscribe("test.later")(broken)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit("test.later", trainer_ids=[3])
    assert heard == [("later", {"trainer_ids": [3]})]  # the other subscriber still ran
    assert "failed" in caplog.text


def test_subscribing_twice_runs_once(db, heard):
    def once(**data):
        heard.append(("once", data))

    events.subscribe("test.now")(once)
    events.subscribe("test.now")(once)
    events.publish("test.now")
    assert [c for c in heard if c[0] == "once"] == [("once", {})]


# --- Sharing with a clinic -------------------------------------------------------------------


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory(name="Riverside Neuro")


@pytest.fixture
def admins(clinic):
    return [factories.ClinicMembershipFactory(clinic=clinic).user for _ in range(2)]


def test_sharing_tells_each_admin_of_that_clinic_once_with_a_link_to_the_trainer(
    clinic, admins, django_capture_on_commit_callbacks
):
    outsider = factories.ClinicMembershipFactory().user  # another clinic's admin
    trainer = factories.TrainerProfileFactory(user__name="Dana O'Brien")
    with django_capture_on_commit_callbacks(execute=False):
        share_start(actor=Actor.for_user(trainer.user), trainer=trainer, clinic=clinic)
    rows = Delivery.objects.filter(kind="sharing.changed")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(a.pk for a in admins)
    assert not rows.filter(recipient=outsider).exists()
    path = reverse(
        "programme:check", kwargs={"clinic_id": clinic.public_id, "trainer_id": trainer.public_id}
    )
    for row in rows:
        assert row.milestone == "started" and row.in_app
        assert title(row) == "Dana O'Brien now shares their record with Riverside Neuro"
        assert_mail_links_to(row, path)


def test_stopping_tells_the_admins_once_with_a_link_to_the_roster(
    clinic, admins, django_capture_on_commit_callbacks
):
    trainer = factories.TrainerProfileFactory(user__name="Dana Reid")
    share = factories.ClinicShareFactory(trainer=trainer, clinic=clinic)
    with django_capture_on_commit_callbacks(execute=False):
        share_stop(actor=Actor.for_user(trainer.user), share=share)
    rows = Delivery.objects.filter(kind="sharing.changed", milestone="stopped")
    assert rows.count() == len(admins)
    path = reverse("programme:roster", kwargs={"clinic_id": clinic.public_id})
    for row in rows:
        assert title(row) == "Dana Reid stopped sharing their record with Riverside Neuro"
        assert_mail_links_to(row, path)
    # Sharing again is a new share: its own "started", and a later stop its own "stopped".
    with django_capture_on_commit_callbacks(execute=False):
        again = share_start(actor=Actor.for_user(trainer.user), trainer=trainer, clinic=clinic)
        share_stop(actor=Actor.for_user(trainer.user), share=again)
    assert Delivery.objects.filter(kind="sharing.changed").count() == 3 * len(admins)
    assert ClinicShare.objects.filter(trainer=trainer).count() == 2


def test_sharing_events_are_published(
    clinic, admins, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[tuple[str, dict]] = []
    monkeypatch.setattr(events, "SUBSCRIBERS", {})
    for name in ("sharing.stopped", "trainer.changed"):
        events.subscribe(name)(lambda name=name, **data: seen.append((name, data)))
    trainer = factories.TrainerProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        share = share_start(actor=Actor.for_user(trainer.user), trainer=trainer, clinic=clinic)
    assert seen == [("trainer.changed", {"trainer_ids": [trainer.pk]})]
    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        share_stop(actor=Actor.for_user(trainer.user), share=share)
    assert seen == [
        (
            "sharing.stopped",
            {"share_id": share.pk, "trainer_id": trainer.pk, "clinic_id": clinic.pk},
        ),
        ("trainer.changed", {"trainer_ids": [trainer.pk]}),
    ]


# --- Records, suspension --------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return factories.UserFactory(is_staff=True)


def test_a_verified_record_tells_the_trainer_with_a_link_to_the_record(
    staff, django_capture_on_commit_callbacks
):
    insurance = factories.InsuranceFactory()
    with django_capture_on_commit_callbacks(execute=False):
        record_verify(
            record=insurance,
            actor=Actor.for_user(staff),
            method=VerificationMethod.DOCUMENT,
            note="",
            verified_on=dt.date(2026, 6, 2),
        )
    row = Delivery.objects.get(kind="record.decided")
    assert row.recipient == insurance.trainer.user
    assert title(row) == "Your insurance is verified"
    assert_mail_links_to(row, row.context["record_path"])
    assert row.path.startswith("/")


def test_a_rejected_record_tells_the_trainer_once(staff, django_capture_on_commit_callbacks):
    insurance = factories.InsuranceFactory()
    with django_capture_on_commit_callbacks(execute=False):
        record_reject(record=insurance, actor=Actor.for_user(staff), reason="Unreadable scan")
    row = Delivery.objects.get(kind="record.decided")
    assert title(row) == "Your insurance needs attention"
    assert row.path == row.context["record_path"]


def test_record_decisions_publish_a_trainer_change(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(events, "SUBSCRIBERS", {})
    events.subscribe("trainer.changed")(lambda **data: seen.append(data))
    insurance = factories.InsuranceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record_reject(record=insurance, actor=Actor.for_user(staff), reason="Unreadable scan")
    assert seen == [{"trainer_ids": [insurance.trainer_id]}]


def test_suspension_and_reinstatement_publish_for_the_clinics_and_mail_the_trainer(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(events, "SUBSCRIBERS", {})
    for name in ("trainer.suspended", "trainer.reinstated", "trainer.changed"):
        events.subscribe(name)(lambda name=name, **data: seen.append((name, data)))
    trainer = factories.TrainerProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    assert seen == [
        ("trainer.suspended", {"trainer_id": trainer.pk, "actor_id": staff.pk}),
        ("trainer.changed", {"trainer_ids": [trainer.pk]}),
    ]
    seen.clear()
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    assert seen[0] == ("trainer.reinstated", {"trainer_id": trainer.pk, "actor_id": staff.pk})
    rows = Delivery.objects.filter(kind="trainer.status").order_by("created_at")
    assert [title(r) for r in rows] == ["Your account is suspended", "Your account is active again"]
    assert all(r.path == reverse("home") for r in rows)


# --- Mentoring and sessions -----------------------------------------------------------------


def test_a_mentor_assigned_and_ended_tells_trainer_and_mentor_once_each(
    staff, django_capture_on_commit_callbacks
):
    trainer = factories.TrainerProfileFactory(user__name="Tom Hart")
    mentor = factories.MentorProfileFactory(user__name="Mia Stone")
    with django_capture_on_commit_callbacks(execute=False):
        assignment = assignment_create(
            actor=Actor.for_user(staff),
            mentor=mentor,
            trainer=trainer,
            starts_on=dt.date(2026, 6, 3),
            ends_on=None,
            areas=[],
        )
        assignment_end(actor=Actor.for_user(staff), assignment=assignment, reason="On leave")
    rows = {
        (r.recipient_id, r.milestone): r for r in Delivery.objects.filter(kind="mentor.assignment")
    }
    assert set(rows) == {
        (trainer.user_id, "start"),
        (mentor.user_id, "start"),
        (trainer.user_id, "end"),
        (mentor.user_id, "end"),
    }
    mentee_page = reverse("mentorship:mentee", kwargs={"public_id": trainer.public_id})
    assert rows[mentor.user_id, "start"].path == mentee_page
    assert rows[mentor.user_id, "end"].path == reverse("mentorship:queue")
    assert rows[trainer.user_id, "end"].path == reverse("home")
    assert title(rows[trainer.user_id, "start"]) == "Mia Stone is your mentor"
    assert title(rows[trainer.user_id, "end"]) == "Mia Stone is no longer your mentor"
    assert title(rows[mentor.user_id, "end"]) == "You are no longer mentoring Tom Hart"
    assert "On leave" in _render(rows[mentor.user_id, "end"]).body


def _session(trainer, area):
    return session_create(
        actor=Actor.for_user(trainer.user),
        trainer=trainer,
        data=SessionData(
            session_date=dt.date(2026, 6, 1),
            duration_minutes=45,
            condition_area=area,
            complexity=1,
            mode="direct_observation",
            client_reference="C-014",
            delivered="Seated balance work.",
            adapted=False,
            paused=False,
            escalated=False,
            escalated_to="",
            escalation_reason="",
            reflection="Rest breaks earlier next time.",
        ),
    )


def test_sign_off_requested_returned_and_signed_off_link_to_the_session(
    db, django_capture_on_commit_callbacks
):
    trainer = factories.TrainerProfileFactory(user__name="Tom Hart")
    mentor = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(mentor=mentor, trainer=trainer, starts_on=dt.date(2026, 1, 1))
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    with django_capture_on_commit_callbacks(execute=False):
        session = _session(trainer, area)
        session_submit(actor=Actor.for_user(trainer.user), session=session)
        session_return(actor=Actor.for_user(mentor.user), session=session, feedback="Add detail")
        session_submit(actor=Actor.for_user(trainer.user), session=session)
        session_sign_off(
            actor=Actor.for_user(mentor.user),
            session=session,
            feedback="Good",
            statement=SupervisionStatement.OBSERVED_DIRECTLY,
        )
    path = reverse("mentorship:session", kwargs={"public_id": session.public_id})
    submitted = Delivery.objects.filter(kind="session.submitted").order_by("milestone")
    assert [(r.recipient_id, r.milestone) for r in submitted] == [
        (mentor.user_id, "round-1"),
        (mentor.user_id, "round-2"),
    ]
    assert [title(r) for r in submitted] == [
        "Tom Hart sent a supervised session for sign-off",
        "Tom Hart sent a supervised session for sign-off (round 2)",
    ]
    decided = Delivery.objects.filter(kind="session.decided").order_by("milestone")
    assert [title(r) for r in decided] == [
        "Your mentor returned your supervised session of 1 Jun 2026",
        "Your supervised session of 1 Jun 2026 is signed off",
    ]
    assert all(r.recipient_id == trainer.user_id for r in decided)
    for row in [*submitted, *decided, Delivery.objects.get(kind="session.signed_copy")]:
        assert_mail_links_to(row, path)


def test_every_event_row_has_a_path_and_a_title_from_its_stored_context(
    staff, clinic, admins, django_capture_on_commit_callbacks
):
    """Whatever the event, the notification list can show it: a title and a link."""
    trainer = factories.TrainerProfileFactory()
    with django_capture_on_commit_callbacks(execute=False):
        share = share_start(actor=Actor.for_user(trainer.user), trainer=trainer, clinic=clinic)
        share_stop(actor=Actor.for_user(trainer.user), share=share)
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
        record_reject(
            record=factories.InsuranceFactory(trainer=trainer),
            actor=Actor.for_user(staff),
            reason="Unreadable",
        )
    rows = list(Delivery.objects.filter(in_app=True))
    assert len(rows) >= 4
    for row in rows:
        assert row.path.startswith("/"), row.kind
        assert title(row), row.kind
