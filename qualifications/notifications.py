"""The notification kinds of qualifications: what its services and reminder sources send (see
rehabpath.notifications)."""

from rehabpath.notifications import Kind, register_kind
from rehabpath.roles import Role

register_kind(
    Kind(
        "portfolio.export",
        "CPD portfolio ready",
        "When the CPD portfolio you asked for is ready to download.",
        frozenset({Role.TRAINER}),
        template="portfolio_export",
    )
)

# --- Reminders (qualifications/reminders.py registers their sources) ----------------------

register_kind(
    Kind(
        "expiry.qualification",
        "Qualification about to expire",
        "90, 30 and 7 days before a qualification of yours expires, and on the day.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="expiry",
    )
)
register_kind(
    Kind(
        "expiry.first_aid",
        "First aid certificate about to expire",
        "90, 30 and 7 days before your first aid certificate expires, and on the day.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="expiry",
    )
)
register_kind(
    Kind(
        "cpd.behind_target",
        "CPD behind target",
        "60 and 30 days before your CPD year ends, if your points are behind the target.",
        frozenset({Role.TRAINER}),
        template="cpd_behind_target",
    )
)

import qualifications.reminders  # noqa: E402, F401  (registers the reminder sources)
