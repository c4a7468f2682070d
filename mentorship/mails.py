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
    # The trainer's dashboard shows their mentor; the mentor's link is the mentee's page while
    # the assignment runs, their sign-off queue once it has ended (the page is then a 404).
    home = reverse("home")
    mentor_path = (
        reverse("mentorship:mentee", kwargs={"public_id": assignment.trainer.public_id})
        if event == "start"
        else reverse("mentorship:queue")
    )
    for role, recipient, other, path in (
        ("trainer", trainer_user, mentor_user, home),
        ("mentor", mentor_user, trainer_user, mentor_path),
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
            path=path,
        )


def mail_meeting(*, meeting: SupervisionMeeting, event: str, recipient: User) -> None:
    """Tell `recipient` what the other person did with a meeting; once per version and event.

    `event`: "recorded" or "corrected" (to the one who confirms), "confirmed" or "disputed"
    (to the recorder).
    """
    assignment = meeting.assignment
    trainer_user = assignment.trainer.user
    other = assignment.mentor.user if recipient.pk == trainer_user.pk else trainer_user
    path = reverse("mentorship:meeting", kwargs={"public_id": meeting.public_id})
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
            "path": path,
        },
        path=path,
    )
