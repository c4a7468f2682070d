"""The supervised-session cycle: the trainer writes and submits, the current mentor decides.

draft -> submitted (round 1) -> signed off, or -> returned (feedback) -> submitted (round 2)
-> ... Every submission is a SessionRound with a snapshot of what was sent; the decision is
stored on that round, so every round stays readable.

Every write locks the session row (select_for_update) and checks the status again under the
lock: two mentors' sign-offs, or a return racing a sign-off, leave exactly one decision, and a
trainer's edit cannot slip between a mentor's reading and signing.

Nothing identifying a client is stored: a client reference that looks like an identifier is
refused before anything is written, and the audit events hold no text of the session at all
(dates, area, level, mode and flags only), not the reference nor the free text.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorship.access import current_assignments, deciding_assignment
from mentorship.identifiers import check_client_reference, free_text_warning
from mentorship.models import (
    RoundDecision,
    SessionMode,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionStatement,
)
from mentorship.models.sessions import SIGNED_CONTENT_FIELDS
from mentorship.session_mails import (
    mail_session_decided,
    mail_session_signed_copy,
    mail_session_submitted,
)
from qualifications.models import ConditionArea
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish_on_commit
from trainers.access import is_owner
from trainers.models import TrainerProfile
from trainers.records import check_not_stale, content_fingerprint
from trainers.rules import check_date

# The free-text fields the trainer writes; a warning on any of them must be acknowledged.
FREE_TEXT_FIELDS = ("delivered", "escalated_to", "escalation_reason", "reflection")
CONFIRM_FIELD = "confirm_no_identifiers"
MIN_MINUTES, MAX_MINUTES = 5, 600


@dataclass(frozen=True)
class SessionData:
    """What the trainer enters on the session form."""

    session_date: dt.date
    duration_minutes: int
    condition_area: ConditionArea
    complexity: int
    mode: str
    client_reference: str
    delivered: str
    adapted: bool
    paused: bool
    escalated: bool
    escalated_to: str
    escalation_reason: str
    reflection: str
    # The trainer ticked "I have checked: this identifies nobody" under a warning.
    identifiers_checked: bool = False


def free_text_warnings(values: dict[str, str]) -> dict[str, str]:
    """{field: warning} for the free-text fields that look like they identify someone."""
    return {
        name: warning
        for name in FREE_TEXT_FIELDS
        if (warning := free_text_warning(values.get(name) or "")) is not None
    }


def _checked(data: SessionData) -> dict[str, Any]:
    """The model fields to save, or DomainError naming the field that is wrong.

    The client reference's refusal message is a fixed sentence: nothing of what was typed goes
    into the error, a log line or the audit log.
    """
    if message := check_client_reference(data.client_reference):
        raise DomainError(message, field="client_reference")
    if not data.client_reference.strip():
        raise DomainError(
            "Enter your reference for the client, e.g. C-014.", field="client_reference"
        )
    if error := check_date(data.session_date, "The date of the session", not_future=True):
        raise DomainError(" ".join(error.messages), field="session_date")
    if not MIN_MINUTES <= data.duration_minutes <= MAX_MINUTES:
        raise DomainError(
            f"Enter a duration between {MIN_MINUTES} and {MAX_MINUTES} minutes.",
            field="duration_minutes",
        )
    if data.complexity not in (1, 2, 3):
        raise DomainError("Choose the complexity level.", field="complexity")
    if data.mode not in SessionMode.values:
        raise DomainError("Choose how your mentor supervised the session.", field="mode")
    if not data.delivered.strip():
        raise DomainError("Describe what you delivered and adapted.", field="delivered")
    if not data.reflection.strip():
        raise DomainError("Write your reflection on the session.", field="reflection")
    escalated_to = data.escalated_to.strip() if data.escalated else ""
    escalation_reason = data.escalation_reason.strip() if data.escalated else ""
    if data.escalated and not escalated_to:
        raise DomainError(
            "Say to whom you escalated (a role and organisation).", field="escalated_to"
        )
    if data.escalated and not escalation_reason:
        raise DomainError("Say why you escalated.", field="escalation_reason")
    fields: dict[str, Any] = {
        "session_date": data.session_date,
        "duration_minutes": data.duration_minutes,
        "condition_area": data.condition_area,
        "complexity": data.complexity,
        "mode": data.mode,
        "client_reference": data.client_reference.strip(),
        "delivered": data.delivered.strip(),
        "adapted": data.adapted,
        "paused": data.paused,
        "escalated": data.escalated,
        "escalated_to": escalated_to,
        "escalation_reason": escalation_reason,
        "reflection": data.reflection.strip(),
    }
    if free_text_warnings(fields) and not data.identifiers_checked:
        raise DomainError(
            "Some of your text looks as if it could identify the client (see the warnings "
            "below). Remove it, or tick the box to confirm it identifies nobody.",
            field=CONFIRM_FIELD,
        )
    return fields


def _audit_facts(session: SupervisedSession) -> dict[str, Any]:
    """What an audit event says about a session: never its reference or its text."""
    return {
        "status": session.status,
        "session_date": session.session_date.isoformat(),
        "duration_minutes": session.duration_minutes,
        "condition_area": session.condition_area.slug,
        "complexity": session.complexity,
        "mode": session.mode,
        "adapted": session.adapted,
        "paused": session.paused,
        "escalated": session.escalated,
    }


def session_fingerprint(session: SupervisedSession) -> str:
    """The session as a page showed it (the stale-edit check of the edit form)."""
    return content_fingerprint(session, kind="supervised_session")


def signed_content(session: SupervisedSession) -> dict[str, Any]:
    """The canonical snapshot of what the trainer sends: exactly SIGNED_CONTENT_FIELDS."""
    content: dict[str, Any] = {}
    for name in SIGNED_CONTENT_FIELDS:
        value = getattr(session, name)
        content[name] = value.isoformat() if isinstance(value, dt.date) else value
    return content


def content_hash(*, content: dict[str, Any], trainer_public_id: str, round_number: int) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of what was signed."""
    payload = json.dumps(
        {"content": content, "round": round_number, "trainer": trainer_public_id},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _locked(session: SupervisedSession) -> SupervisedSession:
    """The session re-read under its row lock: every change is decided on its committed state."""
    return (
        SupervisedSession.objects.select_for_update(of=("self",))
        .select_related("trainer__user", "condition_area")
        .get(pk=session.pk)
    )


def _refresh(session: SupervisedSession, locked: SupervisedSession) -> None:
    for f in session._meta.concrete_fields:
        setattr(session, f.attname, getattr(locked, f.attname))
    session._state.fields_cache.clear()


def _require_owner(actor: Actor, session: SupervisedSession, verb: str) -> None:
    if not is_owner(actor.user, session):
        raise DomainError(f"Only the trainer can {verb} their own session.")


def _require_editable(session: SupervisedSession, verb: str) -> None:
    if session.is_signed_off:
        raise DomainError(f"This session is signed off: it can never be {verb}.")
    if not session.is_editable:
        raise DomainError(
            f"This session is {session.get_status_display().lower()}: it cannot be {verb} "
            "until your mentor returns it."
        )


# --- The trainer ------------------------------------------------------------------------


def session_create(
    *, actor: Actor, trainer: TrainerProfile, data: SessionData
) -> SupervisedSession:
    """A new draft session; nothing is written when anything in it is refused."""
    if not is_owner(actor.user, trainer):
        raise DomainError("Only the trainer can log their own supervised sessions.")
    fields = _checked(data)
    with transaction.atomic():
        session = SupervisedSession.objects.create(trainer=trainer, **fields)
        record_event(
            actor=actor,
            action="supervised_session.create",
            target=session,
            after=_audit_facts(session),
        )
    return session


def session_update(
    *,
    actor: Actor,
    session: SupervisedSession,
    data: SessionData,
    expected_fingerprint: str | None = None,
) -> bool:
    """Change a draft or returned session; False when nothing changed (nothing audited).

    `expected_fingerprint` is `session_fingerprint` as the edit form showed it: a save from a
    page older than the session is refused (DomainError, field "fingerprint").
    """
    fields = _checked(data)
    with transaction.atomic():
        locked = _locked(session)
        _require_owner(actor, locked, "change")
        _require_editable(locked, "changed")
        check_not_stale(session_fingerprint(locked), expected_fingerprint)
        before = _audit_facts(locked)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return False
        for name in changed:
            setattr(locked, name, fields[name])
        locked.save()
        record_event(
            actor=actor,
            action="supervised_session.update",
            target=locked,
            before=before,
            # Which fields changed, never their values: those may be the trainer's text.
            after={**_audit_facts(locked), "changed": sorted(changed)},
        )
    _refresh(session, locked)
    return True


def session_delete(*, actor: Actor, session: SupervisedSession) -> None:
    """Delete a draft: once sent to a mentor a session is part of the supervision record."""
    with transaction.atomic():
        locked = _locked(session)
        _require_owner(actor, locked, "delete")
        if locked.is_signed_off:
            raise DomainError("This session is signed off: it can never be deleted.")
        if locked.status != SessionStatus.DRAFT:
            raise DomainError(
                "Only a draft can be deleted: this session has been sent to your mentor."
            )
        record_event(
            actor=actor,
            action="supervised_session.delete",
            target=locked,
            before=_audit_facts(locked),
        )
        locked.delete()


def session_submit(*, actor: Actor, session: SupervisedSession) -> SessionRound:
    """Send a draft (round 1) or a returned session (the next round) to the current mentor."""
    with transaction.atomic():
        locked = _locked(session)
        _require_owner(actor, locked, "submit")
        _require_editable(locked, "submitted")
        assignment = (
            current_assignments()
            .filter(trainer_id=locked.trainer_id)
            .select_related("mentor__user")
            .first()
        )
        if assignment is None:
            raise DomainError(
                "You have no mentor at the moment: programme staff assign one. Your session "
                "is kept as it is until then."
            )
        if assignment.starts_on > locked.session_date or (
            assignment.ends_on is not None and assignment.ends_on < locked.session_date
        ):
            raise DomainError(
                "This session is dated outside your current mentor assignment: your mentor "
                "can sign off only sessions from their own period."
            )
        resubmit = locked.status == SessionStatus.RETURNED
        number = locked.rounds.count() + 1
        now = timezone.now()
        before = _audit_facts(locked)
        locked.status = SessionStatus.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        round_ = SessionRound.objects.create(
            session=locked, number=number, content=signed_content(locked), submitted_at=now
        )
        record_event(
            actor=actor,
            action="supervised_session.resubmit" if resubmit else "supervised_session.submit",
            target=locked,
            before=before,
            after={**_audit_facts(locked), "round": number},
        )
        mail_session_submitted(session=locked, mentor=assignment.mentor.user, round_number=number)
    _refresh(session, locked)
    return round_


# --- The mentor -------------------------------------------------------------------------


def _check_decider(actor: Actor, session: SupervisedSession) -> SessionRound:
    """The open round the actor may decide on, or DomainError saying why not."""
    user = actor.person()
    if is_owner(user, session):
        raise DomainError("Nobody can sign off or return their own session.")
    assignment = deciding_assignment(user, session)
    if assignment is None:
        if current_assignments().filter(trainer_id=session.trainer_id, mentor__user=user).exists():
            raise DomainError(
                "This session is dated outside your assignment to this trainer: only the "
                "mentor of that period can decide on it."
            )
        raise DomainError("Only the trainer's current mentor can decide on this session.")
    # Two trainers may not sign off each other's sessions: refuse while the trainer mentors
    # the mentor (assignment_create refuses the pairing too; this holds whatever the data).
    if (
        current_assignments()
        .filter(trainer__user=user, mentor__user_id=session.trainer.user_id)
        .exists()
    ):
        raise DomainError(
            "This trainer is your mentor: two trainers cannot sign off each other's sessions."
        )
    if session.status != SessionStatus.SUBMITTED:
        raise DomainError(
            f"This session is no longer waiting for a decision: it is "
            f"{session.get_status_display().lower()}."
        )
    return session.rounds.select_for_update().get(decision="")


def session_return(*, actor: Actor, session: SupervisedSession, feedback: str) -> SessionRound:
    """The mentor sends the session back with feedback the trainer acts on (required)."""
    feedback = feedback.strip()
    if not feedback:
        raise DomainError(
            "Write your feedback: the trainer needs it to put the session right.",
            field="feedback",
        )
    with transaction.atomic():
        locked = _locked(session)
        round_ = _check_decider(actor, locked)
        before = _audit_facts(locked)
        round_.decision = RoundDecision.RETURNED
        round_.decided_by = actor.person()
        round_.decided_at = timezone.now()
        round_.feedback = feedback
        round_.save()
        locked.status = SessionStatus.RETURNED
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action="supervised_session.return",
            target=locked,
            before=before,
            after={**_audit_facts(locked), "round": round_.number},
        )
        mail_session_decided(
            session=locked, round_number=round_.number, decision=RoundDecision.RETURNED
        )
    _refresh(session, locked)
    return round_


