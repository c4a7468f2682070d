"""The access matrix: for every URL, the status each persona gets.

Each module in this package defines ``CASES: list[AccessCase]`` for the URLs of one area.
``tests/test_access_matrix.py`` walks every URL pattern of the project and fails when one has
no case here (or in ``EXCLUDED``, with a reason).

Personas: anonymous, trainer, other_trainer, mentor, unassigned_mentor, clinic_admin,
other_clinic_admin, staff. An object-bound URL builds its kwargs from the personas (e.g. a
record owned by "trainer"), so "other_trainer" shows what an outsider gets (404) and "staff"
what a reader with another role gets. "unassigned_mentor" (a mentor with no assignment to the
trainer) and "other_clinic_admin" (an admin of a clinic the trainer has not shared with) are
the outsiders of the mentorship and clinic features: whatever "mentor" and "clinic_admin" come
to see of "trainer", these two must still get 403 or 404, so every case names them itself.
"ended_mentor" mentored "trainer" until staff ended the assignment: their access ended with
it. A case that leaves it out expects for them what "unassigned_mentor" gets; the mentorship
cases name it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = (
    "anonymous",
    "trainer",
    "other_trainer",
    "mentor",
    "unassigned_mentor",
    "ended_mentor",
    "clinic_admin",
    "other_clinic_admin",
    "staff",
)
LOGIN = 302  # anonymous users are redirected to the login page
# Pages for programme staff alone: every other role is refused by role (403).
STAFF_ONLY = {
    "anonymous": LOGIN,
    "trainer": 403,
    "other_trainer": 403,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 200,
}


@dataclass(frozen=True)
class AccessCase:
    url_name: str
    expected: dict[str, int]
    # Builds the URL kwargs from {persona: user}; None for URLs without arguments.
    kwargs: Callable[[dict], dict] | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        if "ended_mentor" not in self.expected and "unassigned_mentor" in self.expected:
            expected = {**self.expected, "ended_mentor": self.expected["unassigned_mentor"]}
            object.__setattr__(self, "expected", expected)
        missing = set(PERSONAS) - set(self.expected)
        if missing:
            raise ValueError(f"{self.url_name}: no expectation for {sorted(missing)}")
