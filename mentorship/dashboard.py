"""The mentor's dashboard panel: what waits for them, and their current mentees."""

from typing import Any

from mentorship import workspace
from rehabpath.models import User


def mentor_panel(user: User) -> dict[str, Any]:
    """Three queries: the profile, the mentees, the waiting sessions counted per mentee."""
    mentees = workspace.mentees_of(user)
    waiting = workspace.waiting_by_trainer(user)
    return {
        "mentor": user.mentor_profile,
        "mentees": [(assignment, waiting.get(assignment.trainer_id)) for assignment in mentees],
        "waiting": workspace.WaitingCounts.summed(waiting.values()),
        "overdue_after": workspace.OVERDUE_AFTER_DAYS,
    }
