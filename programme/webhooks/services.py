"""Clinic webhooks: endpoints (created, changed, rotated, deleted by the clinic's admins) and
the deliveries the apps' events make (`webhook_emit`), each a row of the core's ledger.

A delivery is a `rehabpath.models.Delivery` with channel "webhook" and the endpoint's public
id as its destination: the ledger's unique key (destination, event, subject, milestone) makes
an event delivered once per endpoint whoever emits it twice, and the row's public id is the
`webhook-id` the receiver sees on every try (programme.webhooks.channel).
"""

import base64
import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from programme.models import WebhookEndpoint
from programme.webhooks.events import EVENT_KEYS, TEST
from programme.webhooks.urls_check import check_url
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.models import Delivery
from rehabpath.notifications import Item, notify, notify_many
from trainers.models import Clinic, ClinicMembership

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks scheme, not a secret
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64 random bytes
DESCRIPTION_MAX_LENGTH = WebhookEndpoint._meta.get_field("description").max_length or 200


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def display_secret(endpoint: WebhookEndpoint) -> str:
    """What the endpoint's page shows of its secret after creation: enough to tell two apart."""
    return f"{SECRET_PREFIX}{endpoint.secret[len(SECRET_PREFIX) : len(SECRET_PREFIX) + 4]}…"


def _require_admin(actor: Actor, clinic: Clinic) -> None:
    person = actor.person()
    if not ClinicMembership.objects.filter(clinic=clinic, user=person).exists():
        raise DomainError("Only an admin of this clinic can change its webhooks.")


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in EVENT_KEYS]
    if unknown:
        raise DomainError(f"Unknown event type: {', '.join(unknown)}.", field="events")
    if not chosen:
        raise DomainError("Choose at least one event to receive.", field="events")
    return sorted(chosen)


def _clean_description(description: str) -> str:
    description = " ".join(description.split())
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            f"Keep the description to {DESCRIPTION_MAX_LENGTH} characters or fewer.",
            field="description",
        )
    return description


def _state(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "active": endpoint.is_active,
    }


@transaction.atomic
def webhook_endpoint_create(
    *, actor: Actor, clinic: Clinic, url: str, events: Sequence[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint for `clinic`, and its secret (shown once; rotated, never shown again)."""
    _require_admin(actor, clinic)
    checked = check_url(url)
    endpoint = WebhookEndpoint.objects.create(
        clinic=clinic,
        url=checked.url,
        events=_clean_events(events),
        description=_clean_description(description),
        secret=new_secret(),
        created_by=actor.person(),
    )
    record_event(
        actor=actor,
        action="webhook_endpoint.create",
        target=endpoint,
        after={**_state(endpoint), "clinic": clinic.name},
    )
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: Actor,
    endpoint: WebhookEndpoint,
    url: str,
    events: Sequence[str],
    description: str,
    is_active: bool,
) -> WebhookEndpoint:
    """Change what an endpoint receives, where, or whether it is active (disabled: nothing new
    is delivered to it; deliveries already due fail when their turn comes)."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("clinic").get(pk=endpoint.pk)
    )
    _require_admin(actor, endpoint.clinic)
    before = _state(endpoint)
    endpoint.url = check_url(url).url if url.strip() != endpoint.url else endpoint.url
    endpoint.events = _clean_events(events)
    endpoint.description = _clean_description(description)
    endpoint.is_active = is_active
    after = _state(endpoint)
    if after == before:
        return endpoint
    endpoint.save(update_fields=["url", "events", "description", "is_active"])
    record_event(
        actor=actor,
        action="webhook_endpoint.update",
        target=endpoint,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint, at once: every later try (retries too) is signed with it."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("clinic").get(pk=endpoint.pk)
    )
    _require_admin(actor, endpoint.clinic)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    record_event(
        actor=actor,
        action="webhook_endpoint.rotate_secret",
        target=endpoint,
        after={"secret": display_secret(endpoint)},
    )
    return endpoint.secret


@transaction.atomic
def webhook_endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint. Its deliveries stay in the ledger (they name it by its public id);
    any still due fail when their turn comes."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("clinic").get(pk=endpoint.pk)
    )
    _require_admin(actor, endpoint.clinic)
    record_event(
        actor=actor,
        action="webhook_endpoint.delete",
        target=endpoint,
        before={**_state(endpoint), "clinic": endpoint.clinic.name},
    )
    endpoint.delete()


def webhook_emit(
    *,
    clinic_ids: Iterable[int],
    event: str,
    subject_key: str,
    milestone: str,
    payload: dict[str, Any],
) -> int:
    """Record `event` for every active endpoint of these clinics that chose it; how many rows
    were new.

    One ledger row per endpoint, sent after the transaction commits. The unique key
    (endpoint, event, subject_key, milestone) makes a second emit of the same change a no-op:
    choose `milestone` so that a later, different change gets its own (e.g. the new status).
    `payload` is the event's `data`, plain JSON values only. Two queries (the endpoints,
    one INSERT), whatever the number of endpoints.
    """
    items = webhook_items(event=event, events=[(clinic_ids, subject_key, milestone, payload)])
    return notify_many(items)


