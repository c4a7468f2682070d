"""rehabpath.ledger: claims, leases, retries and giving up, whatever the workers do."""

import datetime as dt
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from kombu.exceptions import OperationalError as BrokerOperationalError

from rehabpath.ledger import (
    Outcome,
    claim,
    claim_lease,
    deliver,
    deliver_due,
    dispatch_on_commit,
    due_count,
    release,
    requeue_expired_claims,
    send_claimed,
)
from rehabpath.models import Delivery
from tests.concurrency import postgres_only, race
from tests.factories import UserFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
CONTEXT = {
    "outcome": "verified",
    "kind_label": "Qualification",
    "kind_in_sentence": "qualification",
    "record_label": "Level 3 Certificate in Personal Training",
    "reason": "",
    "record_path": "/qualifications/records/x/",
}


def _rows(n: int, **fields) -> list[Delivery]:
    return [
        Delivery.objects.create(
            recipient=user,
            kind="record.decided",
            subject_key="k",
            template="record_decision",
            context=CONTEXT,
            next_attempt_at=NOW,
            **fields,
        )
        for user in UserFactory.create_batch(n)
    ]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _status(row: Delivery) -> tuple[str, int]:
    row.refresh_from_db()
    return row.status, row.attempts


def test_a_claim_by_ids_takes_only_pending_rows_that_are_due(db, frozen):
    due, later, sent = _rows(3)
    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=NOW + dt.timedelta(seconds=1))
    Delivery.objects.filter(pk=sent.pk).update(status=Delivery.Status.SENT)

    token, claimed = claim(ids=[due.pk, later.pk, sent.pk])

    assert claimed == [due.pk]
    due.refresh_from_db()
    assert (due.status, due.claim_token, due.claimed_at, due.attempts) == (
        Delivery.Status.SENDING,
        token,
        NOW,
        1,
    )
    assert claim(ids=[due.pk])[1] == []  # a second claimer gets nothing


def test_a_claim_by_limit_takes_the_oldest_due_rows_first(db, frozen):
    rows = _rows(4)
    for i, row in enumerate(rows):
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=NOW - dt.timedelta(minutes=i))

    _, first = claim(limit=2)
    _, second = claim(limit=2)

    assert first == sorted([rows[3].pk, rows[2].pk])
    assert second == sorted([rows[1].pk, rows[0].pk])
    assert claim(limit=2)[1] == []
    assert due_count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_share_a_row(frozen):
    rows = _rows(40)
    claims: list[list[int]] = []

    def claimer():
        with time_machine.travel(NOW, tick=False):
            while True:
                _, got = claim(limit=3)
                if not got:
                    return
                claims.append(got)

    assert race(claimer, claimer, claimer) == [None, None, None]

    claimed = [pk for got in claims for pk in got]
    assert sorted(claimed) == sorted(row.pk for row in rows)  # each row once, none left
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_ids_at_once_get_each_row_once():
    rows = _rows(30)
    ids = [row.pk for row in rows]
    claims: list[list[int]] = []

    def claimer():
        with time_machine.travel(NOW, tick=False):
            claims.append(claim(ids=ids)[1])

    assert race(claimer, claimer) == [None, None]
    assert sorted(claims[0] + claims[1]) == ids


def test_a_claim_whose_lease_ran_out_is_put_back_and_sent_again(db, frozen):
    [row] = _rows(1)
    claim(ids=[row.pk])  # the worker died here

    frozen.shift(claim_lease())
    assert requeue_expired_claims() == 0  # still within its lease
    frozen.shift(dt.timedelta(seconds=1))
    assert requeue_expired_claims() == 1

    row.refresh_from_db()
    assert (row.status, row.claim_token) == (Delivery.Status.PENDING, None)
    assert deliver([row.pk])[Outcome.SENT] == 1
    assert _status(row) == (Delivery.Status.SENT, 2)  # the lost attempt counts


def test_a_dead_workers_late_recording_cannot_overwrite_the_new_claim(db, frozen):
    [row] = _rows(1)
    old_token, _ = claim(ids=[row.pk])
    frozen.shift(claim_lease() + dt.timedelta(seconds=1))
    requeue_expired_claims()
    new_token, _ = claim(ids=[row.pk])

    # The old worker wakes up and tries to send with its stale token: nothing is sent.
    assert sum(send_claimed(old_token, [row.pk]).values()) == 0
    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.claim_token) == (Delivery.Status.SENDING, new_token)


def test_a_transient_failure_is_retried_after_each_configured_delay_then_given_up(
    db, frozen, settings
):
    settings.MAIL_RETRY_DELAYS = [30, 120]
    [row] = _rows(1)

    with mock.patch(LOCMEM_SEND, side_effect=SMTPServerDisconnected("gone")):
        assert deliver_due()[Outcome.RETRY] == 1
        row.refresh_from_db()
        assert (row.status, row.next_attempt_at) == (
            Delivery.Status.PENDING,
            NOW + dt.timedelta(seconds=30),
        )
        assert row.claim_token is None
        assert "SMTPServerDisconnected: gone" in row.last_error

        frozen.shift(dt.timedelta(seconds=29))
        assert sum(deliver_due().values()) == 0  # not due yet
        frozen.shift(dt.timedelta(seconds=1))
        assert deliver_due()[Outcome.RETRY] == 1
        row.refresh_from_db()
        assert row.next_attempt_at == NOW + dt.timedelta(seconds=30 + 120)

        frozen.shift(dt.timedelta(seconds=120))
        assert deliver_due()[Outcome.FAILED] == 1

    assert _status(row) == (Delivery.Status.FAILED, 3)
    frozen.shift(dt.timedelta(days=1))
    assert sum(deliver_due().values()) == 0
    assert mail.outbox == []


