"""The mentor's dashboard panel: what waits for them, and their current mentees."""

from typing import Any

from mentorship import workspace
from mentorship.selectors_meetings import meetings_waiting_count
from rehabpath.models import User


def mentor_panel(user: User) -> dict[str, Any]:
    """Four queries: the profile, the mentees, the waiting sessions counted per mentee, the
    supervision meetings waiting for them."""
    mentees = workspace.mentees_of(user)
    waiting = workspace.waiting_by_trainer(user)
    return {
        "mentor": user.mentor_profile,
        "mentees": [(assignment, waiting.get(assignment.trainer_id)) for assignment in mentees],
        "waiting": workspace.WaitingCounts.summed(waiting.values()),
        "overdue_after": workspace.OVERDUE_AFTER_DAYS,
        "meetings_waiting": meetings_waiting_count(user),
    }
