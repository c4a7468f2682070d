"""The mentorship models, one module per concept; import them from here."""

from mentorship.models.assignments import MentorAssignment, MentorProfile
from mentorship.models.sessions import (
    ComplexityLevel,
    RoundDecision,
    SessionMode,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionStatement,
)

__all__ = [
    "ComplexityLevel",
    "MentorAssignment",
    "MentorProfile",
    "RoundDecision",
    "SessionMode",
    "SessionRound",
    "SessionStatus",
    "SupervisedSession",
    "SupervisionStatement",
]
