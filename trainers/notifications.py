"""The notification kinds of trainers: what its services and reminder sources send (see
rehabpath.notifications)."""

from rehabpath.notifications import Kind, register_kind
from rehabpath.roles import Role

register_kind(
    Kind(
        "record.decided",
        "A record verified or rejected",
        "When programme staff verify or reject a qualification, insurance or DBS record.",
        frozenset({Role.TRAINER}),
        template="record_decision",
    )
)
register_kind(
    Kind(
        "trainer.status",
        "Suspension or reinstatement",
        "When programme staff suspend or reinstate you.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="trainer_status",
    )
)
register_kind(
    Kind(
        "account.claim",
        "Invitation to choose a password",
        "Once, when programme staff import your record.",
        frozenset({Role.TRAINER}),
        critical=True,
        in_app=False,
        template="account_claim",
    )
)
register_kind(
    Kind(
        "clinic.invitation",
        "Invitation to administer a clinic",
        "Once per invitation, to the address invited.",
        frozenset({Role.CLINIC_ADMIN}),
        critical=True,
        in_app=False,
        template="clinic_invitation",
    )
)
register_kind(
    Kind(
        "sharing.changed",
        "A trainer shared or stopped sharing",
        "When a trainer starts or stops sharing their record with your clinic.",
        frozenset({Role.CLINIC_ADMIN}),
        template="sharing_changed",
    )
)

# --- Reminders (trainers/reminders.py registers their sources) ----------------------------

register_kind(
    Kind(
        "expiry.insurance",
        "Insurance about to expire",
        "90, 30 and 7 days before your insurance ends, and on the day.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="expiry",
    )
)
register_kind(
    Kind(
        "expiry.dbs",
        "DBS recheck due",
        "90, 30 and 7 days before your DBS check is due for a recheck, and on the day (not"
        " while you are on the Update Service with consent to status checks).",
        frozenset({Role.TRAINER}),
        critical=True,
        template="expiry",
    )
)
register_kind(
    Kind(
        "evidence.waiting",
        "Records waiting for verification",
        "Once a day while records have waited more than five days for programme staff.",
        frozenset({Role.STAFF}),
        template="evidence_waiting",
    )
)

import trainers.reminders  # noqa: E402, F401  (registers the reminder sources)
