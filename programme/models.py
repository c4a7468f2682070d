"""What the readers across apps keep: the pathway's rules, clinics' eligibility checks, API tokens.

- `PathwayRules`: the pathway as data (stages, requirements, the eligibility thresholds), one
  row per version. A version is never changed: staff editing the rules save a new version, and
  every evaluation and every stored check names the version it used. The definition is the
  JSON of `programme.pathway.rules.Definition`; the newest version is in force.
- `EligibilityCheck` / `EligibilityAnswer`: a clinic's check (one request, from the check page
  or the API) and the answers it gave, one per trainer and condition area, with their reasons,
  as the evidence a clinic keeps (CQC Regulation 19).
- `ApiToken`: a clinic's token for the JSON API, stored as a SHA-256 with a recognisable prefix.
- `WebhookEndpoint` / `WebhookAttempt`: a clinic's signed webhooks (programme.webhooks); each
  delivery is a row of the core's ledger (rehabpath.models.Delivery), each try of it an attempt.
- `EligibilityState`: the last eligibility answer seen for each trainer who shares, per area
  (programme.eligibility.watch): what a change is measured against, and the roster's changes
  of the week in a clinic admin's digest.
- `Certificate`: a competency certificate (programme.certificates): what it says, as printed
  and signed at issue, its place in the published status list, and how it ended (revoked,
  replaced) if it did.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mentorship.models import ScopeDeclaration
from qualifications.models import ConditionArea
from rehabpath.models import Delivery
from trainers.models import Clinic, TrainerProfile


class PathwayRules(models.Model):
    version = models.PositiveIntegerField(unique=True, editable=False)
    definition = models.JSONField(help_text="programme.pathway.rules.Definition as JSON.")
    note = models.TextField("what changed and why", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = "pathway rules version"
        verbose_name_plural = "pathway rules versions"

    def __str__(self) -> str:
        return f"Pathway rules, version {self.version}"


class EligibilityStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    SUPERVISED_ONLY = "supervised_only", "Supervised only"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


class ApiToken(models.Model):
    """A clinic's API token. The token itself is shown once, when created; only its SHA-256 is
    kept, with its first characters (`prefix`) so that a leaked token can be recognised."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “Rota system”.")
    prefix = models.CharField(max_length=16, unique=True)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EligibilityCheck(models.Model):
    """One check by a clinic: who asked (a clinic admin on the check page, or an API token),
    when, about which day, under which rules version. Its answers are the rows below."""

    class Channel(models.TextChoices):
        PAGE = "page", "Check page"
        API = "api", "API"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="eligibility_checks")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    # Kept as text too, so the record reads the same after an erasure or a rename.
    checked_by_label = models.CharField(max_length=254)
    clinic_name = models.CharField(max_length=200)
    checked_at = models.DateTimeField(default=timezone.now)  # the answer's "as at"
    on_date = models.DateField("the day asked about")
    rules = models.ForeignKey(PathwayRules, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="page", checked_by__isnull=False, api_token__isnull=True)
                | Q(channel="api", api_token__isnull=False),
                name="check_has_one_kind_of_actor",
            ),
        ]
        indexes = [
            # A clinic's check history, newest first.
            models.Index(fields=["clinic", "-checked_at"], name="check_clinic_recent"),
        ]

    def __str__(self) -> str:
        return f"Check by {self.checked_by_label} at {self.checked_at:%Y-%m-%d %H:%M}"


