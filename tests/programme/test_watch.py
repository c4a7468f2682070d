"""The eligibility watch (programme.eligibility.watch): a change of a shared trainer's answer is
told once to each admin of their clinics and to the clinics' subscribed webhook endpoints; a
first answer is recorded silently; the daily run catches what dates alone change."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.eligibility import watch
from programme.eligibility.watch import eligibility_watch, eligibility_watch_daily
from programme.models import EligibilityState, WebhookEndpoint
from programme.webhooks.events import (
    ELIGIBILITY_CHANGED,
    SHARING_STOPPED,
    TRAINER_REINSTATED,
    TRAINER_SUSPENDED,
)
from rehabpath.audit import Actor
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.concurrency import postgres_only, race
from tests.pathway_builders import recognised_trainer, stroke
from trainers.clinics import share_stop
from trainers.models import ClinicShare
from trainers.services import trainer_reinstate, trainer_suspend

# 09:30 UTC is 10:30 in London (BST): the London day is 3 June.
NOW = dt.datetime(2026, 6, 3, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 3)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def area(db):
    return stroke()


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory(name="Riverside Neuro")


@pytest.fixture
def other_clinic(db):
    return factories.ClinicFactory(name="Hillside Rehab")


@pytest.fixture
def admins(clinic):
    return [factories.ClinicMembershipFactory(clinic=clinic).user for _ in range(2)]


def endpoint(clinic, events, *, active=True):
    return WebhookEndpoint.objects.create(
        clinic=clinic,
        url="https://hooks.example.org/rehabpath",
        events=list(events),
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        is_active=active,
    )


def shared(trainer, *clinics):
    for clinic in clinics:
        ClinicShare.objects.create(trainer=trainer, clinic=clinic)
    return trainer


def lose_first_aid(trainer):
    trainer.qualifications.filter(qualification_type__kind="first_aid").delete()


def told():
    return Delivery.objects.filter(kind=watch.KIND)


def webhooks(event=ELIGIBILITY_CHANGED):
    return Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK, kind=event)


def test_a_first_answer_is_recorded_silently(area, clinic, admins):
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    endpoint(clinic, [ELIGIBILITY_CHANGED])
    report = eligibility_watch([trainer.pk])
    state = EligibilityState.objects.get(trainer=trainer, condition_area=area)
    assert (state.status, state.version, state.checked_on) == ("eligible", 1, TODAY)
    assert report.first == 1 and not report.changes
    assert not Delivery.objects.exists()


def test_a_change_is_told_once_to_each_admin_and_subscribed_endpoint(
    area, clinic, other_clinic, admins
):
    other_admin = factories.ClinicMembershipFactory(clinic=other_clinic).user
    outsider = factories.ClinicMembershipFactory().user  # a clinic the trainer never shared with
    trainer = shared(
        recognised_trainer(area, today=TODAY, user__name="Dana O'Brien"), clinic, other_clinic
    )
    subscribed = endpoint(clinic, [ELIGIBILITY_CHANGED, TRAINER_SUSPENDED])
    endpoint(clinic, [ELIGIBILITY_CHANGED], active=False)  # disabled
    endpoint(other_clinic, [SHARING_STOPPED])  # another event only
    eligibility_watch([trainer.pk])

    lose_first_aid(trainer)
    report = eligibility_watch([trainer.pk])
    assert [(c.status, c.previous, c.version) for c in report.changes] == [
        ("not_eligible", "eligible", 2)
    ]
    state = EligibilityState.objects.get(trainer=trainer, condition_area=area)
    assert (state.status, state.previous_status, state.version) == ("not_eligible", "eligible", 2)

    rows = {row.recipient_id: row for row in told()}
    assert set(rows) == {admins[0].pk, admins[1].pk, other_admin.pk}
    assert outsider.pk not in rows
    for row in rows.values():
        assert row.subject_key == f"eligibility:{trainer.public_id}:stroke"
        assert row.milestone == "v2"
    assert rows[admins[0].pk].path == reverse(
        "programme:check", kwargs={"clinic_id": clinic.public_id, "trainer_id": trainer.public_id}
    )
    assert rows[other_admin.pk].path == reverse(
        "programme:check",
        kwargs={"clinic_id": other_clinic.public_id, "trainer_id": trainer.public_id},
    )
    assert rows[admins[0].pk].context["status_label"] == "Not eligible"
    hook = webhooks().get()
    assert hook.destination == str(subscribed.public_id)
    payload = hook.context["payload"]
    assert payload["trainer"] == str(trainer.public_id)
    assert (payload["status"], payload["previous"], payload["area"]) == (
        "not_eligible",
        "eligible",
        "stroke",
    )
    assert payload["name"] == "Dana O'Brien" and payload["holds_until"] is None
    assert any("first aid" in reason.lower() for reason in payload["reasons"])
    assert AuditEvent.objects.filter(action="eligibility.changed").count() == 1

    # Computed again (a retried task, the daily run): no change, nothing more.
    again = eligibility_watch([trainer.pk])
    assert not again.changes
    assert told().count() == 3 and webhooks().count() == 1
    assert AuditEvent.objects.filter(action="eligibility.changed").count() == 1


def test_the_mail_and_its_title_say_what_changed(area, clinic, admins):
    from rehabpath.mail import _render

    trainer = shared(recognised_trainer(area, today=TODAY, user__name="Dana Reid"), clinic)
    eligibility_watch([trainer.pk])
    lose_first_aid(trainer)
    eligibility_watch([trainer.pk])
    row = told().first()
    message = _render(row)
    assert message.subject.endswith("Dana Reid is now not eligible for Stroke")
    assert "it was eligible" in message.body
    assert row.path in message.body


def test_an_admin_of_two_of_the_trainers_clinics_is_told_once(area, clinic, other_clinic, admins):
    factories.ClinicMembershipFactory(clinic=other_clinic, user=admins[0])
    trainer = shared(recognised_trainer(area, today=TODAY), clinic, other_clinic)
    eligibility_watch([trainer.pk])
    lose_first_aid(trainer)
    eligibility_watch([trainer.pk])
    assert sorted(told().values_list("recipient_id", flat=True)) == sorted(a.pk for a in admins)


def test_a_trainer_who_shares_with_nobody_loses_their_states(area, clinic, admins):
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    eligibility_watch([trainer.pk])
    ClinicShare.objects.filter(trainer=trainer).update(ended_at=NOW)
    report = eligibility_watch([trainer.pk])
    assert report.dropped == 1 and not EligibilityState.objects.exists()
    # Sharing again starts silently, whatever changed meanwhile.
    lose_first_aid(trainer)
    shared(trainer, clinic)
    eligibility_watch([trainer.pk])
    assert not told().exists()


def test_a_trainer_not_sharing_is_not_computed(area):
    trainer = recognised_trainer(area, today=TODAY)
    report = eligibility_watch([trainer.pk])
    assert report.trainers == 0 and not EligibilityState.objects.exists()


# --- After a change: the services' events ---------------------------------------------------


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """The task as a worker runs it, without a broker: apply_async calls it at once."""

    def apply_async(args, **options):
        watch.eligibility_watch_task.run(*args)

    monkeypatch.setattr(watch.eligibility_watch_task, "apply_async", apply_async)


def test_a_suspension_is_told_as_a_change_and_a_webhook(
    area, clinic, admins, run_tasks_inline, django_capture_on_commit_callbacks
):
    staff = factories.UserFactory(is_staff=True)
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    endpoint(clinic, [ELIGIBILITY_CHANGED, TRAINER_SUSPENDED, TRAINER_REINSTATED])
    eligibility_watch([trainer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    assert webhooks(TRAINER_SUSPENDED).count() == 1
    assert webhooks(TRAINER_SUSPENDED).get().context["payload"]["status"] == "suspended"
    assert webhooks().get().context["payload"]["status"] == "not_eligible"
    assert told().count() == len(admins)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    assert webhooks(TRAINER_REINSTATED).count() == 1
    assert sorted(webhooks().values_list("milestone", flat=True)) == ["v2", "v3"]
    assert EligibilityState.objects.get(trainer=trainer).status == "eligible"


def test_sharing_stopped_goes_to_that_clinics_subscribed_endpoints_only(
    area, clinic, other_clinic, admins, run_tasks_inline, django_capture_on_commit_callbacks
):
    trainer = shared(recognised_trainer(area, today=TODAY), clinic, other_clinic)
    mine = endpoint(clinic, [SHARING_STOPPED])
    endpoint(other_clinic, [SHARING_STOPPED])
    share = ClinicShare.objects.get(trainer=trainer, clinic=clinic)
    with django_capture_on_commit_callbacks(execute=True):
        share_stop(actor=Actor.for_user(trainer.user), share=share)
    hook = webhooks(SHARING_STOPPED).get()
    assert hook.destination == str(mine.public_id)
    assert hook.subject_key == f"share:{share.public_id}"
    assert hook.context["payload"]["trainer"] == str(trainer.public_id)


def test_the_watch_after_a_change_survives_the_broker_being_away(
    area, clinic, admins, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def refuse(*args, **options):
        raise OperationalError("Redis is away")

    monkeypatch.setattr(watch.eligibility_watch_task, "apply_async", refuse)
    staff = factories.UserFactory(is_staff=True)
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    with django_capture_on_commit_callbacks(execute=True):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    trainer.refresh_from_db()
    assert trainer.status == "suspended"  # the change stands; the daily run computes it


# --- Once a London day ------------------------------------------------------------


def test_the_daily_run_catches_an_expiry_passing_at_midnight_in_london(area, clinic, admins):
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    insurance = trainer.insurances.get()
    insurance.expires_on = dt.date(2026, 6, 10)
    insurance.save(update_fields=["expires_on"])
    endpoint(clinic, [ELIGIBILITY_CHANGED])
    # 10 June, 23:59 in London (22:59 UTC): still insured; first state, silent.
    eligibility_watch_daily(now=dt.datetime(2026, 6, 10, 22, 59, tzinfo=dt.UTC))
    state = EligibilityState.objects.get(trainer=trainer)
    assert state.status == "eligible" and state.holds_until == dt.date(2026, 6, 10)
    assert not Delivery.objects.exists()
    # 11 June, 00:01 in London (23:01 UTC on the 10th): the cover has lapsed.
    eligibility_watch_daily(now=dt.datetime(2026, 6, 10, 23, 1, tzinfo=dt.UTC))
    state.refresh_from_db()
    assert (state.status, state.version, state.checked_on) == (
        "not_eligible",
        2,
        dt.date(2026, 6, 11),
    )
    assert told().count() == len(admins) and webhooks().count() == 1
    # Later runs of the same day compute nobody again.
    with CaptureQueriesContext(connection) as queries:
        eligibility_watch_daily(now=dt.datetime(2026, 6, 11, 9, 0, tzinfo=dt.UTC))
    assert len(queries) == 1
    assert told().count() == len(admins) and webhooks().count() == 1


def test_the_daily_run_goes_through_every_shared_trainer_in_batches(area, clinic, admins):
    trainers = [shared(recognised_trainer(area, today=TODAY), clinic) for _ in range(3)]
    report = eligibility_watch_daily(now=NOW, batch_size=2)
    assert report.batches == 2
    assert EligibilityState.objects.filter(checked_on=TODAY).count() == len(trainers)


# --- Queries per batch, not per trainer ------------------------------------------------------


def _queries_of_a_watch(count, area, clinic):
    trainers = [shared(recognised_trainer(area, today=TODAY), clinic) for _ in range(count)]
    ids = [t.pk for t in trainers]
    eligibility_watch(ids)  # first states
    with CaptureQueriesContext(connection) as steady:
        eligibility_watch(ids)
    for trainer in trainers:
        lose_first_aid(trainer)
    with CaptureQueriesContext(connection) as changed:
        report = eligibility_watch(ids)
    assert len(report.changes) == count
    return len(steady), len(changed)


@pytest.mark.parametrize("count", [1, 4])
def test_a_watch_costs_fixed_queries_a_batch_and_a_few_a_change(count, area, clinic, admins):
    steady, changed = _queries_of_a_watch(count, area, clinic)
    # Shares, states (locked), eligibility's loading, the day's stamp (+ savepoint).
    assert steady == STEADY_QUERIES
    # + the changed states, the names, the admins, the notifications (preferences, insert);
    # and for each change its audit event and its webhooks' endpoints (no endpoint here, so
    # no insert: one more a change when a clinic has one).
    assert changed == STEADY_QUERIES + CHANGE_QUERIES_BASE + PER_CHANGE_QUERIES * count


STEADY_QUERIES = 19
CHANGE_QUERIES_BASE = 5
PER_CHANGE_QUERIES = 2


# --- Two watches of one trainer at once -------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_watches_of_one_change_at_once_tell_it_once():
    area = stroke()
    clinic = factories.ClinicFactory()
    admin = factories.ClinicMembershipFactory(clinic=clinic).user
    trainer = shared(recognised_trainer(area, today=TODAY), clinic)
    endpoint(clinic, [ELIGIBILITY_CHANGED])
    eligibility_watch([trainer.pk])
    lose_first_aid(trainer)

    def frozen():
        return time_machine.travel(NOW, tick=False)

    errors = race(
        lambda: eligibility_watch([trainer.pk]),
        lambda: eligibility_watch([trainer.pk]),
        around=frozen,
    )
    assert errors == [None, None]
    # The second waited for the first's lock, then found the new state: no second change.
    assert EligibilityState.objects.get(trainer=trainer).version == 2
    assert list(told().values_list("recipient_id", flat=True)) == [admin.pk]
    assert webhooks().count() == 1
    assert AuditEvent.objects.filter(action="eligibility.changed").count() == 1
