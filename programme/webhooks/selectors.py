"""What the webhook pages read: a page of an endpoint's deliveries, with their last try."""

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from programme.models import WebhookAttempt, WebhookEndpoint
from programme.webhooks.services import deliveries_of
from rehabpath.models import Delivery
from rehabpath.paging import KeysetPage, keyset_page

PAGE_SIZE = 25


def delivery_page(
    endpoint: WebhookEndpoint, *, older: str | None, newer: str | None, size: int = PAGE_SIZE
) -> KeysetPage[Delivery]:
    """The endpoint's deliveries, newest first, each with its last try's HTTP status and
    error: one query whatever the number of deliveries or attempts."""
    last = WebhookAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-number")
    rows: QuerySet[Delivery] = (
        deliveries_of(endpoint)
        .defer("context")
        .annotate(
            last_status_code=Subquery(last.values("status_code")[:1]),
            last_attempt_error=Subquery(last.values("error")[:1]),
            # Every try, resends included (Delivery.attempts restarts with a resend).
            tries=Coalesce(
                Subquery(
                    WebhookAttempt.objects.filter(delivery=OuterRef("pk"))
                    .values("delivery")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                Value(0),
            ),
        )
    )
    return keyset_page(rows, field="created_at", size=size, older_than=older, newer_than=newer)


def attempts_of(delivery: Delivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))


def delivery_state(row: Delivery) -> tuple[str, str]:
    """(what the list says of a delivery, its badge class)."""
    if row.status == Delivery.Status.SENT:
        return "Delivered", "badge-ok"
    if row.status == Delivery.Status.FAILED:
        return "Failed", "badge-bad"
    if row.status == Delivery.Status.SENDING:
        return "Sending", "badge-info"
    if row.attempts:
        return "Retrying", "badge-warn"
    return "Waiting", "badge-pending"
