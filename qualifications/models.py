"""The qualification catalogue, a trainer's qualifications, and the CPD log with its policy."""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from qualifications.rules import (
    QualificationKey,
    duplicate_error,
    qualification_duplicate,
    qualification_expiry,
    qualification_key,
)
from rehabpath.formats import day_label, period_label
from trainers.models import TrainerOwned, TrainerProfile, VerifiableRecord
from trainers.rules import check_date


class ConditionArea(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AwardingBody(models.Model):
    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "awarding bodies"

    def __str__(self) -> str:
        return self.name


class QualificationType(models.Model):
    class Kind(models.TextChoices):
        PERSONAL_TRAINING = "personal_training", "Personal training"
        EXERCISE_REFERRAL = "exercise_referral", "Exercise referral"
        LONG_TERM_CONDITIONS = "long_term_conditions", "Long-term conditions"
        NEURO_SPECIALIST = "neuro_specialist", "Neuro specialist"
        FIRST_AID = "first_aid", "First aid"
        CPD_COURSE = "cpd_course", "CPD course"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    regulated_number = models.CharField(
        "regulated qualification number",
        max_length=20,
        blank=True,
        help_text="Ofqual QN, e.g. 603/0797/0",
    )
    awarding_bodies = models.ManyToManyField(
        AwardingBody, blank=True, related_name="qualification_types"
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    condition_areas = models.ManyToManyField(
        ConditionArea, blank=True, related_name="qualification_types"
    )
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for qualifications that do not expire."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return (
            f"Level {self.level} {self.name}"
            if self.level and not self.name.startswith("Level")
            else self.name
        )


class TrainerQualification(VerifiableRecord):
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="qualifications"
    )
    qualification_type = models.ForeignKey(
        QualificationType, on_delete=models.PROTECT, related_name="awards"
    )
    awarding_body = models.ForeignKey(
        AwardingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    certificate_number = models.CharField(max_length=100, blank=True)
    awarded_on = models.DateField()
    # Set only when the certificate states its own expiry; otherwise derived from the type.
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on"]
        indexes = [
            # The staff verification queue: pending records in (submitted_at, id) order, the
            # queue's sort and keyset, so a page is an index range scan with no sort.
            models.Index(fields=["status", "submitted_at", "id"], name="qualification_queue_idx"),
            # The expiry.qualification and expiry.first_aid reminder sources
            # (qualifications/reminders.py): verified and pending records by the expiry their
            # certificate states, or, stating none, by award date (the type's validity added),
            # each read in keyset pages of (date, id).
            models.Index(
                fields=["expires_on", "id"],
                condition=models.Q(status__in=["verified", "pending"], expires_on__isnull=False),
                name="qualification_reminder_idx",
            ),
            models.Index(
                fields=["awarded_on", "id"],
                condition=models.Q(status__in=["verified", "pending"], expires_on__isnull=True),
                name="qualification_award_rem_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.qualification_type)

    @staticmethod
    def date_errors(
        awarded_on: dt.date | None, expires_on: dt.date | None, *, today: dt.date | None = None
    ) -> dict[str, ValidationError]:
        """What is wrong with an award and a stated expiry date, by field (the import uses it)."""
        errors = {}
        if error := check_date(awarded_on, "The date awarded", not_future=True, today=today):
            errors["awarded_on"] = error
        if error := check_date(expires_on, "The expiry date"):
            errors["expires_on"] = error
        elif awarded_on and expires_on and "awarded_on" not in errors and expires_on <= awarded_on:
            errors["expires_on"] = ValidationError(
                "The expiry date must be after the date awarded.", code="before_award"
            )
        return errors

    def key(self) -> QualificationKey:
        """Equal for two records of one certificate (`qualifications.rules.qualification_key`)."""
        return qualification_key(
            self.qualification_type_id, self.certificate_number or "", self.awarded_on
        )

    def clean(self) -> None:
        errors = self.date_errors(self.awarded_on, self.expires_on)
        if qualification_duplicate(self) is not None:
            field, error = duplicate_error(self.key())
            errors.setdefault(field, error)
        if errors:
            raise ValidationError(errors)

    def expiry_date(self) -> dt.date | None:
        return qualification_expiry(
            self.awarded_on, self.expires_on, self.qualification_type.validity_months
        )


class CPDPolicy(models.Model):
    """How CPD is scored. Exactly one policy is active; defaults follow CIMSPA."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=False)
    points_target = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("10"))
    endorsed_points_min = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("5"))
    endorsed_points_per_hour = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1")
    )
    other_points_per_hour = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.5")
    )
    neuro_hours_target = models.DecimalField(
        "neuro-specific hours per condition area",
        max_digits=5,
        decimal_places=1,
        default=Decimal("3"),
    )
    gap_months = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "CPD policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_cpd_policy",
            ),
            models.CheckConstraint(
                condition=models.Q(endorsed_points_per_hour__gte=0, other_points_per_hour__gte=0),
                name="cpd_rates_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CPDActivity(TrainerOwned):
    class Type(models.TextChoices):
        COURSE = "course", "Course"
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"
        CONFERENCE = "conference", "Conference"
        READING = "reading", "Reading"
        CASE_DISCUSSION = "case_discussion", "Case discussion"
        MENTORING = "mentoring", "Mentoring"
        SUPERVISED_PRACTICE = "supervised_practice", "Supervised practice"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="cpd_activities"
    )
    date = models.DateField()
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    activity_type = models.CharField(max_length=32, choices=Type.choices)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("100"))],
    )
    endorsed = models.BooleanField(
        default=False, help_text="Endorsed by CIMSPA or another recognised body."
    )
    condition_areas = models.ManyToManyField(
        ConditionArea, blank=True, related_name="cpd_activities"
    )
    what_i_did = models.TextField("what I did")
    what_i_learnt = models.TextField("what I learnt")
    how_it_benefits = models.TextField("how it benefits my clients")
    evidence = GenericRelation("trainers.EvidenceFile")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = "CPD activity"
        verbose_name_plural = "CPD activities"
        indexes = [
            # The trainer's CPD log and scoring: one trainer's activities by date.
            models.Index(fields=["trainer", "date"], name="cpd_trainer_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="cpd_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{day_label(self.date)} {self.title}"

    def clean(self) -> None:
        # The earliest-date rule of every record (0202 for 2020 is a slip); a date that far
        # back also has no CPD year to count in. "Not in the future" is the service's check.
        if error := check_date(self.date, "The date"):
            raise ValidationError({"date": error})


class CPDGapExplanation(TrainerOwned):
    """A trainer's explanation of a run of months without CPD (HCPC asks for one per gap).

    Stored for the gap's first and last day as the trainer saw it. A gap still going on grows
    every day, and the portfolio's period may cut a gap differently from the CPD year: pages
    show every explanation whose days overlap a gap (`qualifications.selectors`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="cpd_gap_explanations"
    )
    start = models.DateField()
    end = models.DateField()
    text = models.TextField("explanation", max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "CPD gap explanation"
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "start", "end"], name="one_explanation_per_gap"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="gap_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Gap {period_label(self.start, self.end)}"

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end


def portfolio_upload_to(instance: "PortfolioExport", filename: str) -> str:
    # Random name in the private storage (outside the web root), served by a checked view.
    return f"portfolios/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{instance.format}"


class PortfolioExport(TrainerOwned):
    """One request for a CPD portfolio file, rendered by the worker and kept for download.

    queued -> rendering -> ready | failed. The worker claims a queued row with a conditional
    UPDATE (`qualifications.services.portfolio.portfolio_export_render`).
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="portfolio_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    format = models.CharField(max_length=8, choices=Format.choices)
    # The summary as the trainer typed it when asking: the file opens with exactly that.
    practice_summary = models.TextField(blank=True)
    reflections = models.ManyToManyField(CPDActivity, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=portfolio_upload_to, max_length=200, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    activity_count = models.PositiveIntegerField(null=True, blank=True)
    reflection_count = models.PositiveIntegerField(null=True, blank=True)
    gap_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # for the trainer, in plain words
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The portfolio page lists a trainer's latest exports.
            models.Index(fields=["trainer", "-created_at"], name="portfolio_export_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="portfolio_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"CPD portfolio {period_label(self.start, self.end)} ({self.format})"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RENDERING}

    @property
    def filename(self) -> str:
        return f"cpd-portfolio-{self.start:%Y%m%d}-{self.end:%Y%m%d}.{self.format}"
