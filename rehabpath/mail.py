"""The mail channel of the ledger (rehabpath.ledger), and rendering e-mails.

A mail is rendered at send time from templates/emails/<template>_subject.txt, _body.txt and
_body.html. The ledger row holds only plain values; anything secret or short-lived (a
password-reset link) is built at send time by a context builder registered for the template.
Items are recorded with rehabpath.notifications.notify, never sent directly.
"""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from smtplib import SMTPException
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string

from rehabpath.ledger import ChannelSpec, register_channel
from rehabpath.models import Delivery

# Failures worth retrying: the mail server or the network being briefly away. Anything else
# (a template error, say) marks the row failed at once: retrying would not help.
TRANSIENT_MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)

ContextBuilder = Callable[[Delivery], dict[str, Any]]
CONTEXT_BUILDERS: dict[str, ContextBuilder] = {}


def context_builder(template: str) -> Callable[[ContextBuilder], ContextBuilder]:
    """Register what a template needs at send time (a password-reset link, a digest's list)."""

    def register(builder: ContextBuilder) -> ContextBuilder:
        CONTEXT_BUILDERS[template] = builder
        return builder

    return register


def mail_retry_delays() -> list[dt.timedelta]:
    return [dt.timedelta(seconds=s) for s in settings.MAIL_RETRY_DELAYS]


def send_mails(rows: Sequence[Delivery]) -> Iterator[tuple[Delivery, Exception | None]]:
    """The mail channel: one connection to the mail server for the batch, one message a row.

    A row whose rendering fails (a template error) fails alone; a connection that drops fails
    the row being sent, and the next row opens a new one. A mail server that cannot be reached
    at all fails the rest of the batch with the same error at once (each row to be retried):
    trying each row would wait for the connect timeout row after row, past the lease.
    """
    connection = None
    unreachable: Exception | None = None
    try:
        for row in rows:
            if unreachable is not None:
                yield row, unreachable
                continue
            try:
                message = _render(row)
                if connection is None:
                    try:
                        connection = mailers.default  # a new connection to MAILERS["default"]
                        connection.open()
                    except TRANSIENT_MAIL_ERRORS as exc:
                        connection = None
                        unreachable = exc
                        raise
                connection.send_messages([message])
            except SoftTimeLimitExceeded:
                raise  # out of time: the ledger hands the rows back (rehabpath.ledger)
            except Exception as exc:  # recorded on the row by rehabpath.ledger
                if connection is not None and isinstance(exc, TRANSIENT_MAIL_ERRORS):
                    _close_quietly(connection)
                    connection = None
                yield row, exc
            else:
                yield row, None
    finally:
        if connection is not None:
            _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: S110 - the connection is being dropped either way
        pass


register_channel(
    Delivery.Channel.MAIL,
    ChannelSpec(send=send_mails, transient=TRANSIENT_MAIL_ERRORS, retry_delays=mail_retry_delays),
)


def message_id(delivery: Delivery) -> str:
    """The same Message-ID for every attempt at one row: a second copy can be recognised."""
    domain = urlsplit(settings.SITE_URL).hostname or "rehabpath.invalid"
    return f"<{delivery.public_id}@{domain}>"


def _render(delivery: Delivery) -> EmailMultiAlternatives:
    context = {
        "recipient": delivery.recipient,
        "link": settings.SITE_URL + delivery.path if delivery.path else "",
        **delivery.context,
    }
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
        headers={"Message-ID": message_id(delivery)},
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
