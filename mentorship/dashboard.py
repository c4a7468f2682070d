"""The mentor's dashboard panel."""

from typing import Any

from mentorship.access import current_mentees_of
from rehabpath.models import User


def mentor_panel(user: User) -> dict[str, Any]:
    mentor = user.mentor_profile
    return {"mentor": mentor, "mentees": list(current_mentees_of(mentor))}
