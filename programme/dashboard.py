"""The trainer's dashboard panel: it reads across apps (records of every kind, CPD)."""

from typing import Any

from mentorship.access import current_assignment_of
from mentorship.models import SessionStatus, SupervisedSession
from mentorship.selectors_meetings import meetings_waiting_count
from mentorship.selectors_scope import scope_status_for
from programme.pathway.presenting import dashboard_lines
from programme.pathway.selectors import pathway_for
from qualifications.selectors import cpd_summary_for
from rehabpath.models import User
from trainers.models import DisplayStatus
from trainers.records import kind_of
from trainers.selectors import trainer_records

NEEDS_ATTENTION = frozenset({DisplayStatus.REJECTED, DisplayStatus.EXPIRED, DisplayStatus.EXPIRING})


def trainer_panel(user: User) -> dict[str, Any]:
    profile = user.trainer_profile
    records = trainer_records(profile)
    counts = dict.fromkeys(DisplayStatus, 0)
    for record in records:
        counts[record.display_status()] += 1
    return {
        "profile": profile,
        "record_count": len(records),
        "status_counts": [(s, counts[s]) for s in DisplayStatus if counts[s]],
        # Each item opens its record, where the trainer renews or corrects it.
        "needs_attention": [
            {"record": r, "status": r.display_status(), "url": kind_of(r).url("detail", r)}
            for r in records
            if r.display_status() in NEEDS_ATTENTION
        ],
        "cpd": cpd_summary_for(profile),
        "mentor_assignment": current_assignment_of(profile),
        "meetings_waiting": meetings_waiting_count(user),
        # Asks the trainer to sign when they have no declaration, a new version is out, or
        # theirs ends within 30 days.
        "scope": scope_status_for(profile),
        # Where they stand in the areas they work towards, and the next step in each.
        "pathway": dashboard_lines(pathway_for(profile)),
        # Supervised sessions the mentor returned: the trainer's move (mentorship:sessions).
        "returned_sessions": SupervisedSession.objects.filter(
            trainer=profile, status=SessionStatus.RETURNED
        ).count(),
    }
