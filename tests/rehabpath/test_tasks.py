"""The task base class, and the ledger's tasks: duplicates harmless, dead claims taken back."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import OperationalError

from rehabpath.celery import app as celery_app
from rehabpath.ledger import claim, claim_lease
from rehabpath.models import Delivery
from rehabpath.tasks import (
    BaseTask,
    clear_expired_sessions,
    deliver_due_rows,
    deliver_rows,
    ledger_tick,
    reminder_sweep,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CONTEXT = {
    "outcome": "verified",
    "kind_label": "Qualification",
    "kind_in_sentence": "qualification",
    "record_label": "Level 3 Certificate in Personal Training",
    "reason": "",
    "record_path": "/qualifications/records/x/",
}


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _rows(users, **fields) -> list[Delivery]:
    return [
        Delivery.objects.create(
            recipient=user,
            kind="record.decided",
            subject_key=f"k{i}",
            template="record_decision",
            context=CONTEXT,
            next_attempt_at=NOW,
            **fields,
        )
        for i, user in enumerate(users)
    ]


@pytest.mark.parametrize(
    "task", [clear_expired_sessions, deliver_rows, deliver_due_rows, ledger_tick, reminder_sweep]
)
def test_every_task_gets_the_base_class_and_retries_transient_errors_with_backoff(task):
    assert isinstance(task, BaseTask)
    assert OperationalError in task.autoretry_for
    assert (task.retry_backoff, task.retry_jitter) == (30, True)
    assert celery_app.task_cls == "rehabpath.tasks:BaseTask"


def test_the_broker_visibility_timeout_outlasts_the_longest_retry():
    timeout = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    assert timeout > BaseTask.retry_backoff_max + settings.CELERY_TASK_TIME_LIMIT
    if settings.REDIS_URL:
        assert celery_app.conf.broker_transport_options == {"visibility_timeout": timeout}


def test_a_claim_outlives_the_hard_time_limit_of_the_task_holding_it():
    assert claim_lease() > dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def test_the_same_task_twice_sends_once(trainer_user):
    [row] = _rows([trainer_user])

    assert deliver_rows.apply(args=[[row.pk]]).get() == {"sent": 1}
    assert deliver_rows.apply(args=[[row.pk]]).get() == {"done": 1}
    assert len(mail.outbox) == 1


def test_a_task_finding_the_row_claimed_by_a_live_worker_leaves_it(trainer_user):
    [row] = _rows([trainer_user])
    claim(ids=[row.pk])

    assert deliver_rows.apply(args=[[row.pk]]).get() == {"busy": 1}
    assert mail.outbox == []


def test_the_ledger_tick_takes_back_a_dead_workers_claim_and_sends_it(
    trainer_user, other_trainer_user, eager_tasks
):
    dead, waiting = _rows([trainer_user, other_trainer_user])
    with time_machine.travel(NOW, tick=False):
        claim(ids=[dead.pk])  # the worker that claimed it was killed before sending
    # `waiting` is pending and due, and its task was lost (the broker was away).

    with time_machine.travel(NOW + claim_lease() + dt.timedelta(seconds=1), tick=False):
        result = ledger_tick.apply().get()

    assert result == {"requeued": 1, "due": 2, "batches": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [trainer_user.email, other_trainer_user.email]
    )
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (Delivery.Status.SENT, 2)


def test_the_ledger_tick_leaves_a_live_claim_alone(trainer_user, eager_tasks):
    [row] = _rows([trainer_user])
    with time_machine.travel(NOW, tick=False):
        claim(ids=[row.pk])
    with time_machine.travel(NOW + claim_lease() - dt.timedelta(seconds=1), tick=False):
        assert ledger_tick.apply().get() == {"requeued": 0, "due": 0, "batches": 0}
    assert mail.outbox == []


def test_due_rows_go_out_batch_after_batch_until_none_is_left(settings, eager_tasks, db):
    from tests.factories import UserFactory

    settings.DELIVERY_BATCH_SIZE = 2
    _rows(UserFactory.create_batch(5))

    deliver_due_rows.apply().get()

    assert len(mail.outbox) == 5
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def test_the_tick_starts_no_more_batches_than_allowed_in_parallel(settings, db):
    from unittest import mock

    from tests.factories import UserFactory

    settings.DELIVERY_BATCH_SIZE = 2
    settings.DELIVERY_MAX_PARALLEL_BATCHES = 2
    _rows(UserFactory.create_batch(7))

    with mock.patch.object(deliver_due_rows, "apply_async") as publish:
        assert ledger_tick.apply().get() == {"requeued": 0, "due": 7, "batches": 2}
    assert publish.call_count == 2
    assert publish.call_args.kwargs == {"expires": settings.LEDGER_TICK_SECONDS}


def test_a_sweep_or_tick_left_queued_past_the_next_one_is_dropped():
    schedule = settings.CELERY_BEAT_SCHEDULE
    sweep, tick = schedule["reminder-sweep"], schedule["ledger-tick"]
    assert sweep["options"]["expires"] == sweep["schedule"] == settings.REMINDER_SWEEP_SECONDS
    assert tick["options"]["expires"] == tick["schedule"] == settings.LEDGER_TICK_SECONDS


def test_the_sweep_task_reports_what_it_recorded(db):
    assert reminder_sweep.apply().get().keys() == {"items", "new", "batches"}
