"""The mails of the supervised-session cycle.

- the mentor, when a session is sent to them (once per round);
- the trainer, when the mentor returns it or signs it off (once per round);
- the mentor, a copy of exactly what they signed, with its SHA-256 (once).

The ledger holds only ids and plain labels: the session's text is read at send time, so the
mail ledger never holds a second copy of it. A signed-off session never changes again, so the
copy built at send time is what was signed.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from mentorship.models import ComplexityLevel, SessionMode, SupervisedSession
from rehabpath.formats import day_label
from rehabpath.mail import context_builder
from rehabpath.models import Delivery, User
from rehabpath.notifications import notify


def _name(user: User) -> str:
    return user.name or user.email


def _path(session: SupervisedSession) -> str:
    return reverse("mentorship:session", kwargs={"public_id": session.public_id})


def _url(session: SupervisedSession) -> str:
    return f"{settings.SITE_URL}{_path(session)}"


def _summary(session: SupervisedSession) -> dict[str, Any]:
    return {
        "session_url": _url(session),
        "session_day": day_label(session.session_date),
        "area": session.condition_area.name,
        "level": ComplexityLevel(session.complexity).label,
        "trainer_name": _name(session.trainer.user),
    }


def mail_session_submitted(*, session: SupervisedSession, mentor: User, round_number: int) -> None:
    notify(
        recipient=mentor,
        subject_key=f"supervised_session:{session.public_id}:submitted",
        milestone=f"round-{round_number}",
        kind="session.submitted",
        context={**_summary(session), "round": round_number},
        path=_path(session),
    )


def mail_session_decided(*, session: SupervisedSession, round_number: int, decision: str) -> None:
    """Tell the trainer the mentor returned or signed off this round ("returned"/"signed_off")."""
    notify(
        recipient=session.trainer.user,
        subject_key=f"supervised_session:{session.public_id}:decision",
        milestone=f"round-{round_number}",
        kind="session.decided",
        context={
            **_summary(session),
            "round": round_number,
            "decision": decision,
            "session_public_id": str(session.public_id),
        },
        path=_path(session),
    )


def mail_session_signed_copy(*, session: SupervisedSession, mentor: User) -> None:
    notify(
        recipient=mentor,
        subject_key=f"supervised_session:{session.public_id}:signed_copy",
        kind="session.signed_copy",
        context={**_summary(session), "session_public_id": str(session.public_id)},
        path=_path(session),
    )


def _feedback_of(session: SupervisedSession, round_number: int) -> str:
    found = session.rounds.filter(number=round_number).values_list("feedback", flat=True).first()
    return found or ""


@context_builder("supervised_session_decided")
def _decided_context(delivery: Delivery) -> dict[str, Any]:
    # The mentor's feedback is read at send time: the ledger keeps no text of the session.
    session = SupervisedSession.objects.get(public_id=delivery.context["session_public_id"])
    return {"feedback": _feedback_of(session, int(delivery.context["round"]))}


@context_builder("supervised_session_signed_copy")
def _signed_copy_context(delivery: Delivery) -> dict[str, Any]:
    session = SupervisedSession.objects.select_related("condition_area", "trainer__user").get(
        public_id=delivery.context["session_public_id"]
    )
    return {
        "s": session,
        "mode": SessionMode(session.mode).label,
        "statement": session.get_sign_off_statement_display(),
        "signed_at": session.signed_off_at,
        "signed_hash": session.signed_hash,
        "round": session.rounds.count(),
    }
