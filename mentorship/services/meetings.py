"""Supervision meetings: recorded by the trainer or their mentor, confirmed by the other.

awaiting -> confirmed, or -> disputed (the other person's reason) -> corrected by the recorder
-> awaiting -> ... The recorder may withdraw a meeting nobody has confirmed. Each step locks
the row, checks the person and the state, writes an audit event and mails the other person
(through the ledger, after commit). Free text never reaches an audit event: it could name a
client the person chose to keep despite the identifier warning.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from mentorship.access import current_assignments
from mentorship.identifiers import free_text_warning
from mentorship.mails import mail_meeting
from mentorship.models import (
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    MentorAssignment,
    SupervisionMeeting,
)
from qualifications.models import ConditionArea
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish_on_commit
from rehabpath.formats import day_label
from rehabpath.models import User
from trainers.records import check_not_stale, content_fingerprint

# The free-text fields the identifier warning reads, in the order of the form.
FREE_TEXT_FIELDS = ("topics", "agreed_actions", "mentor_notes")
ACKNOWLEDGE = "identifiers_acknowledged"
ACKNOWLEDGE_MESSAGE = (
    "Change the text marked above, or tick the box to confirm it does not identify a client."
)


@dataclass(frozen=True)
class MeetingData:
    meeting_date: dt.date
    mode: str
    kind: str
    topics: str
    condition_areas: list[ConditionArea] = field(default_factory=list)
    agreed_actions: str = ""
    # None: leave the mentor's notes as they are (a trainer's save never touches them).
    mentor_notes: str | None = None


def identifier_warnings(texts: dict[str, str | None]) -> dict[str, str]:
    """{field: warning} for the texts that look as if they could identify a client."""
    warnings = {}
    for name, text in texts.items():
        message = free_text_warning(text or "")
        if message:
            warnings[name] = message
    return warnings


def _check_identifiers(texts: dict[str, str | None], *, acknowledged: bool) -> None:
    if acknowledged:
        return
    warnings = identifier_warnings(texts)
    if warnings:
        name, message = next(iter(warnings.items()))
        raise DomainError(f"{message} {ACKNOWLEDGE_MESSAGE}", field=name, details=warnings)


def meeting_fingerprint(meeting: SupervisionMeeting) -> str:
    """The meeting as a page showed it: a confirmation or a correction from an older page is
    refused rather than agreeing to (or undoing) what the other person changed since."""
    return content_fingerprint(meeting, kind="supervision_meeting")


def _name(user: User) -> str:
    return user.name or user.email


def _party_role(person: User, assignment: MentorAssignment) -> str:
    """ "trainer" or "mentor"; refuses anyone else and a mentor whose assignment is over.

    Call it under the assignment's row lock (`_locked_assignment`): staff ending the
    assignment at the same moment then either wait for this or are waited for.
    """
    if assignment.trainer.user_id == person.pk:
        return "trainer"
    if assignment.mentor.user_id == person.pk:
        if not current_assignments().filter(pk=assignment.pk).exists():
            raise DomainError(
                "Your assignment as this trainer's mentor has ended: you can no longer record "
                "or confirm their meetings."
            )
        return "mentor"
    raise DomainError("Only the trainer and their mentor can record or confirm their meetings.")


def _require_current(assignment: MentorAssignment) -> None:
    """Recording and correcting need a mentor who can still confirm (the trainer may still
    confirm or dispute what their former mentor recorded: `_check_decider`)."""
    if not current_assignments().filter(pk=assignment.pk).exists():
        raise DomainError("This mentoring has ended: record meetings with your current mentor.")


def _locked_assignment(assignment: MentorAssignment) -> MentorAssignment:
    return (
        MentorAssignment.objects.select_for_update(of=("self",))
        .select_related("trainer__user", "mentor__user")
        .get(pk=assignment.pk)
    )


def _locked_meeting(meeting: SupervisionMeeting) -> SupervisionMeeting:
    """Lock the assignment first, then the meeting: the same order in every service."""
    _locked_assignment(meeting.assignment)
    return (
        SupervisionMeeting.objects.select_for_update(of=("self",))
        .select_related("assignment__trainer__user", "assignment__mentor__user", "recorded_by")
        .get(pk=meeting.pk)
    )


def _check_data(data: MeetingData, *, assignment: MentorAssignment, role: str) -> None:
    today = timezone.localdate()
    if data.meeting_date > today:
        raise DomainError(
            "The meeting date is in the future: record a meeting once it has taken place.",
            field="meeting_date",
        )
    if data.meeting_date < assignment.starts_on:
        raise DomainError(
            f"The mentoring began on {day_label(assignment.starts_on)}: a meeting before "
            "then was not part of it.",
            field="meeting_date",
        )
    if assignment.ends_on is not None and data.meeting_date > assignment.ends_on:
        raise DomainError(
            f"The mentoring ended on {day_label(assignment.ends_on)}.", field="meeting_date"
        )
    if data.mode not in MeetingMode.values:
        raise DomainError("Choose how you met.", field="mode")
    if data.kind not in MeetingKind.values:
        raise DomainError("Choose the kind of meeting.", field="kind")
    if not data.topics.strip():
        raise DomainError("Say what you discussed.", field="topics")
    if role == "trainer" and data.mentor_notes:
        raise DomainError("Only the mentor writes the mentor's notes.", field="mentor_notes")


def _texts(data: MeetingData) -> dict[str, str | None]:
    return {name: getattr(data, name) for name in FREE_TEXT_FIELDS}


def _facts(meeting: SupervisionMeeting) -> dict[str, object]:
    """What an audit event says about a meeting: never its free text."""
    return {
        "meeting_date": meeting.meeting_date.isoformat(),
        "mode": meeting.mode,
        "kind": meeting.kind,
        "status": meeting.status,
        "revision": meeting.revision,
        "areas": sorted(area.slug for area in meeting.condition_areas.all()),
    }


def _other_party(meeting: SupervisionMeeting, person: User) -> User:
    trainer = meeting.assignment.trainer.user
    return meeting.assignment.mentor.user if person.pk == trainer.pk else trainer


def meeting_record(
    *,
    actor: Actor,
    assignment: MentorAssignment,
    data: MeetingData,
    identifiers_acknowledged: bool = False,
) -> SupervisionMeeting:
    """Record a meeting the trainer and their current mentor held; it waits for the other."""
    person = actor.person()
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        role = _party_role(person, assignment)
        _require_current(assignment)
        _check_data(data, assignment=assignment, role=role)
        _check_identifiers(_texts(data), acknowledged=identifiers_acknowledged)
        meeting = SupervisionMeeting.objects.create(
            assignment=assignment,
            meeting_date=data.meeting_date,
            mode=data.mode,
            kind=data.kind,
            topics=data.topics.strip(),
            agreed_actions=data.agreed_actions.strip(),
            mentor_notes=(data.mentor_notes or "").strip(),
            recorded_by=person,
            recorded_at=timezone.now(),
        )
        meeting.condition_areas.set(data.condition_areas)
        record_event(
            actor=actor,
            action="supervision_meeting.record",
            target=meeting,
            after={**_facts(meeting), "recorded_as": role},
        )
        mail_meeting(meeting=meeting, event="recorded", recipient=_other_party(meeting, person))
    return meeting


def meeting_update(
    *,
    actor: Actor,
    meeting: SupervisionMeeting,
    data: MeetingData,
    expected_fingerprint: str | None = None,
    identifiers_acknowledged: bool = False,
) -> bool:
    """The recorder corrects a meeting nobody has confirmed; False when nothing changed.

    A disputed meeting goes back to the other person to confirm, and they are told.
    """
    person = actor.person()
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        role = _party_role(person, meeting.assignment)
        if meeting.is_confirmed:
            raise DomainError("This meeting is confirmed: it can no longer change.")
        _require_current(meeting.assignment)
        if meeting.recorded_by_id != person.pk:
            raise DomainError(
                f"{_name(meeting.recorded_by)} recorded this meeting: only they can change it. "
                "Dispute it, with your reason, if it is wrong."
            )
        check_not_stale(meeting_fingerprint(meeting), expected_fingerprint)
        _check_data(data, assignment=meeting.assignment, role=role)
        _check_identifiers(_texts(data), acknowledged=identifiers_acknowledged)
        before = _facts(meeting)
        old_areas = {area.pk for area in meeting.condition_areas.all()}
        changes = {
            "meeting_date": data.meeting_date,
            "mode": data.mode,
            "kind": data.kind,
            "topics": data.topics.strip(),
            "agreed_actions": data.agreed_actions.strip(),
        }
        if data.mentor_notes is not None and role == "mentor":
            changes["mentor_notes"] = data.mentor_notes.strip()
        changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
        new_areas = {area.pk for area in data.condition_areas}
        if not changed and new_areas == old_areas and meeting.status != MeetingStatus.DISPUTED:
            return False
        for name in changed:
            setattr(meeting, name, changes[name])
        was_disputed = meeting.status == MeetingStatus.DISPUTED
        meeting.status = MeetingStatus.AWAITING
        meeting.revision += 1
        meeting.save()
        if new_areas != old_areas:
            meeting.condition_areas.set(data.condition_areas)
        record_event(
            actor=actor,
            action="supervision_meeting.update",
            target=meeting,
            before=before,
            after={**_facts(meeting), "changed": sorted(changed)},
        )
        if was_disputed:
            mail_meeting(
                meeting=meeting, event="corrected", recipient=_other_party(meeting, person)
            )
    return True


def _check_decider(meeting: SupervisionMeeting, person: User, verb: str) -> str:
    role = _party_role(person, meeting.assignment)
    if meeting.recorded_by_id == person.pk:
        raise DomainError(
            f"You recorded this meeting: {_name(_other_party(meeting, person))} {verb}s it."
        )
    if meeting.status == MeetingStatus.CONFIRMED:
        raise DomainError("This meeting is already confirmed.")
    if meeting.status == MeetingStatus.DISPUTED:
        raise DomainError(
            f"You disputed this meeting: it waits for {_name(meeting.recorded_by)} to correct it."
        )
    return role


def meeting_confirm(
    *,
    actor: Actor,
    meeting: SupervisionMeeting,
    mentor_notes: str | None = None,
    expected_fingerprint: str | None = None,
    identifiers_acknowledged: bool = False,
) -> SupervisionMeeting:
    """The other person confirms the meeting as recorded: from now on it counts, and it is
    never changed again. A mentor confirming a trainer's record may add their notes."""
    person = actor.person()
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        role = _check_decider(meeting, person, "confirm")
        check_not_stale(meeting_fingerprint(meeting), expected_fingerprint)
        notes = (mentor_notes or "").strip()
        if notes and role != "mentor":
            raise DomainError("Only the mentor writes the mentor's notes.", field="mentor_notes")
        _check_identifiers({"mentor_notes": notes}, acknowledged=identifiers_acknowledged)
        if notes:
            meeting.mentor_notes = notes
        meeting.status = MeetingStatus.CONFIRMED
        meeting.confirmed_by = person
        meeting.confirmed_at = timezone.now()
        meeting.save()
        record_event(
            actor=actor,
            action="supervision_meeting.confirm",
            target=meeting,
            after={**_facts(meeting), "confirmed_as": role},
        )
        mail_meeting(meeting=meeting, event="confirmed", recipient=meeting.recorded_by)
        # A confirmed meeting counts towards "one supervision a month" (rehabpath.events).
        publish_on_commit("trainer.changed", trainer_ids=[meeting.assignment.trainer_id])
    return meeting


