"""Domain events: a lower app says what happened, an upper one decides what follows.

The apps below the readers (trainers, qualifications, mentorship) may not import programme, yet
a verified record, a signed-off session or a suspension can change a trainer's eligibility,
which programme computes and tells clinics about. So a service *publishes* an event by name
with plain values (primary keys, never instances) and programme *subscribes* to it from its
`notifications` module, found by autodiscovery like every kind and reminder source:

- `publish(event, **data)` runs the subscribers now, inside the caller's transaction: what they
  record (a clinic admin's notification, a webhook's ledger row) commits or rolls back with the
  change itself, so it is recorded exactly once, never for a change that did not happen.
- `publish_on_commit(event, **data)` runs them after the transaction commits (a Celery task to
  recompute eligibility). Robust: a subscriber that fails (the broker away) is logged and never
  breaks the page; what it would have done is caught up by the daily sweep.

The core names no app: events are strings, documented where they are published.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[..., None]
SUBSCRIBERS: dict[str, list[Subscriber]] = {}


def subscribe(event: str) -> Callable[[Subscriber], Subscriber]:
    """Register a subscriber of `event` (called with the event's keyword data)."""

    def register(subscriber: Subscriber) -> Subscriber:
        handlers = SUBSCRIBERS.setdefault(event, [])
        if subscriber not in handlers:
            handlers.append(subscriber)
        return subscriber

    return register


def publish(event: str, **data: Any) -> None:
    """Run the subscribers of `event` now, in the current transaction (errors propagate)."""
    for subscriber in SUBSCRIBERS.get(event, ()):
        subscriber(**data)


def publish_on_commit(event: str, **data: Any) -> None:
    """Run the subscribers of `event` once the current transaction commits; never raises."""
    if event in SUBSCRIBERS:
        transaction.on_commit(lambda: _run_robustly(event, data))


def _run_robustly(event: str, data: dict[str, Any]) -> None:
    for subscriber in SUBSCRIBERS.get(event, ()):
        try:
            subscriber(**data)
        except Exception:
            logger.warning("subscriber %r of %s failed", subscriber, event, exc_info=True)
