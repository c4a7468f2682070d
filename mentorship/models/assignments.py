"""Mentors and their time-limited assignments to trainers."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from qualifications.models import ConditionArea
from trainers.models import TrainerProfile

# HCPC registration numbers: the profession's two-letter prefix and 5 or 6 digits (PH123456).
HCPC_NUMBER_RE = re.compile(r"^[A-Z]{2}\d{5,6}$")


class MentorProfile(models.Model):
    """Holding a mentor profile is what makes a person a mentor."""

    class Background(models.TextChoices):
        PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
        OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
        SENIOR_NEURO_TRAINER = "senior_neuro_trainer", "Senior neuro trainer"
        OTHER = "other", "Other"

    # The HCPC regulates these professions: a mentor who claims one gives their number, and
    # the number's prefix is the profession's.
    HCPC_PREFIXES = {Background.PHYSIOTHERAPIST: "PH", Background.OCCUPATIONAL_THERAPIST: "OT"}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    background = models.CharField(
        "professional background",
        max_length=32,
        choices=Background.choices,
        default=Background.SENIOR_NEURO_TRAINER,
        # db_default too: bulk writers (the benchmark generator's COPY) leave new columns out.
        db_default=Background.SENIOR_NEURO_TRAINER,
    )
    background_detail = models.CharField(
        "background in their words",
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="For example: 12 years in community stroke rehabilitation.",
    )
    hcpc_number = models.CharField(
        "HCPC registration number",
        max_length=12,  # room for what people type ("PH 123 456"); clean() stores "PH123456"
        blank=True,
        default="",
        db_default="",
        help_text="Required for physiotherapists and occupational therapists, e.g. PH123456.",
    )
    condition_areas = models.ManyToManyField(
        ConditionArea, blank=True, related_name="mentors", help_text="Areas they can mentor in."
    )
    capacity = models.PositiveSmallIntegerField(
        default=4, help_text="How many trainers this mentor can supervise at once."
    )
    is_accepting = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(background__in=["physiotherapist", "occupational_therapist"])
                | ~Q(hcpc_number=""),
                name="mentor_hcpc_number_for_hcpc_professions",
                violation_error_message=(
                    "Give the HCPC registration number: physiotherapists and occupational "
                    "therapists are registered with the HCPC."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        super().clean()
        self.hcpc_number = self.hcpc_number.strip().upper().replace(" ", "")
        prefix = self.HCPC_PREFIXES.get(self.background)  # type: ignore[call-overload]
        if not self.hcpc_number:
            if prefix:
                raise ValidationError(
                    {
                        "hcpc_number": (
                            f"Give the HCPC registration number of this "
                            f"{self.get_background_display().lower()}."
                        )
                    }
                )
            return
        if not HCPC_NUMBER_RE.match(self.hcpc_number):
            raise ValidationError(
                {"hcpc_number": "An HCPC number is two letters and 5 or 6 digits, e.g. PH123456."}
            )
        if prefix and not self.hcpc_number.startswith(prefix):
            raise ValidationError(
                {
                    "hcpc_number": (
                        f"HCPC numbers of a {self.get_background_display().lower()} "
                        f"start with {prefix}."
                    )
                }
            )


class MentorAssignment(models.Model):
    """A mentor supervises a trainer from `starts_on` until `ends_on`, or until staff end it.

    "Open" means staff have not ended it (`ended_at` is null): that is the static condition the
    database's unique constraints use. Whether it is *current* on a day also depends on the
    dates: mentorship.access answers that.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="assignments")
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="mentor_assignments"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    focus_areas = models.ManyToManyField(
        ConditionArea, blank=True, related_name="mentor_assignments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "trainer"],
                condition=Q(ended_at__isnull=True),
                name="one_open_assignment_per_mentor_and_trainer",
                violation_error_message="This mentor is already assigned to this trainer.",
            ),
            # DESIGN.md speaks of a trainer's *current mentor*, one person: one open
            # assignment per trainer.
            models.UniqueConstraint(
                fields=["trainer"],
                condition=Q(ended_at__isnull=True),
                name="one_open_mentor_per_trainer",
                violation_error_message="This trainer already has a mentor.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="mentor_assignment_ends_after_it_starts",
                violation_error_message="The assignment cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="mentor_assignment_ended_with_a_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["mentor"], condition=Q(ended_at__isnull=True), name="open_assign_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.trainer}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