def meeting_dispute(
    *,
    actor: Actor,
    meeting: SupervisionMeeting,
    reason: str,
    expected_fingerprint: str | None = None,
    identifiers_acknowledged: bool = False,
) -> SupervisionMeeting:
    """The other person says the record is wrong, and why: it goes back to the recorder."""
    person = actor.person()
    reason = reason.strip()
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_decider(meeting, person, "confirm")
        check_not_stale(meeting_fingerprint(meeting), expected_fingerprint)
        if not reason:
            raise DomainError(
                f"Say what is wrong with the record, so that {_name(meeting.recorded_by)} can "
                "correct it.",
                field="reason",
            )
        _check_identifiers({"reason": reason}, acknowledged=identifiers_acknowledged)
        meeting.status = MeetingStatus.DISPUTED
        meeting.disputed_at = timezone.now()
        meeting.dispute_reason = reason
        meeting.save()
        record_event(
            actor=actor,
            action="supervision_meeting.dispute",
            target=meeting,
            after=_facts(meeting),
        )
        mail_meeting(meeting=meeting, event="disputed", recipient=meeting.recorded_by)
    return meeting


def meeting_withdraw(*, actor: Actor, meeting: SupervisionMeeting) -> None:
    """The recorder takes back a meeting nobody has confirmed (say it never took place)."""
    person = actor.person()
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _party_role(person, meeting.assignment)
        if meeting.is_confirmed:
            raise DomainError("This meeting is confirmed: it stays on the record.")
        if meeting.recorded_by_id != person.pk:
            raise DomainError(
                f"{_name(meeting.recorded_by)} recorded this meeting: only they can withdraw it."
            )
        facts = _facts(meeting)
        record_event(
            actor=actor,
            action="supervision_meeting.withdraw",
            target=meeting,
            before=facts,
        )
        meeting.delete()