def session_sign_off(
    *, actor: Actor, session: SupervisedSession, feedback: str, statement: str
) -> SupervisedSession:
    """The mentor signs the session off: it never changes again.

    `statement` is how they supervised it and must match the mode ("observed directly" for
    direct observation, "reviewed remotely" for remote review). The sign-off keeps the mentor,
    the time, the feedback, the statement and the SHA-256 of what was signed (`content_hash`).
    """
    feedback = feedback.strip()
    if not feedback:
        raise DomainError(
            "Write your feedback: it stays with the signed-off session.", field="feedback"
        )
    with transaction.atomic():
        locked = _locked(session)
        round_ = _check_decider(actor, locked)
        expected = SupervisionStatement.for_mode(locked.mode)
        if statement != expected:
            raise DomainError(
                f"This session was logged as {locked.get_mode_display().lower()}: your "
                f"statement must be “{expected.label}”.",
                field="statement",
            )
        user = actor.person()
        now = timezone.now()
        content = signed_content(locked)
        before = _audit_facts(locked)
        round_.decision = RoundDecision.SIGNED_OFF
        round_.decided_by = user
        round_.decided_at = now
        round_.feedback = feedback
        round_.save()
        locked.status = SessionStatus.SIGNED_OFF
        locked.signed_off_by = user
        locked.signed_off_at = now
        locked.sign_off_feedback = feedback
        locked.sign_off_statement = expected
        locked.signed_hash = content_hash(
            content=content,
            trainer_public_id=str(locked.trainer.public_id),
            round_number=round_.number,
        )
        locked.save()
        record_event(
            actor=actor,
            action="supervised_session.sign_off",
            target=locked,
            before=before,
            after={
                **_audit_facts(locked),
                "round": round_.number,
                "statement": expected.value,
                "signed_hash": locked.signed_hash,
            },
        )
        mail_session_decided(
            session=locked, round_number=round_.number, decision=RoundDecision.SIGNED_OFF
        )
        mail_session_signed_copy(session=locked, mentor=user)
        # A signed-off session counts towards supervised practice (rehabpath.events).
        publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    _refresh(session, locked)
    return session
