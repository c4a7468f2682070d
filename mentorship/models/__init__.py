"""The mentorship models, one module per concept; import them from here."""

from mentorship.models.assignments import MentorAssignment, MentorProfile
from mentorship.models.meetings import (
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    SupervisionMeeting,
)
from mentorship.models.scope import ScopeDeclaration, ScopeStatement
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
    "MeetingKind",
    "MeetingMode",
    "MeetingStatus",
    "MentorAssignment",
    "MentorProfile",
    "RoundDecision",
    "ScopeDeclaration",
    "ScopeStatement",
    "SessionMode",
    "SessionRound",
    "SessionStatus",
    "SupervisedSession",
    "SupervisionMeeting",
    "SupervisionStatement",
]
