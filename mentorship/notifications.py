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
