"""The mails trainers get about their records and accounts (sent once, through the ledger)."""

import uuid
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rehabpath.formats import day_label
from rehabpath.mail import context_builder
from rehabpath.models import Delivery, User
from rehabpath.notifications import Item, notify, notify_many
from trainers.models import (
    ClinicInvitation,
    ClinicMembership,
    ClinicShare,
    TrainerProfile,
    VerifiableRecord,
)
from trainers.records import kind_of


def mail_record_decision(*, record: VerifiableRecord) -> None:
    """Tell the trainer that staff verified or rejected their record.

    The milestone is the decision's time, so a record that is resubmitted and decided again
    gets a new mail, while a retried task for the same decision never sends a second one.
    """
    kind = kind_of(record)
    notify(
        recipient=record.trainer.user,
        subject_key=f"record_decision:{record.public_id}",
        milestone=f"{record.status}:{timezone.now():%Y%m%dT%H%M%S%f}",
        kind="record.decided",
        context={
            "outcome": record.status,
            "kind_label": kind.label,
            "kind_in_sentence": kind.in_sentence,
            "record_label": str(record),
            "reason": record.rejection_reason,
            "record_path": kind.url("detail", record),
        },
        path=kind.url("detail", record),
    )


def mail_trainer_status(*, trainer: TrainerProfile) -> None:
    """Tell the trainer that staff suspended or reinstated them, and why.

    One mail per change: the milestone is the time of the change, so a retried task never
    sends it twice while a later suspension gets its own mail.
    """
    changed_at = trainer.status_changed_at or timezone.now()
    notify(
        recipient=trainer.user,
        subject_key=f"trainer_status:{trainer.public_id}",
        milestone=f"{trainer.status}:{changed_at:%Y%m%dT%H%M%S%f}",
        kind="trainer.status",
        context={"status": trainer.status, "reason": trainer.status_reason},
        path=reverse("home"),
    )


def mail_account_claim(*, user: User, invited_by: User) -> None:
    """Invite a trainer created by a bulk import to choose a password (once per account)."""
    notify(
        recipient=user,
        subject_key="account_claim",
        kind="account.claim",
        context={"invited_by": invited_by.name or "Programme staff"},
    )


@context_builder("account_claim")
def _claim_context(delivery: Delivery) -> dict[str, str]:
    # Built at send time so that no reset token is ever stored in the ledger.
    user = delivery.recipient
    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    key = f"{user_pk_to_url_str(user)}-{token}"
    path = reverse("trainers:account_claim", kwargs={"uidb36": "UID", "key": "KEY"})
    return {"claim_url": settings.SITE_URL + path.replace("UID-KEY", quote(key))}


def mail_clinic_invitation(*, invitation: ClinicInvitation) -> None:
    """Invite someone to be an admin of a clinic; one mail per invitation.

    To their account when they have one (the mail greets them by name), else to the address.
    The link is built at send time: the ledger never holds the token.
    """
    inviter = invitation.invited_by
    notify(
        recipient=User.objects.filter(email__iexact=invitation.email).first(),
        destination=invitation.email,
        subject_key=f"clinic_invitation:{invitation.public_id}",
        kind="clinic.invitation",
        context={
            "invitation": str(invitation.public_id),
            "clinic_name": invitation.clinic.name,
            "clinic_city": invitation.clinic.city,
            "invited_by": (inviter.name or inviter.email) if inviter else "Programme staff",
            "expires_on": day_label(timezone.localdate(invitation.expires_at)),
        },
    )


@context_builder("clinic_invitation")
def _invitation_context(delivery: Delivery) -> dict[str, str]:
    from trainers.clinics import invitation_token  # services import this module

    public_id = uuid.UUID(delivery.context["invitation"])
    path = reverse("programme:invitation_accept", kwargs={"token": invitation_token(public_id)})
    return {"accept_url": settings.SITE_URL + path}


def mail_share_changed(*, share: ClinicShare, event: str) -> int:
    """Tell the clinic's admins that a trainer started ("started") or stopped ("stopped")
    sharing their record with it; once per share and event (the ledger's key).

    The link goes to the trainer's check page while they share, to the roster once they stop
    (the trainer's page is then a 404 for the clinic). Returns how many rows were new.
    """
    clinic, trainer = share.clinic, share.trainer
    admins = ClinicMembership.objects.filter(clinic=clinic).values_list("user_id", flat=True)
    if event == "started":
        path = reverse(
            "programme:check",
            kwargs={"clinic_id": clinic.public_id, "trainer_id": trainer.public_id},
        )
    else:
        path = reverse("programme:roster", kwargs={"clinic_id": clinic.public_id})
    when = share.started_at if event == "started" else share.ended_at
    context = {
        "event": event,
        "trainer_name": trainer.user.name or trainer.user.email,
        "clinic_name": clinic.name,
        "on": day_label(timezone.localdate(when or timezone.now())),
    }
    return notify_many(
        [
            Item(
                kind="sharing.changed",
                subject_key=f"clinic_share:{share.public_id}",
                milestone=event,
                recipient_id=user_id,
                context=context,
                path=path,
            )
            for user_id in admins
        ]
    )
