"""Sending the ledger's rows (rehabpath.models.Delivery) exactly once, whatever the broker does.

The broker delivers a task at least once, loses it when Redis is away, and runs it twice after
a duplicate beat; none of that decides anything here. A row goes out only after a worker
*claims* it: a conditional UPDATE from pending to sending that stamps the worker's claim token
and the time. Of two workers, one gets the row. A claim older than the lease belongs to a
worker that died mid-send: `requeue_expired_claims` (beat, every LEDGER_TICK_SECONDS) puts it
back to pending, and `deliver_due` picks up every pending row that is due, including those
whose task never reached a broker. So a crash or an outage delays a row, and never loses it.

The one window where a copy can go out twice: the channel accepted the row (the mail server
said 250, the webhook receiver 2xx) and the worker died before the next statement recorded it
as sent. Kept as small as it can be:
- one row wide: each row is recorded the moment it is accepted, never at the end of a batch;
- one statement long: nothing else happens between the channel's answer and the UPDATE;
- never widened by a slow worker: a worker sends for half its lease at most and hands the
  rest back (`send_claimed`), so the tick never requeues a row its worker is still sending,
  whatever the pool (only prefork enforces the task time limit);
- recognisable: the row's public id travels as the e-mail's Message-ID and the webhook's
  `webhook-id`, the same on every attempt, so the receiver can drop the second copy.
Closing it would need the mail server to take part in our transaction, which SMTP cannot.
tests/reliability/ kills a worker mid-send and checks that at most this one copy appears.

Channels (mail here in the core, webhooks from programme.webhooks) register how they send.
"""

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from rehabpath.models import Delivery

logger = logging.getLogger(__name__)

# A channel sends a batch of claimed rows and yields each row's outcome as soon as it has it
# (None: accepted), so the ledger records it before the next row is tried.
Sender = Callable[[Sequence[Delivery]], Iterator[tuple[Delivery, Exception | None]]]


@dataclass(frozen=True)
class ChannelSpec:
    send: Sender
    # Errors a later attempt can outlive (a mail server briefly away, a receiver's 503); any
    # other error fails the row at once.
    transient: tuple[type[BaseException], ...]
    # The waits before the 2nd, 3rd, ... attempt; after the last, the row fails for good.
    retry_delays: Callable[[], Sequence[dt.timedelta]]


CHANNELS: dict[str, ChannelSpec] = {}


def register_channel(channel: str, spec: ChannelSpec) -> None:
    CHANNELS[channel] = spec


class Outcome(StrEnum):
    SENT = "sent"  # this call sent it
    RETRY = "retry"  # failed for now: pending again, with a later next_attempt_at
    FAILED = "failed"  # failed for good
    DONE = "done"  # sent, muted or given up before: nothing to do
    BUSY = "busy"  # another worker holds a live claim
    RELEASED = "released"  # claimed, then handed back unsent: the lease was half gone


def claim_lease() -> dt.timedelta:
    """How long a claim protects a row: a worker is killed at the hard time limit anyway."""
    return dt.timedelta(seconds=settings.DELIVERY_CLAIM_LEASE_SECONDS)


# --- Recording ------------------------------------------------------------------------------


def insert_new(rows: Sequence[Delivery]) -> list[tuple[int, str]]:
    """INSERT the rows, skipping any whose unique key is taken; (id, status) of the new ones.

    One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING, on PostgreSQL and SQLite),
    more only where the database caps a statement's parameters (SQLite: connection.ops.
    bulk_batch_size). Django's bulk_create(ignore_conflicts=True) cannot say which rows were
    new.
    No savepoint: each statement is atomic by itself, and a batch cut short by a crash is
    completed by the next sweep.
    """
    if not rows:
        return []
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)  # concrete: never None
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(connection.ops.bulk_batch_size(fields, rows), 1)
    new: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for row in chunk:
                for f in fields:
                    params.append(f.get_db_prep_save(f.pre_save(row, add=True), connection))
            sql = (
                f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model, values as parameters
                f"VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT DO NOTHING RETURNING {quote('id')}, {quote('status')}"
            )
            cursor.execute(sql, params)
            new.extend((pk, status) for pk, status in cursor.fetchall())
    return new


def dispatch_on_commit(delivery_ids: Sequence[int]) -> None:
    """After the current transaction commits, ask the workers to send these rows.

    Robust: the data is committed whatever the broker does. When Redis is away the publish
    fails fast (no retry), the page still answers, and `deliver_due` sends the rows once the
    broker is back.
    """
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: _publish(ids), robust=True)


def _publish(ids: list[int]) -> None:
    from rehabpath.tasks import deliver_rows

    size = settings.DELIVERY_BATCH_SIZE
    try:
        for start in range(0, len(ids), size):
            deliver_rows.apply_async(args=(ids[start : start + size],), retry=False)
    except Exception:
        logger.warning(
            "broker unavailable: %d ledger row(s) wait for the next ledger tick",
            len(ids),
            exc_info=True,
        )


# --- Claiming and sending -------------------------------------------------------------------


def _claimable(now: dt.datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)


