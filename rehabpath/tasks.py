"""The task base class every RehabPath task uses, and the core's own tasks.

Tasks take primary keys, load fresh rows and call a service. They are enqueued after the
transaction that made them due commits (`task.delay_on_commit(...)`), and retried by Celery
itself (autoretry_for with exponential backoff and jitter) only on errors that a later attempt
can outlive: the database, the broker or the mail server being briefly away.
"""

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

# Failures worth another attempt. Anything else (a template error, a bug) fails at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    SMTPException,
    ConnectionError,
    TimeoutError,
)


class BaseTask(DjangoTask[..., Any]):
    """Retries transient failures with backoff (30 s, 60 s, ... capped at 15 min), 5 times."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 30
    retry_backoff_max = 15 * 60
    retry_jitter = True
    max_retries = 5


@shared_task
def clear_expired_sessions() -> int:
    """Daily housekeeping: drop expired sessions so the table does not grow without bound."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def deliver_rows(delivery_ids: list[int]) -> dict[str, int]:
    """Send these ledger rows; each row's conditional claim makes duplicate runs harmless."""
    from rehabpath.ledger import deliver

    return {outcome.value: n for outcome, n in deliver(delivery_ids).items() if n}


@shared_task
def deliver_due_rows() -> dict[str, int]:
    """Send one batch of whatever is due, and queue the next batch while there is more."""
    from rehabpath.ledger import deliver_due, due_count

    sent = deliver_due()
    if sum(sent.values()) and due_count():
        deliver_due_rows.delay()
    return {outcome.value: n for outcome, n in sent.items() if n}


@shared_task
def ledger_tick() -> dict[str, int]:
    """Every LEDGER_TICK_SECONDS: take back claims of dead workers, and start sending what is
    due and has no task on its way (a retry whose wait is over, a row whose task was lost
    while the broker was away). A row that does have a task is claimed by one of the two."""
    from django.conf import settings

    from rehabpath.ledger import due_count, requeue_expired_claims

    requeued = requeue_expired_claims()
    due = due_count()
    batches = min(-(-due // settings.DELIVERY_BATCH_SIZE), settings.DELIVERY_MAX_PARALLEL_BATCHES)
    for _ in range(batches):
        # Dropped if still queued at the next tick, which starts what is due by then.
        deliver_due_rows.apply_async(expires=settings.LEDGER_TICK_SECONDS)
    return {"requeued": requeued, "due": due, "batches": batches}


@shared_task
def reminder_sweep() -> dict[str, int]:
    """Beat's sweep (REMINDER_SWEEP_SECONDS): record every reminder due today, once."""
    from rehabpath.reminders import sweep

    report = sweep()
    return {"items": report.items, "new": report.new, "batches": report.batches}
