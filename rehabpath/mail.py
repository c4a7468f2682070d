"""E-mail that must go out once: enqueue into the ledger, deliver from a Celery task.

A mail is rendered at send time from templates/emails/<template>_subject.txt, _body.txt and
_body.html. The ledger row holds only plain values; anything secret or short-lived (a
password-reset link) is built at send time by a context builder registered for the template.
"""

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from rehabpath.models import MailDelivery, User

# Failures worth retrying: the mail server or the network being briefly away. Anything else
# (a template error, say) marks the row failed at once: retrying would not help.
TRANSIENT_MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)

ContextBuilder = Callable[[MailDelivery], dict[str, Any]]
CONTEXT_BUILDERS: dict[str, ContextBuilder] = {}


def context_builder(template: str) -> Callable[[ContextBuilder], ContextBuilder]:
    def register(builder: ContextBuilder) -> ContextBuilder:
        CONTEXT_BUILDERS[template] = builder
        return builder

    return register


def mail_enqueue(
    *,
    recipient: User | None = None,
    address: str = "",
    subject_key: str,
    template: str,
    context: dict[str, Any] | None = None,
    milestone: str = "",
) -> MailDelivery | None:
    """Record a mail as due and send it after the current transaction commits.

    To `recipient` (a user), or to `address` when there is no such user (an invitation of
    someone who has no account yet): a recipient wins over an address. Returns None when this
    (recipient or address, subject, milestone) was enqueued before: it is never sent twice,
    whoever asks.
    """
    from rehabpath.tasks import deliver_mail

    if recipient is None and not address:
        raise ValueError("mail_enqueue needs a recipient or an address")
    try:
        with transaction.atomic():
            delivery = MailDelivery.objects.create(
                recipient=recipient,
                address="" if recipient is not None else address,
                subject_key=subject_key,
                milestone=milestone,
                template=template,
                context=context or {},
            )
    except IntegrityError:
        return None
    deliver_mail.delay_on_commit(delivery.pk)
    return delivery


class Outcome(StrEnum):
    SENT = "sent"  # this call sent it
    DONE = "done"  # sent (or given up) before: nothing to do
    BUSY = "busy"  # another worker holds a live claim: look again once the lease runs out


def claim_lease() -> dt.timedelta:
    """How long a claim protects a row: a worker is killed at the hard time limit anyway."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def mail_deliver(delivery_id: int) -> Outcome:
    """Send one ledger row unless it is sent or claimed by a live worker.

    The claim is a conditional UPDATE: of two workers running the same delivery, one gets the
    row. A claim older than the lease belongs to a worker that died mid-send, so it is taken
    over: a crash can cause (rarely) a second copy, never a lost mail.
    """
    now = timezone.now()
    claimable = Q(status=MailDelivery.Status.PENDING) | Q(
        status=MailDelivery.Status.SENDING, claimed_at__lt=now - claim_lease()
    )
    claimed = MailDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=MailDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        held = MailDelivery.objects.filter(pk=delivery_id, status=MailDelivery.Status.SENDING)
        return Outcome.BUSY if held.exists() else Outcome.DONE
    delivery = MailDelivery.objects.select_related("recipient").get(pk=delivery_id)
    try:
        _render(delivery).send()  # through MAILERS["default"]
    except Exception as exc:
        # Transient: back to pending so a retry can claim it again. Otherwise: failed. The
        # error is kept on the row either way.
        transient = isinstance(exc, TRANSIENT_MAIL_ERRORS)
        MailDelivery.objects.filter(pk=delivery_id).update(
            status=MailDelivery.Status.PENDING if transient else MailDelivery.Status.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:255],
        )
        raise
    MailDelivery.objects.filter(pk=delivery_id).update(
        status=MailDelivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome.SENT


def mail_give_up(delivery_id: int) -> None:
    """After the last retry: mark the row failed so it stays visible, and is not resent."""
    MailDelivery.objects.filter(pk=delivery_id, status=MailDelivery.Status.PENDING).update(
        status=MailDelivery.Status.FAILED
    )


def _render(delivery: MailDelivery) -> EmailMultiAlternatives:
    context = {"recipient": delivery.recipient, **delivery.context}
    builder = CONTEXT_BUILDERS.get(delivery.template)
    if builder is not None:
        context.update(builder(delivery))
    prefix = f"emails/{delivery.template}"
    return render_email(
        subject_template=f"{prefix}_subject.txt",
        text_template=f"{prefix}_body.txt",
        html_template=f"{prefix}_body.html",
        context=context,
        to=[delivery.to_address],
    )


def render_email(
    *,
    subject_template: str,
    text_template: str,
    html_template: str,
    context: dict[str, Any],
    to: list[str],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """One e-mail in text and HTML: the project's own mails and allauth's (trainers.adapters).

    The subject and the text part are rendered by the "text" template engine, which does not
    HTML-escape: a plain-text mail shows "O'Brien & Co" as typed. The HTML part is escaped as
    any page is.
    """
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
        **context,
    }
    subject = " ".join(render_to_string(subject_template, context, using="text").split())
    text = render_to_string(text_template, context, using="text")
    html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