class EligibilityAnswer(models.Model):
    check_run = models.ForeignKey(
        EligibilityCheck, on_delete=models.PROTECT, related_name="answers"
    )
    trainer = models.ForeignKey(TrainerProfile, on_delete=models.PROTECT, related_name="+")
    condition_area = models.ForeignKey(ConditionArea, on_delete=models.PROTECT, related_name="+")
    # As the record said at the time of the check.
    trainer_name = models.CharField(max_length=150)
    area_name = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=EligibilityStatus.choices)
    reasons = models.JSONField(default=list, help_text="Every reason, in plain words.")
    holds_until = models.DateField(null=True, blank=True)
    # The current mentor named by a supervised_only answer.
    mentor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["check_run", "trainer_name", "area_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "trainer", "condition_area"], name="one_answer_per_question"
            ),
        ]
        indexes = [
            # "When was this trainer last checked?" (the trainer's own list of checks).
            models.Index(fields=["trainer", "check_run"], name="answer_trainer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trainer_name}, {self.area_name}: {self.get_status_display()}"


class ComplianceSnapshot(models.Model):
    """The compliance dashboard's evaluation-based counts, as last computed.

    Evaluating every trainer takes seconds at programme size, so a Celery task computes the
    counts (by eligibility status and stage reached per condition area, and the trainers in
    supervised practice without a mentor) in chunks and keeps the result here; the page reads
    the newest row. A table rather than the cache: under `make run` without Redis the cache is
    local to each process, and the worker's result would never reach the web process.
    """

    computed_at = models.DateTimeField(default=timezone.now)  # the snapshot's "as at"
    on_date = models.DateField("the day evaluated")
    rules_version = models.PositiveIntegerField()
    trainers = models.PositiveIntegerField()
    seconds = models.FloatField(help_text="How long the computation took.")
    data = models.JSONField(help_text="programme.compliance.snapshot.SnapshotData as JSON.")
    # Every trainer in supervised practice without a mentor (thousands at programme size):
    # apart from `data`, so the page reads the counts without them; the CSV reads them all.
    unmentored = models.JSONField(default=list)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"Compliance snapshot at {self.computed_at:%Y-%m-%d %H:%M}"


class WebhookEndpoint(models.Model):
    """Where a clinic wants its events POSTed, signed as Standard Webhooks describes.

    `events` is the list of event types chosen (programme.webhooks.events), as JSON so it works
    the same on SQLite. The secret (`whsec_<base64>`) must be kept as it is, to sign with: it is
    shown to the clinic once, when created or rotated. A delivery's ledger row names the
    endpoint by its public id (Delivery.destination); deleting an endpoint keeps those rows.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types it receives.")
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "is_active"], name="webhook_endpoint_clinic")]

    def __str__(self) -> str:
        return self.url


class WebhookAttempt(models.Model):
    """One try at POSTing a webhook delivery: when, how long, and what the receiver said."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="webhook_attempts"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    # The HTTP status received, or None when there was no response (and `error` says why).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="one_webhook_attempt_number"
            )
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class EligibilityState(models.Model):
    """The answer last seen for a trainer (who shares with a clinic) in one condition area.

    programme.eligibility.watch recomputes it after a change that can move eligibility and once
    a London day; an answer whose status or "holds until" differs is a change: `version` goes
    up by one and the clinics are told once per version (the ledger's milestone "v<version>").
    The first answer seen for a trainer and area is recorded silently (version 1).
    """

    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="eligibility_states"
    )
    condition_area = models.ForeignKey(ConditionArea, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=EligibilityStatus.choices)
    # The status before the last change ("" until there is one).
    previous_status = models.CharField(max_length=16, choices=EligibilityStatus.choices, blank=True)
    # SHA-256 of the answer's reasons: kept current, but a change of wording alone is no change
    # a clinic is told about (a signed-off session rewrites "3 of 6 sessions" every time).
    reasons_sha256 = models.CharField(max_length=64)
    holds_until = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    # The London day it was last computed: the daily watch's progress (a sweep cut short picks
    # up the trainers not yet computed today).
    checked_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "condition_area"], name="one_eligibility_state_per_area"
            )
        ]
        indexes = [
            # A clinic admin's digest: the roster's changes since the week began.
            models.Index(
                fields=["changed_at"], condition=Q(version__gt=1), name="eligibility_change_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer_id} in {self.condition_area_id}: {self.status} (v{self.version})"


class CertificateStatus(models.TextChoices):
    """What a verifier reads about a certificate (programme.models.Certificate.status_on)."""

    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    REPLACED = "replaced", "Replaced"


class Certificate(models.Model):
    """A competency certificate for one trainer and one condition area.

    What it says is kept as it was printed and signed at issue (names, dates, the scope), so
    that the page, the PDF and the signed credential agree however the records change later.
    A revocation is permanent: a revoked certificate never becomes valid again; a trainer who
    is recognised again gets a new certificate (a new code), which `replaced_by` points to.
    The signed Open Badges 3.0 credential (`credential`) is made in the issuing transaction,
    the PDF (`pdf`) by a Celery task after commit.
    """

    class Revocation(models.TextChoices):
        REVOKED = "revoked", "Revoked by programme staff"
        SUSPENDED = "suspended", "Revoked because the trainer was suspended"
        REPLACED = "replaced", "Replaced by a new certificate"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # programme.certificates.codes: 140 random bits, canonical grouped form.
    code = models.CharField(max_length=34, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.PROTECT, related_name="certificates"
    )
    condition_area = models.ForeignKey(ConditionArea, on_delete=models.PROTECT, related_name="+")
    scope_declaration = models.ForeignKey(
        ScopeDeclaration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As printed and signed.
    trainer_name = models.CharField(max_length=150)
    area_name = models.CharField(max_length=100)
    scope_title = models.CharField(max_length=200)
    scope_version = models.PositiveIntegerField()
    issuer_name = models.CharField(max_length=200, help_text="The issuing programme.")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_name = models.CharField(max_length=150)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_on = models.DateField()
    expires_on = models.DateField(help_text="The last day it is valid.")
    # Its entry in the published Bitstring Status List (programme.certificates.statuslist):
    # list number and a random index in it.
    status_list = models.PositiveSmallIntegerField(default=1)
    status_index = models.PositiveIntegerField()
    credential = models.JSONField(help_text="The signed OpenBadgeCredential, as issued.")
    pdf = models.FileField(upload_to="certificates/%Y/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # How it ended, if it did.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation = models.CharField(max_length=16, choices=Revocation.choices, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revocation="", revocation_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revocation="") & ~Q(revocation_reason="")),
                name="certificate_revocation_has_reason",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_certificate_per_status_entry"
            ),
        ]
        indexes = [
            # The staff's certificate list, newest first.
            models.Index(fields=["-issued_at", "-id"], name="certificate_recent"),
            # A trainer's certificates (their page, staff's trainer page, issuing's checks).
            models.Index(fields=["trainer", "condition_area"], name="certificate_trainer_area"),
            # The expiry reminders and the certificate.expired webhook: current certificates
            # by expiry date (a range scan each daily sweep).
            models.Index(
                fields=["expires_on", "id"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_current_expiry",
            ),
            # The status list: the revoked entries of one list.
            models.Index(
                fields=["status_list", "status_index"],
                condition=Q(revoked_at__isnull=False),
                name="certificate_revoked_entries",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_name} certificate of {self.trainer_name} ({self.code})"

    def status_on(self, day: dt.date) -> CertificateStatus:
        """Revoked and replaced are permanent; otherwise valid through `expires_on`."""
        if self.revoked_at is not None:
            if self.revocation == self.Revocation.REPLACED:
                return CertificateStatus.REPLACED
            return CertificateStatus.REVOKED
        if day > self.expires_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID
