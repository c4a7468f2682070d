"""The mail ledger becomes the one delivery ledger: mail with its notification-list entry, and
clinic webhooks. Existing rows keep their history; their kind is derived from their template."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The kind each existing template's mails now carry (rehabpath.notifications).
KIND_OF_TEMPLATE = {
    "record_decision": "record.decided",
    "trainer_status": "trainer.status",
    "account_claim": "account.claim",
    "clinic_invitation": "clinic.invitation",
    "mentor_assignment": "mentor.assignment",
    "supervision_meeting": "meeting.recorded",
    "supervised_session_submitted": "session.submitted",
    "supervised_session_decided": "session.decided",
    "supervised_session_signed_copy": "session.signed_copy",
    "scope_declaration": "scope.declared",
    "portfolio_export": "portfolio.export",
}
NOT_IN_APP = ("account_claim", "clinic_invitation")


def fill_kinds(apps, schema_editor):
    Delivery = apps.get_model("rehabpath", "Delivery")
    for template, kind in KIND_OF_TEMPLATE.items():
        Delivery.objects.filter(template=template).update(kind=kind)
    Delivery.objects.filter(kind="").update(kind=models.F("template"))
    # Mails sent before there was a notification list are not news now: shown as read.
    Delivery.objects.update(read_at=models.F("created_at"))
    Delivery.objects.filter(template__in=NOT_IN_APP).update(in_app=False)
    Delivery.objects.exclude(recipient=None).update(destination="")


class Migration(migrations.Migration):
    dependencies = [
        ("rehabpath", "0007_mail_to_an_address"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="maildelivery", name="mail_once_per_milestone"),
        migrations.RemoveConstraint(
            model_name="maildelivery", name="mail_once_per_address_milestone"
        ),
        migrations.RemoveConstraint(model_name="maildelivery", name="mail_to_recipient_or_address"),
        migrations.RenameModel("MailDelivery", "Delivery"),
        migrations.AlterModelOptions(
            name="delivery",
            options={"ordering": ["-created_at"], "verbose_name_plural": "deliveries"},
        ),
        migrations.RenameField("delivery", "address", "destination"),
        migrations.AlterField(
            model_name="delivery",
            name="destination",
            field=models.CharField(blank=True, db_default="", default="", max_length=254),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="channel",
            field=models.CharField(
                choices=[("mail", "E-mail and notification list"), ("webhook", "Clinic webhook")],
                db_default="mail",
                default="mail",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="kind",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="delivery",
            name="path",
            field=models.CharField(blank=True, db_default="", default="", max_length=300),
        ),
        migrations.AddField(
            model_name="delivery",
            name="in_app",
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="read_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="claim_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be sent"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("muted", "Not e-mailed (muted)"),
                    ("digest", "Waiting for the weekly digest"),
                    ("digested", "Sent in a weekly digest"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.RunPython(fill_kinds, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "sending"])),
                fields=["status", "next_attempt_at"],
                name="delivery_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("claim_token__isnull", False)),
                fields=["claim_token"],
                name="delivery_claim_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("in_app", True)),
                fields=["recipient", "-created_at"],
                name="delivery_inbox_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("in_app", True), ("read_at__isnull", True)),
                fields=["recipient"],
                name="delivery_unread_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status", "digest")),
                fields=["recipient", "created_at"],
                name="delivery_digest_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=models.Q(("recipient__isnull", False)),
                fields=("channel", "recipient", "kind", "subject_key", "milestone"),
                name="delivery_once_per_recipient",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=models.Q(("recipient__isnull", True)),
                fields=("channel", "destination", "kind", "subject_key", "milestone"),
                name="delivery_once_per_destination",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("destination", ""), ("recipient__isnull", False))
                | (models.Q(("recipient__isnull", True)) & ~models.Q(("destination", ""))),
                name="delivery_to_recipient_or_destination",
            ),
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64)),
                (
                    "choice",
                    models.CharField(
                        choices=[
                            ("now", "E-mail me at once"),
                            ("digest", "Put it in my weekly digest"),
                            ("off", "Only in my notifications, no e-mail"),
                        ],
                        max_length=16,
                    ),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "kind"), name="one_preference_per_kind")
                ]
            },
        ),
    ]
