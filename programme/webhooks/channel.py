"""The ledger's "webhook" channel: POST each claimed row to its endpoint, signed.

The request, as Standard Webhooks describes it: a JSON body `{"type", "timestamp", "data"}`
(the same bytes on every try), headers `webhook-id` (the ledger row's public id: the same
across retries and resends, so a receiver drops a copy it already has), `webhook-timestamp`
(this try's time, in seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
`id.timestamp.body` with the endpoint's secret, from the standardwebhooks package).

What counts as what:
- 2xx: accepted.
- 5xx, 408, 429, a timeout, a refused or dropped connection, a TLS failure, a host that does
  not resolve: transient, tried again after WEBHOOK_RETRY_DELAYS (about a day in all), as the
  receiver being briefly away or overloaded looks.
- 3xx (redirects are not followed: a signed delivery goes where the clinic said, not where a
  response points), any other 4xx, an address that is no longer allowed, an endpoint deleted
  or disabled: permanent. The receiver said no; a day of retries would only hammer it. The
  clinic admin sees why on the delivery's page and can fix the endpoint and resend.
Every try is a WebhookAttempt, written before the ledger records the outcome.
"""

import datetime as dt
import http.client
import json
import socket
import ssl
import time
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from programme.models import WebhookAttempt, WebhookEndpoint
from programme.webhooks.urls_check import CheckedURL, HostNotFound, check_url
from rehabpath.errors import DomainError
from rehabpath.ledger import ChannelSpec, register_channel
from rehabpath.models import Delivery

USER_AGENT = "RehabPath-Webhooks/1"
EXCERPT_BYTES = 500


class WebhookTransientError(Exception):
    """A try that a later one may outlive (the ledger retries the row)."""


class WebhookRejected(Exception):
    """A try no later one would change (the ledger fails the row)."""


def webhook_retry_delays() -> list[dt.timedelta]:
    return [dt.timedelta(seconds=s) for s in settings.WEBHOOK_RETRY_DELAYS]


def body_of(row: Delivery) -> str:
    """The request's body: the same bytes on every try of the row."""
    return json.dumps(
        {
            "type": row.kind,
            "timestamp": row.context.get("timestamp") or row.created_at.isoformat(),
            "data": row.context.get("payload", {}),
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def signed_headers(row: Delivery, secret: str, body: str, now: dt.datetime) -> dict[str, str]:
    msg_id = str(row.public_id)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=now, data=body),
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not whatever the host resolves to next."""

    def __init__(self, checked: CheckedURL, address: str, timeout: float):
        super().__init__(checked.host, checked.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, checked: CheckedURL, address: str, timeout: float):
        super().__init__(
            checked.host, checked.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, as for any https request.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(checked: CheckedURL, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST to the first of the checked addresses that connects; (status, response excerpt)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    last: OSError | None = None
    for address in checked.addresses:
        conn_class = _PinnedHTTPSConnection if checked.scheme == "https" else _PinnedHTTPConnection
        conn = conn_class(checked, address, timeout)
        try:
            try:
                conn.connect()
            except OSError as exc:
                last = exc
                continue
            conn.request("POST", checked.path, body=body.encode(), headers=headers)
            response = conn.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
            return response.status, excerpt
        finally:
            conn.close()
    raise last or OSError("no address to connect to")


def classify(status: int) -> Exception | None:
    if 200 <= status < 300:
        return None
    if status >= 500 or status in (408, 429):
        return WebhookTransientError(f"HTTP {status}")
    if 300 <= status < 400:
        return WebhookRejected(f"HTTP {status}: redirects are not followed")
    return WebhookRejected(f"HTTP {status}")


def _try(
    row: Delivery, endpoint: WebhookEndpoint | None
) -> tuple[Exception | None, dict[str, Any]]:
    """One try at the row: its outcome and what the attempt records."""
    if endpoint is None:
        return WebhookRejected("the endpoint was deleted"), {}
    if not endpoint.is_active:
        return WebhookRejected("the endpoint is disabled"), {}
    try:
        checked = check_url(endpoint.url)
    except HostNotFound as exc:
        return WebhookTransientError(exc.message), {}
    except DomainError as exc:
        return WebhookRejected(exc.message), {}
    body = body_of(row)
    headers = signed_headers(row, endpoint.secret, body, timezone.now())
    try:
        status, excerpt = post(checked, body, headers)
    except (OSError, http.client.HTTPException) as exc:
        return WebhookTransientError(f"{type(exc).__name__}: {exc}"), {}
    return classify(status), {"status_code": status, "response_excerpt": excerpt}


def send_webhooks(rows: Sequence[Delivery]) -> Iterator[tuple[Delivery, Exception | None]]:
    """The webhook channel: each row POSTed to its endpoint, one attempt recorded per try."""
    endpoints = {
        str(e.public_id): e
        for e in WebhookEndpoint.objects.filter(public_id__in=[row.destination for row in rows])
    }
    for row in rows:
        started = timezone.now()
        clock = time.monotonic()
        error, recorded = _try(row, endpoints.get(row.destination))
        # The status says it all for a plain refusal; kept when there is more to say.
        said = "" if error is None else str(error)[:255]
        if said == f"HTTP {recorded.get('status_code')}":
            said = ""
        previous = row.webhook_attempts.aggregate(n=Max("number"))["n"] or 0
        WebhookAttempt.objects.create(
            delivery=row,
            number=previous + 1,
            started_at=started,
            duration_ms=round((time.monotonic() - clock) * 1000),
            error=said,
            **recorded,
        )
        yield row, error


register_channel(
    Delivery.Channel.WEBHOOK,
    ChannelSpec(
        send=send_webhooks,
        transient=(WebhookTransientError,),
        retry_delays=webhook_retry_delays,
    ),
)