def test_a_mail_server_back_before_the_last_attempt_gets_the_mail(db, frozen, settings):
    settings.MAIL_RETRY_DELAYS = [30, 120]
    [row] = _rows(1)
    with mock.patch(LOCMEM_SEND, side_effect=SMTPServerDisconnected("gone")):
        deliver_due()
    frozen.shift(dt.timedelta(seconds=30))

    assert deliver_due()[Outcome.SENT] == 1
    assert _status(row) == (Delivery.Status.SENT, 2)
    row.refresh_from_db()
    assert row.last_error == ""


def test_a_permanent_error_fails_the_row_at_once(db, frozen):
    [row] = _rows(1)
    with mock.patch(LOCMEM_SEND, side_effect=ValueError("bad header")):
        assert deliver_due()[Outcome.FAILED] == 1
    assert _status(row) == (Delivery.Status.FAILED, 1)
    row.refresh_from_db()
    assert row.last_error == "ValueError: bad header"


def test_out_of_time_the_rows_not_yet_tried_are_handed_back_at_once(db, frozen):
    rows = _rows(3)
    real = EmailBackend.send_messages
    calls = []

    def slow(self, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()
        return real(self, messages)

    token, claimed = claim(ids=[row.pk for row in rows])
    with mock.patch(LOCMEM_SEND, slow), pytest.raises(SoftTimeLimitExceeded):
        send_claimed(token, claimed)

    assert _status(rows[0]) == (Delivery.Status.SENT, 1)
    # The row being sent and the one not tried are pending again, the attempt not counted.
    assert _status(rows[1]) == (Delivery.Status.PENDING, 0)
    assert _status(rows[2]) == (Delivery.Status.PENDING, 0)
    assert due_count() == 2


def test_release_gives_back_only_this_claimers_rows(db, frozen):
    first, second = _rows(2)
    token, _ = claim(ids=[first.pk])
    other, _ = claim(ids=[second.pk])

    release(token, [first.pk, second.pk])

    assert _status(first) == (Delivery.Status.PENDING, 0)
    assert _status(second) == (Delivery.Status.SENDING, 1)


@pytest.mark.parametrize("status", ["muted", "digest", "digested", "failed", "sent"])
def test_rows_that_are_not_pending_are_never_sent(db, frozen, status):
    [row] = _rows(1, status=status)
    assert deliver([row.pk])[Outcome.DONE] == 1
    assert sum(deliver_due().values()) == 0
    assert mail.outbox == []


def test_dispatch_with_the_broker_down_does_not_raise(
    db, caplog, django_capture_on_commit_callbacks
):
    """Redis away: the publish fails fast, the transaction stands, the tick sends it later."""
    [row] = _rows(1)
    broker_down = mock.patch(
        "rehabpath.tasks.deliver_rows.apply_async",
        side_effect=BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379."),
    )
    with broker_down as publish, django_capture_on_commit_callbacks(execute=True):
        dispatch_on_commit([row.pk])

    publish.assert_called_once_with(args=([row.pk],), retry=False)
    assert "broker unavailable: 1 ledger row(s) wait for the next ledger tick" in caplog.text
    assert due_count() == 1


def test_dispatch_sends_big_batches_as_several_tasks(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BATCH_SIZE = 2
    with (
        mock.patch("rehabpath.tasks.deliver_rows.apply_async") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        dispatch_on_commit([1, 2, 3, 4, 5])
    assert [c.kwargs["args"] for c in publish.call_args_list] == [([1, 2],), ([3, 4],), ([5],)]


def test_half_way_through_the_lease_a_worker_hands_the_rest_back_unsent(db, frozen, settings):
    """So the tick never requeues a row its worker is still sending (no pool needed)."""
    settings.DELIVERY_CLAIM_LEASE_SECONDS = 10
    rows = _rows(3)
    real = EmailBackend.send_messages
    clock = iter([0.0, 1.0, 6.0, 7.0])

    token, claimed = claim(ids=[row.pk for row in rows])
    with (
        mock.patch(LOCMEM_SEND, real),
        mock.patch("rehabpath.ledger.time.monotonic", side_effect=lambda: next(clock)),
    ):
        outcomes = send_claimed(token, claimed)

    assert (outcomes[Outcome.SENT], outcomes[Outcome.RELEASED]) == (2, 1)
    assert len(mail.outbox) == 2
    assert _status(rows[2]) == (Delivery.Status.PENDING, 0)
    assert due_count() == 1


def test_a_row_whose_worker_dies_at_every_attempt_fails_for_good(db, frozen, settings):
    settings.MAIL_RETRY_DELAYS = [30, 120]
    [row] = _rows(1)
    for attempt in (1, 2, 3):
        assert claim(ids=[row.pk])[1] == [row.pk]  # and the worker dies
        frozen.shift(claim_lease() + dt.timedelta(seconds=1))
        assert requeue_expired_claims() == (1 if attempt < 3 else 0)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.FAILED, 3)
    assert "lost while sending" in row.last_error
