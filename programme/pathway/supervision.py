"""The supervised-session counts of the rules in force, for mentorship's progress tables.

mentorship.progress sits below the pathway and cannot import it; programme/apps.py registers
`supervised_requirements` with it, so the trainer's session list and the mentor's mentee page
count against the same numbers the pathway evaluates.
"""

from mentorship.progress import Requirements
from programme.pathway.rules import Definition, Kind
from programme.pathway.versions import current_rules


def requirements_of(definition: Definition) -> Requirements:
    """The counts a definition asks for; none at all when it asks for no supervised sessions
    (staff switched the requirement off)."""
    for requirement in definition.all_requirements():
        if requirement.kind == Kind.SUPERVISED_SESSIONS:
            return Requirements(requirement.per_level)
    return Requirements((0, 0, 0))


def supervised_requirements() -> Requirements:
    """One query: the newest rules version."""
    return requirements_of(current_rules().definition)
