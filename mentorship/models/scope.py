"""Scope of practice: the statement staff publish in versions, and trainers' signed declarations.

A statement is a draft until staff publish it; a published version is never edited (a
correction is a new version), and on PostgreSQL a trigger refuses changes to its text. A
declaration keeps the exact text the trainer signed and its SHA-256, so nothing done to the
statement later changes what someone signed.

Validity of a declaration on a day (both dates inclusive, like the other records' expiry):
from the day it was signed until `expires_on`, and, once a later version is published, until
that version's `earlier_valid_until` (its effective date plus the grace period staff set).
mentorship.selectors_scope answers it in one query.
"""

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from qualifications.models import ConditionArea
from trainers.models import TrainerProfile

DEFAULT_GRACE_DAYS = 30
DEFAULT_VALIDITY_MONTHS = 12


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ScopeStatement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Given at publication (1, 2, ...); a draft has none.
    version = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Limited markup: see rehabpath.markup.")
    condition_areas = models.ManyToManyField(
        ConditionArea,
        related_name="scope_statements",
        help_text="The areas a trainer may declare themselves competent for under it.",
    )
    effective_on = models.DateField("takes effect on")
    grace_days = models.PositiveSmallIntegerField(
        "grace period (days)",
        default=DEFAULT_GRACE_DAYS,
        help_text="Declarations of earlier versions stay valid this many days after it takes "
        "effect.",
    )
    validity_months = models.PositiveSmallIntegerField(
        "declarations last (months)", default=DEFAULT_VALIDITY_MONTHS
    )
    # effective_on + grace_days, fixed at publication: the last day declarations of earlier
    # versions hold. Stored so the validity query compares dates instead of adding days.
    earlier_valid_until = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = [models.F("version").desc(nulls_first=True), "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(published_at__isnull=True, version__isnull=True)
                    | Q(
                        published_at__isnull=False,
                        version__isnull=False,
                        earlier_valid_until__isnull=False,
                    )
                ),
                name="scope_statement_published_with_a_version",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1, validity_months__lte=36),
                name="scope_statement_validity_1_to_36_months",
            ),
        ]

    def __str__(self) -> str:
        if self.version is None:
            return f"Draft: {self.title}"
        return f"Version {self.version}: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def grace_end(self) -> dt.date:
        return self.effective_on + dt.timedelta(days=self.grace_days)


class ScopeDeclaration(models.Model):
    """A trainer's signed acceptance of one published version, for the areas they chose."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="scope_declarations"
    )
    statement = models.ForeignKey(
        ScopeStatement, on_delete=models.PROTECT, related_name="declarations"
    )
    areas = models.ManyToManyField(ConditionArea, related_name="scope_declarations")
    escalation_role = models.CharField("escalation contact: role", max_length=120)
    escalation_organisation = models.CharField("escalation contact: organisation", max_length=200)
    signed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    signed_on = models.DateField(help_text="The local day of signed_at: validity starts then.")
    expires_on = models.DateField()
    # The whole document as the trainer confirmed it (the version's text as shown, their areas,
    # contact and name), and its SHA-256: what they signed, whatever happens to the statement.
    signed_text = models.TextField()
    signed_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")),
                name="scope_declaration_expires_after_signing",
            ),
        ]
        indexes = [
            # current_declaration_of / valid_declarations: a trainer's newest first.
            models.Index(fields=["trainer", "-signed_at"], name="scope_decl_trainer_signed"),
            # The compliance dashboard's declarations ending soon, soonest first.
            models.Index(fields=["expires_on"], name="scope_decl_expires"),
            # The expiry.scope reminder source (mentorship/reminders.py): declarations ending
            # in a range of dates, read in keyset pages of (expires_on, id).
            models.Index(fields=["expires_on", "id"], name="scope_decl_reminder_idx"),
        ]

    def __str__(self) -> str:
        return f"Scope declaration of {self.trainer} ({self.signed_on.isoformat()})"

    def hash_matches(self) -> bool:
        return sha256_of(self.signed_text) == self.signed_sha256

    @property
    def valid_until(self) -> dt.date:
        """The last day it holds, given the versions published so far. Selectors annotate
        `superseded_until`; without it only the expiry is known."""
        superseded: dt.date | None = getattr(self, "superseded_until", None)
        return min(self.expires_on, superseded) if superseded else self.expires_on
