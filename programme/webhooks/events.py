"""The event types a clinic's webhook endpoint can choose, in one place.

Each is also a notification kind (rehabpath.notifications) with no roles: it is on no one's
preferences page, and its ledger rows go to an endpoint, never to a person.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    key: str
    label: str
    description: str
    # False for types nothing emits yet (certificates come with a later issue).
    emitted: bool = True


ELIGIBILITY_CHANGED = "trainer.eligibility_changed"
TRAINER_SUSPENDED = "trainer.suspended"
TRAINER_REINSTATED = "trainer.reinstated"
CERTIFICATE_REVOKED = "certificate.revoked"
CERTIFICATE_REPLACED = "certificate.replaced"
CERTIFICATE_EXPIRED = "certificate.expired"
SHARING_STOPPED = "sharing.stopped"
# Sent on request from the endpoint's page; never chosen, always delivered.
TEST = "webhook.test"

EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        ELIGIBILITY_CHANGED,
        "Eligibility changed",
        "A trainer sharing with the clinic became eligible, supervised only or not eligible "
        "in a condition area.",
    ),
    EventType(TRAINER_SUSPENDED, "Trainer suspended", "Programme staff suspended a trainer."),
    EventType(TRAINER_REINSTATED, "Trainer reinstated", "Programme staff reinstated a trainer."),
    EventType(
        CERTIFICATE_REVOKED,
        "Certificate revoked",
        "A trainer's certificate was revoked.",
    ),
    EventType(
        CERTIFICATE_REPLACED,
        "Certificate replaced",
        "A trainer's certificate was replaced by a new one.",
    ),
    EventType(
        CERTIFICATE_EXPIRED,
        "Certificate expired",
        "A trainer's certificate passed its expiry date (sent the day after).",
    ),
    EventType(
        SHARING_STOPPED,
        "Sharing stopped",
        "A trainer stopped sharing their record with the clinic.",
    ),
)
TEST_EVENT = EventType(TEST, "Test event", "Sent when an admin asks for one.")

EVENT_KEYS: frozenset[str] = frozenset(event.key for event in EVENT_TYPES)


def event_label(key: str) -> str:
    for event in (*EVENT_TYPES, TEST_EVENT):
        if event.key == key:
            return event.label
    return key
