"""The notification kinds of mentorship: what its services and reminder sources send (see
rehabpath.notifications)."""

from rehabpath.notifications import Kind, register_kind
from rehabpath.roles import Role

register_kind(
    Kind(
        "mentor.assignment",
        "A mentor assigned or ended",
        "When programme staff assign you a mentor or mentee, or end the assignment.",
        frozenset({Role.TRAINER, Role.MENTOR}),
        template="mentor_assignment",
    )
)
register_kind(
    Kind(
        "meeting.recorded",
        "A supervision meeting recorded",
        "When your mentor records a supervision meeting with you.",
        frozenset({Role.TRAINER}),
        template="supervision_meeting",
    )
)
register_kind(
    Kind(
        "session.submitted",
        "Sign-off requested",
        "When a mentee submits a supervised session for your sign-off.",
        frozenset({Role.MENTOR}),
        template="supervised_session_submitted",
    )
)
register_kind(
    Kind(
        "session.decided",
        "A session signed off or returned",
        "When your mentor signs off or returns a supervised session.",
        frozenset({Role.TRAINER}),
        template="supervised_session_decided",
    )
)
register_kind(
    Kind(
        "session.signed_copy",
        "Copy of a signed-off session",
        "Your copy of what you signed off, for your own records.",
        frozenset({Role.MENTOR}),
        template="supervised_session_signed_copy",
    )
)
register_kind(
    Kind(
        "scope.declared",
        "Scope of practice declared",
        "A receipt when you sign a scope of practice declaration.",
        frozenset({Role.TRAINER}),
        template="scope_declaration",
    )
)

# --- Reminders (mentorship/reminders.py registers their sources) --------------------------

register_kind(
    Kind(
        "expiry.scope",
        "Scope of practice declaration to renew",
        "90, 30 and 7 days before your scope of practice declaration ends, and on the day.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="expiry",
    )
)
register_kind(
    Kind(
        "supervision.overdue",
        "Supervision overdue",
        "When a month has passed in supervised practice without a supervision meeting, and"
        " once a month while it stays so.",
        frozenset({Role.TRAINER, Role.MENTOR}),
        template="supervision_overdue",
    )
)
register_kind(
    Kind(
        "session.waiting",
        "A session waiting for your sign-off",
        "When a mentee's session has waited more than a week for you, once per submission.",
        frozenset({Role.MENTOR}),
        template="session_waiting",
    )
)

import mentorship.reminders  # noqa: E402, F401  (registers the reminder sources)
