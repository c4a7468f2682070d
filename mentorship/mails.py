"""The mails trainer and mentor get: staff start or end an assignment; the other person
records, confirms or disputes a supervision meeting."""

from django.urls import reverse

from mentorship.models import MentorAssignment, SupervisionMeeting
from rehabpath.formats import day_label
from rehabpath.models import User
from rehabpath.notifications import notify


def mail_assignment(*, assignment: MentorAssignment, event: str) -> None:
    """Tell both people; `event` is "start" or "end", one mail each per event (the ledger)."""
    mentor_user = assignment.mentor.user
    trainer_user = assignment.trainer.user
    for role, recipient, other in (
        ("trainer", trainer_user, mentor_user),
        ("mentor", mentor_user, trainer_user),
    ):
        notify(
            recipient=recipient,
            subject_key=f"mentor_assignment:{assignment.public_id}:{role}",
            milestone=event,
            kind="mentor.assignment",
            context={
                "event": event,
                "role": role,
                "other_name": other.name or other.email,
                "starts_on": day_label(assignment.starts_on),
                "ends_on": day_label(assignment.ends_on),
                "areas": ", ".join(a.name for a in assignment.focus_areas.all()),
                "reason": assignment.end_reason,
            },
        )


def mail_meeting(*, meeting: SupervisionMeeting, event: str, recipient: User) -> None:
    """Tell `recipient` what the other person did with a meeting; once per version and event.

    `event`: "recorded" or "corrected" (to the one who confirms), "confirmed" or "disputed"
    (to the recorder).
    """
    assignment = meeting.assignment
    trainer_user = assignment.trainer.user
    other = assignment.mentor.user if recipient.pk == trainer_user.pk else trainer_user
    notify(
        recipient=recipient,
        subject_key=f"supervision_meeting:{meeting.public_id}",
        milestone=f"{event}:{meeting.revision}",
        kind="meeting.recorded",
        context={
            "event": event,
            "other_name": other.name or other.email,
            "kind": meeting.get_kind_display(),
            "meeting_date": day_label(meeting.meeting_date),
            "reason": meeting.dispute_reason if event == "disputed" else "",
            "path": reverse("mentorship:meeting", kwargs={"public_id": meeting.public_id}),
        },
    )
