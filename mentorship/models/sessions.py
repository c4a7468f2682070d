"""Supervised sessions: what a trainer did with a client, signed off (or returned) by a mentor.

The cycle is draft -> submitted -> signed off, or -> returned (with the mentor's feedback) ->
submitted again -> ... Each submission is a `SessionRound` holding a snapshot of what was
sent and the mentor's decision on it, so every round stays readable after the session has
moved on. A resubmission is a submitted session with more than one round: one status, the
round number says which.

Nothing here identifies a client: the form and the services refuse a client reference that
looks like an identifier (mentorship.identifiers). A signed-off session never changes again:
the services refuse, and on PostgreSQL a trigger refuses changes to the signed columns.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from qualifications.models import ConditionArea
from trainers.models import TrainerOwned, TrainerProfile


class ComplexityLevel(models.IntegerChoices):
    """The complexity of the client's presentation, as DESIGN.md defines the three levels."""

    STABLE = 1, "Level 1: stable presentation"
    FLUCTUATING = 2, "Level 2: fluctuating presentation or fatigue"
    COMPLEX = 3, "Level 3: complex physical, cognitive or communication needs"

    @property
    def meaning(self) -> str:
        """The plain words after "Level n: "."""
        return str(self.label).split(": ", 1)[1]


class SessionMode(models.TextChoices):
    DIRECT_OBSERVATION = "direct_observation", "Direct observation"
    REMOTE_REVIEW = "remote_review", "Remote review"


class SupervisionStatement(models.TextChoices):
    """How the mentor says they supervised the session when signing it off; matches the mode."""

    OBSERVED_DIRECTLY = "observed_directly", "I observed this session directly"
    REVIEWED_REMOTELY = "reviewed_remotely", "I reviewed this session remotely"

    @classmethod
    def for_mode(cls, mode: str) -> "SupervisionStatement":
        if mode == SessionMode.DIRECT_OBSERVATION:
            return cls.OBSERVED_DIRECTLY
        return cls.REVIEWED_REMOTELY


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for sign-off"
    RETURNED = "returned", "Returned with feedback"
    SIGNED_OFF = "signed_off", "Signed off"


# The content a mentor signs: the snapshot of a round and the SHA-256 of the sign-off are
# built from exactly these fields (mentorship.services.sessions), and the PostgreSQL trigger
# guards them, with the sign-off columns, once a session is signed off.
SIGNED_CONTENT_FIELDS = (
    "session_date",
    "duration_minutes",
    "condition_area_id",
    "complexity",
    "mode",
    "client_reference",
    "delivered",
    "adapted",
    "paused",
    "escalated",
    "escalated_to",
    "escalation_reason",
    "reflection",
)
SIGN_OFF_FIELDS = (
    "status",
    "trainer_id",
    "signed_off_by_id",
    "signed_off_at",
    "sign_off_feedback",
    "sign_off_statement",
    "signed_hash",
)


class SupervisedSession(TrainerOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.PROTECT, related_name="supervised_sessions"
    )
    session_date = models.DateField("date of the session")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)")
    condition_area = models.ForeignKey(
        ConditionArea, on_delete=models.PROTECT, related_name="supervised_sessions"
    )
    complexity = models.PositiveSmallIntegerField(
        "complexity level", choices=ComplexityLevel.choices
    )
    mode = models.CharField("supervision mode", max_length=24, choices=SessionMode.choices)
    client_reference = models.CharField(
        max_length=40,
        help_text=(
            "Your own code for the client, e.g. S-14. Never a name, NHS number, date of birth, "
            "postcode, phone number or e-mail address."
        ),
    )
    delivered = models.TextField("what was delivered and adapted")
    adapted = models.BooleanField("I had to adapt the session", default=False)
    paused = models.BooleanField("I had to pause or stop the session", default=False)
    escalated = models.BooleanField("I escalated a concern", default=False)
    escalated_to = models.CharField(
        "escalated to",
        max_length=200,
        blank=True,
        help_text="A role and organisation, e.g. the referring physiotherapist at the stroke unit.",
    )
    escalation_reason = models.TextField("why I escalated", blank=True)
    reflection = models.TextField()

    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)  # of the latest round
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions_signed_off",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_feedback = models.TextField(blank=True)
    sign_off_statement = models.CharField(
        max_length=24, choices=SupervisionStatement.choices, blank=True
    )
    signed_hash = models.CharField("SHA-256 of the signed content", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-session_date", "-pk"]
        indexes = [
            # The trainer's session list and the pathway's count per area and level.
            models.Index(fields=["trainer", "session_date"], name="session_trainer_date_idx"),
            # The mentor's queue: submitted sessions of their mentees, oldest first.
            models.Index(
                fields=["trainer", "submitted_at"],
                condition=Q(status="submitted"),
                name="session_waiting_idx",
            ),
            # The session.waiting reminder source (mentorship/reminders.py): submitted sessions
            # by submission time, a range read in keyset pages of (submitted_at, id).
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="submitted"),
                name="session_waiting_rem_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="session_duration_5_to_600_minutes",
            ),
            models.CheckConstraint(
                condition=Q(complexity__in=[1, 2, 3]), name="session_complexity_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(escalated=False) | ~Q(escalated_to=""),
                name="session_escalation_names_whom",
            ),
            # A signed-off session carries its signer, time, statement and hash; no other does.
            models.CheckConstraint(
                condition=(
                    Q(status="signed_off")
                    & Q(signed_off_by__isnull=False, signed_off_at__isnull=False)
                    & ~Q(signed_hash="")
                    & ~Q(sign_off_statement="")
                )
                | (
                    ~Q(status="signed_off")
                    & Q(signed_off_by__isnull=True, signed_off_at__isnull=True, signed_hash="")
                ),
                name="session_signed_off_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Supervised session {self.session_date:%d %b %Y} ({self.get_status_display()})"

    @property
    def is_signed_off(self) -> bool:
        return self.status == SessionStatus.SIGNED_OFF

    @property
    def is_editable(self) -> bool:
        """The trainer may change it: a draft, or a session returned to them."""
        return self.status in (SessionStatus.DRAFT, SessionStatus.RETURNED)

    @property
    def complexity_level(self) -> ComplexityLevel:
        return ComplexityLevel(self.complexity)


class RoundDecision(models.TextChoices):
    RETURNED = "returned", "Returned with feedback"
    SIGNED_OFF = "signed_off", "Signed off"


class SessionRound(models.Model):
    """One submission of a session and the mentor's decision on it (null while it waits)."""

    session = models.ForeignKey(SupervisedSession, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField(help_text="What the trainer sent, as the mentor saw it.")
    submitted_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=RoundDecision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="one_round_per_number"),
            # At most one round waits for a decision: two submissions cannot both be open.
            models.UniqueConstraint(
                fields=["session"], condition=Q(decision=""), name="one_open_round_per_session"
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(feedback=""),
                name="returned_round_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of {self.session}"
