"""The mails trainer and mentor get when staff start or end a mentor assignment."""

from mentorship.models import MentorAssignment
from rehabpath.formats import day_label
from rehabpath.mail import mail_enqueue


def mail_assignment(*, assignment: MentorAssignment, event: str) -> None:
    """Tell both people; `event` is "start" or "end", one mail each per event (the ledger)."""
    mentor_user = assignment.mentor.user
    trainer_user = assignment.trainer.user
    for role, recipient, other in (
        ("trainer", trainer_user, mentor_user),
        ("mentor", mentor_user, trainer_user),
    ):
        mail_enqueue(
            recipient=recipient,
            subject_key=f"mentor_assignment:{assignment.public_id}:{role}",
            milestone=event,
            template="mentor_assignment",
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
