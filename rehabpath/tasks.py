from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    """Daily housekeeping: drop expired sessions so the table does not grow without bound."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(bind=True, max_retries=5)
def deliver_mail(self, delivery_id: int) -> str:
    """Send one ledger row; the row's conditional claim makes duplicate runs harmless."""
    from rehabpath.mail import (
        TRANSIENT_MAIL_ERRORS,
        Outcome,
        claim_lease,
        mail_deliver,
        mail_give_up,
    )

    try:
        outcome = mail_deliver(delivery_id)
    except TRANSIENT_MAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            mail_give_up(delivery_id)
            raise
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 900)) from exc
    if outcome is Outcome.BUSY:
        # Another worker is sending it, or died doing so: look again when its lease is over.
        raise self.retry(countdown=int(claim_lease().total_seconds()))
    return outcome.value
