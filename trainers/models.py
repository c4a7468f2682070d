"""Trainers, their compliance records and evidence, and clinics."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone

from trainers.filetypes import extension_for, label_for, preview_for
from trainers.rules import DBS_NUMBER, check_date

EXPIRING_SOON_DAYS = 90


class TrainerProfile(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_profile"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Why and when programme staff last suspended or reinstated the trainer (the audit log
    # holds the whole history; these are what the trainer's own dashboard says).
    # db_default too: bulk writers (the benchmark generator's COPY) may leave the column out.
    status_reason = models.TextField(blank=True, default="", db_default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The CPD year runs from this anniversary (day and month); defaults to joining.
    cpd_year_start = models.DateField(default=timezone.localdate)
    practice_summary = models.TextField(
        blank=True,
        help_text="A short summary of your practice, printed at the top of your CPD portfolio.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__name"]
        indexes = [
            # The cpd.behind_target reminder source (qualifications/reminders.py): trainers
            # whose CPD year ends soon, a range of anniversaries as month * 100 + day, read in
            # keyset pages of (anniversary, id).
            models.Index(
                ExtractMonth("cpd_year_start") * 100 + ExtractDay("cpd_year_start"),
                models.F("id"),
                name="cpd_anniversary_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED


class Clinic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    city = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClinicMembership(models.Model):
    """A clinic admin's membership of a clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="unique_clinic_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic}"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class VerificationMethod(models.TextChoices):
    DOCUMENT = "document", "Document check"
    REGISTER = "register", "Awarding-body register"
    DIRECT = "direct", "Direct contact"


class DisplayStatus(models.TextChoices):
    """The one status a trainer reads at a glance."""

    PENDING = "pending", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    EXPIRING = "expiring", "Expiring soon"
    EXPIRED = "expired", "Expired"


class TrainerOwned(models.Model):
    """Anything that belongs to one trainer: their records, CPD activities, evidence files.

    Each concrete model declares its own `trainer` foreign key (with its own related name);
    this base only tells the type checker, and `trainers.access`, that there is one. It has no
    fields, so it changes no table.
    """

    if TYPE_CHECKING:  # declared by every subclass
        trainer: TrainerProfile
        trainer_id: int

    class Meta:
        abstract = True


