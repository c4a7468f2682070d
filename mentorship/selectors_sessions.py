"""Reads of supervised sessions for programme staff: the delay from session to sign-off."""

from dataclasses import dataclass

from mentorship.models import SupervisedSession
from trainers.models import TrainerProfile

RECENT_SESSIONS = 10


@dataclass(frozen=True)
class SessionLine:
    session: SupervisedSession
    # Days from the session to its sign-off, None until signed off (staff watch the delay).
    sign_off_delay_days: int | None


def sign_off_delay_days(session: SupervisedSession) -> int | None:
    if session.signed_off_at is None:
        return None
    return (session.signed_off_at.date() - session.session_date).days


def recent_sessions_for_staff(
    trainer: TrainerProfile, *, limit: int = RECENT_SESSIONS
) -> tuple[list[SessionLine], int]:
    """The trainer's latest sessions, drafts left out (theirs alone), and how many there are;
    two queries."""
    sent = SupervisedSession.objects.filter(trainer=trainer).exclude(status="draft")
    rows = sent.select_related("condition_area").order_by("-session_date", "-pk")[:limit]
    lines = [SessionLine(s, sign_off_delay_days(s)) for s in rows]
    return lines, (len(lines) if len(lines) < limit else sent.count())
