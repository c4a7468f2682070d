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


class DeliverMailTask(BaseTask):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """After the last retry of a transient failure: mark the row failed, visibly."""
        from rehabpath.mail import mail_give_up

        mail_give_up(args[0] if args else kwargs["delivery_id"])


@shared_task(bind=True, base=DeliverMailTask)
def deliver_mail(self: DeliverMailTask, delivery_id: int) -> str:
    """Send one ledger row; the row's conditional claim makes duplicate runs harmless."""
    from rehabpath.mail import Outcome, claim_lease, mail_deliver

    outcome = mail_deliver(delivery_id)
    if outcome is Outcome.BUSY:
        # Another worker is sending it, or died doing so: look again when its lease is over.
        raise self.retry(countdown=int(claim_lease().total_seconds()))
    return outcome.value