def claim(
    *, ids: Iterable[int] | None = None, limit: int | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim pending rows that are due: the given ids, or up to `limit` of the oldest due.

    The claim token tells this worker's rows from another's, so two workers claiming at once
    (SQLite has no SKIP LOCKED) never both think they own a row.
    """
    now = timezone.now()
    token = uuid.uuid4()
    candidates = Delivery.objects.filter(_claimable(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=list(ids))
    with transaction.atomic():
        if limit is not None:
            locked = candidates.order_by("next_attempt_at", "id").select_for_update(
                skip_locked=True
            )
            candidates = Delivery.objects.filter(
                pk__in=list(locked.values_list("pk", flat=True)[:limit])
            )
        candidates.filter(_claimable(now)).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    claimed = Delivery.objects.filter(claim_token=token, status=Delivery.Status.SENDING)
    return token, sorted(claimed.values_list("pk", flat=True))


def send_claimed(token: uuid.UUID, ids: Sequence[int]) -> dict[Outcome, int]:
    """Send the rows this worker claimed, recording each outcome as soon as it is known.

    A claim is good for its lease only: once half of it is gone this worker starts no new
    send and hands the rest back, so the ledger tick never requeues a row whose worker is
    still sending it. The hard time limit would stop a task anyway, but only the prefork pool
    enforces it (`make run` uses threads); this holds whatever the pool, as long as one send
    takes less than half the lease (a mail server's timeout is 10 s, the lease minutes).
    """
    outcomes = dict.fromkeys(Outcome, 0)
    stop_at = time.monotonic() + claim_lease().total_seconds() / 2
    rows = list(
        Delivery.objects.select_related("recipient")
        .filter(pk__in=ids, claim_token=token)
        .order_by("id")
    )
    by_channel: dict[str, list[Delivery]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    pending = {row.pk for row in rows}
    try:
        for channel, batch in by_channel.items():
            spec = CHANNELS[channel]
            sender = spec.send(batch)
            try:
                for row, error in sender:
                    if isinstance(error, SoftTimeLimitExceeded):
                        raise error  # a channel that caught it: still out of time
                    outcomes[_record(row, error, spec, token)] += 1
                    pending.discard(row.pk)
                    if time.monotonic() >= stop_at:
                        break
            finally:
                close = getattr(sender, "close", None)  # a generator: its finally runs now,
                if close is not None:  # and the channel closes its connection
                    close()
            if time.monotonic() >= stop_at:
                break
    except SoftTimeLimitExceeded:
        # Out of time: hand the rows not tried yet back at once rather than after the lease.
        release(token, pending)
        raise
    if pending:
        release(token, pending)
        outcomes[Outcome.RELEASED] += len(pending)
        logger.warning("half the claim lease is gone: %d row(s) handed back", len(pending))
    return outcomes


def _record(row: Delivery, error: Exception | None, spec: ChannelSpec, token: uuid.UUID) -> Outcome:
    mine = Delivery.objects.filter(pk=row.pk, claim_token=token, status=Delivery.Status.SENDING)
    if error is None:
        mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
        return Outcome.SENT
    message = f"{type(error).__name__}: {error}"[:255]
    delays = spec.retry_delays()
    if isinstance(error, spec.transient) and row.attempts <= len(delays):
        wait = delays[row.attempts - 1]
        mine.update(
            status=Delivery.Status.PENDING,
            next_attempt_at=timezone.now() + wait,
            claim_token=None,
            last_error=message,
        )
        logger.warning("delivery %s failed (%s); retrying in %s", row.public_id, message, wait)
        return Outcome.RETRY
    mine.update(status=Delivery.Status.FAILED, last_error=message)
    logger.error("delivery %s failed for good: %s", row.public_id, message)
    return Outcome.FAILED


def release(token: uuid.UUID, ids: Iterable[int]) -> None:
    """Give claimed rows back unsent (the attempt does not count)."""
    Delivery.objects.filter(
        pk__in=list(ids), claim_token=token, status=Delivery.Status.SENDING
    ).update(status=Delivery.Status.PENDING, claim_token=None, attempts=F("attempts") - 1)


def deliver(ids: Iterable[int]) -> dict[Outcome, int]:
    """Claim and send these rows; rows sent or claimed by a live worker are left alone."""
    wanted = list(ids)
    token, claimed = claim(ids=wanted)
    outcomes = send_claimed(token, claimed)
    if len(claimed) < len(wanted):
        held = Delivery.objects.filter(pk__in=wanted, status=Delivery.Status.SENDING).exclude(
            claim_token=token
        )
        busy = held.count()
        outcomes[Outcome.BUSY] += busy
        outcomes[Outcome.DONE] += len(wanted) - len(claimed) - busy
    return outcomes


def deliver_due(*, limit: int | None = None) -> dict[Outcome, int]:
    """Claim and send up to `limit` of the oldest pending rows that are due."""
    token, claimed = claim(limit=limit or settings.DELIVERY_BATCH_SIZE)
    return send_claimed(token, claimed)


def requeue_expired_claims(*, now: dt.datetime | None = None) -> int:
    """Put rows back to pending whose claim outlived the lease: their worker died.

    A row whose worker died on every attempt (a send that hangs past the hard time limit, a
    worker killed by memory) fails for good after as many attempts as its channel retries
    an error, rather than being sent (and maybe accepted) again and again.
    """
    now = now or timezone.now()
    expired = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - claim_lease()
    )
    for channel, spec in CHANNELS.items():
        given_up = expired.filter(channel=channel, attempts__gt=len(spec.retry_delays())).update(
            status=Delivery.Status.FAILED,
            claim_token=None,
            last_error="The worker was lost while sending it, at every attempt.",
        )
        if given_up:
            logger.error(
                "%d %s row(s) failed for good: their worker died every time", given_up, channel
            )
    return expired.update(status=Delivery.Status.PENDING, claim_token=None, next_attempt_at=now)


def due_count(*, now: dt.datetime | None = None) -> int:
    return Delivery.objects.filter(_claimable(now or timezone.now())).count()