WebhookEvent = tuple[Iterable[int], str, str, dict[str, Any]]


def webhook_items(
    *, event: str, events: Sequence[WebhookEvent], now: dt.datetime | None = None
) -> list[Item]:
    """The ledger items of many occurrences of `event`, each (clinic ids, subject key,
    milestone, payload), for a batch to record at once (a reminder source's: the sweep records
    them with notify_many). One query for all the clinics' endpoints, none when no clinic."""
    if event not in EVENT_KEYS:
        raise ValueError(f"unknown webhook event {event!r}: add it to programme.webhooks.events")
    wanted = [
        (set(clinics), subject_key, milestone, payload)
        for clinics, subject_key, milestone, payload in events
    ]
    ids = {clinic_id for clinics, _, _, _ in wanted for clinic_id in clinics}
    if not ids:
        return []
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(clinic_id__in=ids, is_active=True).only(
        "public_id", "events", "clinic_id"
    ):
        # `events` is JSON: filtered here rather than with a JSON lookup SQLite lacks; a clinic
        # has a handful of endpoints.
        if event in endpoint.events:
            endpoints.setdefault(endpoint.clinic_id, []).append(endpoint)
    timestamp = (now or timezone.now()).isoformat()
    return [
        Item(
            kind=event,
            channel=Delivery.Channel.WEBHOOK,
            destination=str(endpoint.public_id),
            subject_key=subject_key,
            milestone=milestone,
            context={"payload": payload, "timestamp": timestamp},
        )
        for clinics, subject_key, milestone, payload in wanted
        for clinic_id in sorted(clinics)
        for endpoint in endpoints.get(clinic_id, [])
    ]


@transaction.atomic
def webhook_send_test(*, actor: Actor, endpoint: WebhookEndpoint) -> Delivery:
    """Deliver a `webhook.test` event to the endpoint now (whatever events it chose)."""
    _require_admin(actor, endpoint.clinic)
    if not endpoint.is_active:
        raise DomainError("This endpoint is disabled: enable it to send it a test event.")
    test_id = uuid.uuid4()
    row = notify(
        kind=TEST,
        channel=Delivery.Channel.WEBHOOK,
        destination=str(endpoint.public_id),
        subject_key=f"test:{test_id}",
        context={
            "payload": {"clinic": {"id": str(endpoint.clinic.public_id)}, "test": str(test_id)},
            "timestamp": timezone.now().isoformat(),
        },
    )
    if row is None:  # a new subject key each time: cannot happen
        raise RuntimeError("test delivery recorded twice")
    record_event(
        actor=actor,
        action="webhook_endpoint.send_test",
        target=endpoint,
        after={"delivery": str(row.public_id)},
    )
    return row


@transaction.atomic
def webhook_delivery_resend(
    *, actor: Actor, endpoint: WebhookEndpoint, delivery: Delivery
) -> Delivery:
    """Send a delivery again: the same row, so the same `webhook-id` (a receiver that had it
    can drop it), with a fresh day of retries."""
    from rehabpath.ledger import dispatch_on_commit

    _require_admin(actor, endpoint.clinic)
    if not endpoint.is_active:
        raise DomainError("This endpoint is disabled: enable it to resend its deliveries.")
    row = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if row.status not in (Delivery.Status.SENT, Delivery.Status.FAILED):
        raise DomainError("This delivery is still being tried: wait for its outcome.")
    before = {"status": row.status, "attempts": row.attempts}
    row.status = Delivery.Status.PENDING
    row.attempts = 0
    row.next_attempt_at = timezone.now()
    row.claim_token = None
    row.claimed_at = None
    row.save(update_fields=["status", "attempts", "next_attempt_at", "claim_token", "claimed_at"])
    record_event(
        actor=actor,
        action="webhook_delivery.resend",
        target=endpoint,
        before=before,
        after={"status": row.status, "delivery": str(row.public_id)},
    )
    dispatch_on_commit([row.pk])
    return row


# --- Reading --------------------------------------------------------------------------------


def endpoints_of(clinic: Clinic) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(clinic=clinic).order_by(
        "-is_active", "-created_at", "-id"
    )


def get_endpoint_of_clinic(clinic: Clinic, public_id: uuid.UUID) -> WebhookEndpoint:
    """The endpoint `public_id` if it is `clinic`'s; 404 otherwise."""
    endpoint = (
        WebhookEndpoint.objects.select_related("clinic")
        .filter(clinic=clinic, public_id=public_id)
        .first()
    )
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        channel=Delivery.Channel.WEBHOOK,
        recipient__isnull=True,
        destination=str(endpoint.public_id),
    )


def get_delivery_of_endpoint(endpoint: WebhookEndpoint, public_id: uuid.UUID) -> Delivery:
    delivery = deliveries_of(endpoint).filter(public_id=public_id).first()
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery
