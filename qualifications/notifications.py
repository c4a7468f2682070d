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
