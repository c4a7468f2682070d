"""The mentor's workspace: the sign-off queue and one page per mentee (/mentor/...).

The mentor decides on a session on the session's own page (mentorship:session): there is no
bulk sign-off here, each row opens one session.
"""

import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentorship import workspace
from mentorship.access import get_mentee_for_user
from mentorship.models import ComplexityLevel
from mentorship.progress import current_requirements, progress_for_trainer
from mentorship.selectors_meetings import supervision_by_month
from rehabpath.access import role_required
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role


@role_required(Role.MENTOR)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = workspace.queue_page(request.user, after=request.GET.get("after"))
    mentees = workspace.mentees_of(request.user)
    waiting = workspace.waiting_by_trainer(request.user)
    counts = workspace.WaitingCounts.summed(waiting.values())
    return render(
        request,
        "mentorship/queue.html",
        {
            "page": page,
            "counts": counts,
            "mentees": [(a, waiting.get(a.trainer_id)) for a in mentees],
            "overdue_after": workspace.OVERDUE_AFTER_DAYS,
            "levels": list(ComplexityLevel),
        },
    )


@role_required(Role.MENTOR, Role.STAFF)
def mentee(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_mentee_for_user(request.user, public_id)
    trainer, assignment = access.trainer, access.assignment
    sessions = workspace.mentee_sessions(trainer, assignment)
    overdue = [row for row in sessions.waiting if row.overdue]
    months = supervision_by_month(trainer)
    requirements = current_requirements()  # the pathway rules in force
    return render(
        request,
        "mentorship/mentee.html",
        {
            "access": access,
            "trainer": trainer,
            "assignment": assignment,
            "progress": progress_for_trainer(trainer, requirements=requirements),
            "requirements": requirements,
            "levels": list(ComplexityLevel),
            "sessions": sessions,
            "overdue": overdue,
            "ending_in": workspace.ending_soon(assignment),
            "months": workspace.month_states(months, assignment),
            "month_missed": workspace.month_missed(months, assignment),
            "meetings": workspace.mentee_meetings(trainer),
            "overdue_after": workspace.OVERDUE_AFTER_DAYS,
            "today": timezone.localdate(),
        },
    )
