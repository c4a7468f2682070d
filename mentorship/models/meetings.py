"""Supervision meetings and case discussions between a trainer and their mentor.

Either of the two records a meeting; the other confirms it, or disputes it with a reason,
which sends it back to whoever recorded it to correct (and then it waits for confirmation
again). Only a confirmed meeting counts towards the pathway's "one supervision meeting a
month" (mentorship.selectors_meetings), and a confirmed meeting never changes again: the
services refuse, and on PostgreSQL a trigger refuses any change to the row.

The mentor's notes are the mentor's alone to write. They are shared with the trainer, as a
supervisor's notes in a supervision record normally are with the supervisee; the forms say so.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mentorship.models.assignments import MentorAssignment
from qualifications.models import ConditionArea
from rehabpath.formats import day_label


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"


class MeetingKind(models.TextChoices):
    SUPERVISION = "supervision", "Supervision meeting"
    CASE_DISCUSSION = "case_discussion", "Case discussion"


class MeetingStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for confirmation"
    DISPUTED = "disputed", "Disputed"
    CONFIRMED = "confirmed", "Confirmed"


# The columns of the meeting as both people agreed it: a confirmation stamps them, and the
# meeting's fingerprint (stale-edit and stale-confirm checks) is built from them.
AGREED_FIELDS = ("meeting_date", "mode", "kind", "topics", "agreed_actions", "mentor_notes")


class SupervisionMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The assignment under which the meeting took place: it names the trainer and the mentor,
    # and its dates bound the meeting's date (the services check; a date range spanning two
    # tables is not a constraint the database can hold).
    assignment = models.ForeignKey(
        MentorAssignment, on_delete=models.PROTECT, related_name="meetings"
    )
    meeting_date = models.DateField("date of the meeting")
    mode = models.CharField(max_length=16, choices=MeetingMode.choices)
    kind = models.CharField(
        "kind of meeting",
        max_length=16,
        choices=MeetingKind.choices,
        default=MeetingKind.SUPERVISION,
    )
    topics = models.TextField("topics discussed")
    condition_areas = models.ManyToManyField(
        ConditionArea, blank=True, related_name="supervision_meetings"
    )
    agreed_actions = models.TextField("agreed actions", blank=True)
    mentor_notes = models.TextField(
        "mentor's notes",
        blank=True,
        help_text="Written by the mentor; the trainer reads them too.",
    )

    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.AWAITING
    )
    # Counts the recorder's versions (1 when recorded, +1 per correction): the mails are keyed
    # by it, so each version is announced once.
    revision = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-meeting_date", "-pk"]
        indexes = [
            # The lists (per assignment, newest first) and the month count per trainer, which
            # joins the few assignments of a trainer to their confirmed meetings by date.
            models.Index(fields=["assignment", "meeting_date"], name="meeting_assignment_date"),
            # "Waiting for your confirmation" on the dashboards and the list.
            models.Index(
                fields=["assignment"], condition=Q(status="awaiting"), name="meeting_awaiting"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=MeetingMode.values), name="meeting_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_known"
            ),
            models.CheckConstraint(condition=~Q(topics=""), name="meeting_has_topics"),
            # A confirmed meeting carries who confirmed it and when; no other meeting does.
            models.CheckConstraint(
                condition=(
                    Q(status="confirmed", confirmed_by__isnull=False, confirmed_at__isnull=False)
                    | (
                        Q(status__in=["awaiting", "disputed"])
                        & Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                    )
                ),
                name="meeting_confirmed_complete",
            ),
            # The other person confirms: never whoever recorded it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("recorded_by")),
                name="meeting_not_confirmed_by_recorder",
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed")
                | (~Q(dispute_reason="") & Q(disputed_at__isnull=False)),
                name="meeting_disputed_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {day_label(self.meeting_date)}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == MeetingStatus.CONFIRMED