class VerifiableRecord(TrainerOwned):
    """A record that counts only once programme staff have verified it.

    Shared by qualifications, insurance and DBS checks. Subclasses define `trainer` and
    `expiry_date()`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_method = models.CharField(
        max_length=16, choices=VerificationMethod.choices, blank=True
    )
    verification_note = models.TextField(blank=True)
    verified_on = models.DateField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    evidence = GenericRelation("trainers.EvidenceFile")

    class Meta:
        abstract = True

    def expiry_date(self) -> dt.date | None:
        raise NotImplementedError

    def display_status(self, today: dt.date | None = None) -> DisplayStatus:
        today = today or timezone.localdate()
        if self.status == VerificationStatus.REJECTED:
            return DisplayStatus.REJECTED
        expiry = self.expiry_date()
        if expiry is not None and expiry < today:
            return DisplayStatus.EXPIRED
        if self.status == VerificationStatus.PENDING:
            return DisplayStatus.PENDING
        if expiry is not None and (expiry - today).days <= EXPIRING_SOON_DAYS:
            return DisplayStatus.EXPIRING
        return DisplayStatus.VERIFIED

    def counts_on(self, day: dt.date) -> bool:
        """Only verified, unexpired records count anywhere."""
        expiry = self.expiry_date()
        return self.status == VerificationStatus.VERIFIED and (expiry is None or expiry >= day)


class Insurance(VerifiableRecord):
    """Public liability and professional indemnity cover (usually one annual policy)."""

    trainer = models.ForeignKey(TrainerProfile, on_delete=models.CASCADE, related_name="insurances")
    insurer = models.CharField(max_length=200)
    policy_number = models.CharField(max_length=100)
    public_liability_cover = models.DecimalField(
        "public liability cover (£)", max_digits=12, decimal_places=0
    )
    professional_indemnity_cover = models.DecimalField(
        "professional indemnity cover (£)", max_digits=12, decimal_places=0
    )
    starts_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        ordering = ["-expires_on"]
        indexes = [
            # The staff verification queue: pending records in (submitted_at, id) order, the
            # queue's sort and keyset, so a page is an index range scan with no sort.
            models.Index(fields=["status", "submitted_at", "id"], name="insurance_queue_idx"),
            # The compliance dashboard's policies ending soon: a range of end dates, soonest
            # first, read in order so that listing the first few stops early.
            models.Index(
                fields=["expires_on"],
                condition=models.Q(status="verified"),
                name="insurance_verified_end_idx",
            ),
            # The expiry.insurance reminder source (trainers/reminders.py): verified and pending
            # policies ending in a range of dates, read in keyset pages of (expires_on, id).
            models.Index(
                fields=["expires_on", "id"],
                condition=models.Q(status__in=["verified", "pending"]),
                name="insurance_reminder_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("starts_on")),
                name="insurance_expires_after_start",
            )
        ]
        verbose_name_plural = "insurance policies"

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"

    def clean(self) -> None:
        errors = {}
        for field in ("public_liability_cover", "professional_indemnity_cover"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = ValidationError(
                    "Enter the amount of cover in pounds.", code="not_positive"
                )
        if error := check_date(self.starts_on, "The start date"):
            errors["starts_on"] = error
        elif self.starts_on and self.expires_on and self.expires_on <= self.starts_on:
            errors["expires_on"] = ValidationError(
                "The cover must end after it starts.", code="before_start"
            )
        if errors:
            raise ValidationError(errors)

    def expiry_date(self) -> dt.date | None:
        return self.expires_on


class DBSCheck(VerifiableRecord):
    class Level(models.TextChoices):
        BASIC = "basic", "Basic"
        STANDARD = "standard", "Standard"
        ENHANCED = "enhanced", "Enhanced"

    trainer = models.ForeignKey(TrainerProfile, on_delete=models.CASCADE, related_name="dbs_checks")
    level = models.CharField(max_length=16, choices=Level.choices)
    certificate_number = models.CharField(max_length=20)
    issued_on = models.DateField()
    update_service_subscribed = models.BooleanField(
        "subscribed to the DBS Update Service", default=False
    )
    update_service_consent = models.BooleanField(
        "consents to status checks through the Update Service", default=False
    )

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = "DBS check"
        indexes = [
            # The staff verification queue: pending records in (submitted_at, id) order, the
            # queue's sort and keyset, so a page is an index range scan with no sort.
            models.Index(fields=["status", "submitted_at", "id"], name="dbs_queue_idx"),
            # The compliance dashboard's rechecks due soon: a range of issue dates (the recheck
            # is a fixed number of months after), read in order.
            models.Index(
                fields=["issued_on"],
                condition=models.Q(status="verified"),
                name="dbs_verified_issued_idx",
            ),
            # The expiry.dbs reminder source (trainers/reminders.py): verified and pending checks
            # issued in a range of dates, read in keyset pages of (issued_on, id).
            models.Index(
                fields=["issued_on", "id"],
                condition=models.Q(status__in=["verified", "pending"]),
                name="dbs_reminder_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} DBS {self.certificate_number}"

    def clean(self) -> None:
        errors = {}
        if self.certificate_number and not DBS_NUMBER.fullmatch(self.certificate_number):
            errors["certificate_number"] = ValidationError(
                "A DBS certificate number has exactly 12 digits.", code="format"
            )
        if error := check_date(self.issued_on, "The issue date", not_future=True):
            errors["issued_on"] = error
        if self.update_service_consent and not self.update_service_subscribed:
            errors["update_service_consent"] = ValidationError(
                "Status checks need an Update Service subscription: tick both or neither.",
                code="consent_without_subscription",
            )
        if errors:
            raise ValidationError(errors)

    def expiry_date(self) -> dt.date | None:
        # A DBS certificate has no legal expiry; the programme asks for a recheck after
        # DBS_RECHECK_MONTHS unless the trainer is on the Update Service and consents to checks.
        if self.update_service_subscribed and self.update_service_consent:
            return None
        return self.issued_on + relativedelta(months=settings.DBS_RECHECK_MONTHS)


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    # Random name, no trace of the uploaded name; the extension follows the detected type.
    ext = extension_for(instance.mime_type)
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class EvidenceFile(TrainerOwned):
    """An uploaded document backing a record (qualification, insurance, DBS or CPD)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="evidence_files"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            # Loading the evidence of a page of records (prefetch through the GenericRelation).
            models.Index(fields=["content_type", "object_id"], name="evidence_record_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def type_label(self) -> str:
        return label_for(self.mime_type)

    @property
    def preview(self) -> str:
        """ "image", "document" (PDF) or "" when the file can only be downloaded."""
        return preview_for(self.mime_type)


class ClinicShare(models.Model):
    """A trainer's consent to one clinic seeing their eligibility, from `started_at` until they
    stop (`ended_at`). Stopping closes the row; sharing again opens a new one, so the history of
    who could see what, and when, is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="clinic_shares"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="shares")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "clinic"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_share_per_clinic",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="share_ends_after_start",
            ),
        ]
        indexes = [
            # The clinic's roster: the trainers sharing with it now.
            models.Index(
                fields=["clinic", "trainer"],
                condition=models.Q(ended_at__isnull=True),
                name="share_open_by_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} shares with {self.clinic}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ClinicInvitation(models.Model):
    """Programme staff invite someone by e-mail to be an admin of a clinic.

    The link mailed carries a random token; only its SHA-256 is stored. Accepting (signed in
    with the invited address, creating the account through allauth first when needed) makes a
    ClinicMembership; an invitation is used once and lapses at `expires_at`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.clinic}"
