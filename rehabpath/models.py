"""Cross-cutting models: the user account, the append-only audit log and the delivery ledger."""

import uuid
from typing import Any, NoReturn

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one account; roles come from what the person holds (see rehabpath.roles)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150)
    # is_staff means *programme staff*: they verify evidence, manage the catalogue in the
    # Django admin and read the audit log.
    is_staff = models.BooleanField(
        "programme staff",
        default=False,
        help_text="Programme staff verify evidence, manage the catalogue and read the audit log.",
    )
    is_active = models.BooleanField(default=True)
    # Set only by seed_demo; lets DEMO_MODE (DEBUG only) waive the MFA requirement.
    is_demo = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk changes are refused like single ones: the log is append-only."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events are append-only.")


class ActorKind(models.TextChoices):
    USER = "user", "A person"
    API_TOKEN = "api_token", "An API token"
    SYSTEM = "system", "The system"


class AuditEvent(models.Model):
    """An append-only record of one change of state.

    Rows are written by rehabpath.audit.record_event only. The model and its queryset refuse
    updates and deletes; on PostgreSQL a trigger (migration 0002) refuses them underneath the
    ORM too. An actor with events cannot be deleted (PROTECT): accounts are deactivated or
    pseudonymised instead, so the log keeps pointing at them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # How the actor acted. Empty on events recorded before this was kept (a null actor there
    # was the system).
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices, blank=True)
    # Kept as text so the record survives the actor's erasure.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=255, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The audit log pages newest first by (occurred_at, id) from a cursor
            # (rehabpath.paging), unfiltered or filtered by one exact value: each filter has
            # its index ending in the order, so a page is one short index range scan.
            models.Index(fields=["occurred_at", "id"], name="audit_recent_idx"),
            models.Index(fields=["action", "occurred_at", "id"], name="audit_action_idx"),
            models.Index(fields=["target_type", "occurred_at", "id"], name="audit_target_type_idx"),
            models.Index(fields=["actor_label", "occurred_at", "id"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        # Always an INSERT: a new instance given an existing id must not overwrite that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")


class Delivery(models.Model):
    """The once-only ledger of everything RehabPath tells someone: e-mail (with its entry in
    the recipient's notification list) and clinic webhooks.

    One row per (recipient, kind, subject, milestone): the unique key decides whether an item
    is due, not the broker (which delivers at least once). An event, a reminder sweep or a
    second beat that finds the row already there does nothing; a worker claims a row with a
    conditional UPDATE before sending (rehabpath.ledger), so duplicate task runs send once, and
    a claim whose lease ran out (a worker that died) is taken over. The row's public id is the
    e-mail's Message-ID and the webhook's id: a receiver can drop the one copy a crash between
    "accepted" and "recorded" can cause.
    """

    class Channel(models.TextChoices):
        MAIL = "mail", "E-mail and notification list"
        WEBHOOK = "webhook", "Clinic webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # A user's preference (rehabpath.notifications) decided the mail: the notification
        # list shows the item either way.
        MUTED = "muted", "Not e-mailed (muted)"
        DIGEST = "digest", "Waiting for the weekly digest"
        DIGESTED = "digested", "Sent in a weekly digest"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.MAIL, db_default="mail"
    )
    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Where a row without a recipient goes: an e-mail address with no account behind it
    # (yet: a clinic admin's invitation), or a webhook endpoint's public id. Exactly one of
    # recipient and destination is set; a recipient's mail goes to their address of the
    # moment it is sent.
    destination = models.CharField(max_length=254, blank=True, default="", db_default="")
    # What this is about, as registered in rehabpath.notifications (e.g. "expiry.insurance",
    # "session.submitted", "eligibility.changed"): preferences and the digest are per kind.
    kind = models.CharField(max_length=64)
    subject_key = models.CharField(max_length=120)
    milestone = models.CharField(max_length=64, blank=True)
    template = models.CharField(max_length=64)
    context = models.JSONField(default=dict, blank=True)
    # The page concerned, as a path ("/trainers/records/..."): the notification's link, and
    # the e-mail's button (SITE_URL + path).
    path = models.CharField(max_length=300, blank=True, default="", db_default="")
    # Shown in the recipient's notification list (rehabpath.notifications); False for mails
    # that are not news (an invitation, an account claim) and for webhooks.
    in_app = models.BooleanField(default=True, db_default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed the row; a claim older than the lease (rehabpath.ledger) is a
    # crashed worker's, and is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which claim holds the row: a worker sends and records only the rows of its own token.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    # A pending row is not sent before this (a webhook's retry with backoff).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient", "kind", "subject_key", "milestone"],
                condition=models.Q(recipient__isnull=False),
                name="delivery_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["channel", "destination", "kind", "subject_key", "milestone"],
                condition=models.Q(recipient__isnull=True),
                name="delivery_once_per_destination",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, destination="")
                | (models.Q(recipient__isnull=True) & ~models.Q(destination="")),
                name="delivery_to_recipient_or_destination",
            ),
        ]
        indexes = [
            # The workers' claim of a batch (rehabpath.ledger.claim_batch) and the sweeper's
            # look for rows to re-queue: pending rows due by now, and claims past their lease.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="delivery_due_idx",
            ),
            # A worker's look-up of the rows it claimed.
            models.Index(
                fields=["claim_token"],
                condition=models.Q(claim_token__isnull=False),
                name="delivery_claim_idx",
            ),
            # A user's notification list, newest first, and its unread count.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(in_app=True),
                name="delivery_inbox_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(in_app=True, read_at__isnull=True),
                name="delivery_unread_idx",
            ),
            # A user's rows waiting for their weekly digest.
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(status="digest"),
                name="delivery_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient_id or self.destination
        return f"{self.kind} to {to} ({self.get_status_display()})"

    @property
    def to_address(self) -> str:
        return self.recipient.email if self.recipient is not None else self.destination


class NotificationPreference(models.Model):
    """How one user wants one kind of notification: e-mailed at once (the default, no row),
    gathered into the weekly digest, or shown in the notification list only.

    Compliance-critical kinds ignore this (rehabpath.notifications.Kind.critical): their
    e-mail always goes out.
    """

    class Choice(models.TextChoices):
        NOW = "now", "E-mail me at once"
        DIGEST = "digest", "Put it in my weekly digest"
        OFF = "off", "Only in my notifications, no e-mail"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    choice = models.CharField(max_length=16, choices=Choice.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.choice}"
