"""The mentor's dashboard panel."""

from typing import Any

from rehabpath.models import User


def mentor_panel(user: User) -> dict[str, Any]:
    return {"mentor": user.mentor_profile}
