"""The certificate's PDF, rendered by a worker after the issuing transaction commits."""

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
# A PDF still missing this long after issue had its task lost: the sweep queues it again.
PENDING_AFTER = dt.timedelta(minutes=5)


@shared_task
def certificate_render(certificate_id: int) -> bool:
    """Render and store the PDF of the certificate `certificate_id`, then tell the trainer.

    Idempotent: a second run (the broker delivers at least once) finds the PDF stored and does
    nothing. Retried with backoff on transient errors only (rehabpath.tasks.BaseTask).
    """
    from programme.certificates.services import certificate_store_pdf

    return certificate_store_pdf(certificate_id=certificate_id)


def render_on_commit(certificate_id: int) -> None:
    """Queue the render once the issuing transaction commits. Robust: with the broker away the
    certificate is issued all the same, and `certificate_render_pending` renders it later."""

    def enqueue() -> None:
        try:
            certificate_render.apply_async(args=(certificate_id,), retry=False)
        except Exception:
            logger.warning(
                "broker unavailable: certificate %d waits for the render sweep",
                certificate_id,
                exc_info=True,
            )

    transaction.on_commit(enqueue, robust=True)


@shared_task
def certificate_render_pending() -> int:
    """Beat's "certificate-render-pending": render what has waited too long; how many."""
    from programme.models import Certificate

    ids = list(
        Certificate.objects.filter(
            pdf_rendered_at__isnull=True, issued_at__lt=timezone.now() - PENDING_AFTER
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    for pk in ids:
        certificate_render.delay(pk)
    return len(ids)
