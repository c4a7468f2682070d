"""Clinics, their admins' invitations and memberships, and trainers' sharing with them.

- Programme staff create and rename clinics, invite clinic admins by e-mail, revoke an
  invitation and remove an admin.
- The person invited accepts with the link mailed to them, signed in with that (verified)
  address: they become an admin of the clinic (and, as every clinic admin, must set up a
  second factor: rehabpath.middleware).
- A trainer starts and stops sharing their record with a clinic. Each share is a row from
  start to stop; sharing again opens a new one, so the history of who could see what is kept.

Every service runs in one transaction, writes an audit event and raises `DomainError` with a
message fit for the person acting.
"""

import base64
import datetime as dt
import hashlib
import uuid

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish, publish_on_commit
from rehabpath.models import User
from trainers.access import is_owner
from trainers.mails import mail_clinic_invitation, mail_share_changed
from trainers.models import (
    Clinic,
    ClinicInvitation,
    ClinicMembership,
    ClinicShare,
    TrainerProfile,
)

INVITATION_VALID_FOR = dt.timedelta(days=14)
_TOKEN_SALT = "rehabpath.trainers.clinic-invitation"  # noqa: S105 - a key salt, no secret


def _require_staff(actor: Actor, what: str) -> User:
    person = actor.person()
    if not person.is_staff:
        raise DomainError(f"Only programme staff can {what}.")
    return person


def _clean_name(name: str, city: str) -> tuple[str, str]:
    name, city = " ".join(name.split()), " ".join(city.split())
    if not name:
        raise DomainError("Give the clinic a name.", field="name")
    return name, city


def _name_taken(name: str, *, other_than: Clinic | None = None) -> bool:
    clinics = Clinic.objects.filter(name__iexact=name)
    if other_than is not None:
        clinics = clinics.exclude(pk=other_than.pk)
    return clinics.exists()


def _taken(name: str) -> DomainError:
    return DomainError(f"There is already a clinic called “{name}”.", field="name")


# --- Clinics ---------------------------------------------------------------------------------


def clinic_create(*, actor: Actor, name: str, city: str) -> Clinic:
    _require_staff(actor, "add a clinic")
    name, city = _clean_name(name, city)
    if _name_taken(name):
        raise _taken(name)
    try:
        with transaction.atomic():
            clinic = Clinic.objects.create(name=name, city=city)
            record_event(
                actor=actor, action="clinic.create", target=clinic, after=_clinic_state(clinic)
            )
    except IntegrityError:  # the same name added at the same moment (unique name)
        raise _taken(name) from None
    return clinic


def clinic_update(*, actor: Actor, clinic: Clinic, name: str, city: str) -> Clinic:
    _require_staff(actor, "change a clinic")
    name, city = _clean_name(name, city)
    if _name_taken(name, other_than=clinic):
        raise _taken(name)
    try:
        with transaction.atomic():
            locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
            before = _clinic_state(locked)
            locked.name, locked.city = name, city
            if _clinic_state(locked) == before:
                return locked  # nothing changed: nothing to record
            locked.save(update_fields=["name", "city"])
            record_event(
                actor=actor,
                action="clinic.update",
                target=locked,
                before=before,
                after=_clinic_state(locked),
            )
    except IntegrityError:
        raise _taken(name) from None
    clinic.name, clinic.city = locked.name, locked.city
    return clinic


def _clinic_state(clinic: Clinic) -> dict[str, str]:
    return {"name": clinic.name, "city": clinic.city}


# --- Invitations -----------------------------------------------------------------------------


def invitation_token(public_id: uuid.UUID) -> str:
    """The secret of an invitation's link, derived from its random public id with the
    project's secret key: the mail is built at send time (rehabpath.mail) and the ledger never
    holds the token, yet only its SHA-256 is stored, as for a password."""
    digest = salted_hmac(_TOKEN_SALT, public_id.hex, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> ClinicInvitation | None:
    """The invitation a link's token opens (used, revoked or expired too), or None."""
    return (
        ClinicInvitation.objects.select_related("clinic", "invited_by")
        .filter(token_sha256=token_sha256(token))
        .first()
    )


def normalise_email(email: str) -> str:
    # Addresses are compared without regard to case everywhere here (allauth's too).
    return email.strip().lower()


def invitation_create(*, actor: Actor, clinic: Clinic, email: str) -> tuple[ClinicInvitation, str]:
    """Invite `email` to be an admin of `clinic`; returns the invitation and its token.

    One open invitation per address and clinic: inviting again replaces the open one (its
    link stops working), for instance when the first mail went astray or lapsed.
    """
    staff = _require_staff(actor, "invite clinic admins")
    email = normalise_email(email)
    if not email:
        raise DomainError("Give the e-mail address to invite.", field="email")
    if ClinicMembership.objects.filter(clinic=clinic, user__email__iexact=email).exists():
        raise DomainError(f"{email} is already an admin of {clinic.name}.", field="email")
    now = timezone.now()
    with transaction.atomic():
        # Under the clinic's row lock: two invitations of one address at once cannot both
        # find no open one (the constraint would refuse the second; this says why).
        Clinic.objects.select_for_update().get(pk=clinic.pk)
        replaced = list(
            ClinicInvitation.objects.select_for_update().filter(
                clinic=clinic, email=email, accepted_at__isnull=True, revoked_at__isnull=True
            )
        )
        for old in replaced:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            record_event(
                actor=actor,
                action="clinic_invitation.revoke",
                target=old,
                after={"clinic": clinic.name, "email": email},
                reason="Replaced by a new invitation.",
            )
        public_id = uuid.uuid4()
        token = invitation_token(public_id)
        invitation = ClinicInvitation.objects.create(
            public_id=public_id,
            clinic=clinic,
            email=email,
            token_sha256=token_sha256(token),
            invited_by=staff,
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        record_event(
            actor=actor,
            action="clinic_invitation.create",
            target=invitation,
            after={
                "clinic": clinic.name,
                "email": email,
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        mail_clinic_invitation(invitation=invitation)
    return invitation, token


def invitation_revoke(*, actor: Actor, invitation: ClinicInvitation) -> ClinicInvitation:
    _require_staff(actor, "revoke an invitation")
    with transaction.atomic():
        locked = (
            ClinicInvitation.objects.select_for_update(of=("self",))
            .select_related("clinic")
            .get(pk=invitation.pk)
        )
        if locked.accepted_at is not None:
            raise DomainError(
                f"{locked.email} has accepted this invitation already: remove them from the "
                "clinic's admins instead."
            )
        if locked.revoked_at is not None:
            raise DomainError("This invitation is revoked already.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action="clinic_invitation.revoke",
            target=locked,
            after={"clinic": locked.clinic.name, "email": locked.email},
        )
    invitation.revoked_at = locked.revoked_at
    return invitation


def invitation_problem(invitation: ClinicInvitation, *, now: dt.datetime) -> str:
    """Why the invitation can no longer be accepted, in plain words ("" when it can)."""
    if invitation.revoked_at is not None:
        return (
            "This invitation was withdrawn by programme staff. Ask them for a new one if you "
            "still need access."
        )
    if invitation.accepted_at is not None:
        return "This invitation has been used already. Sign in to reach the clinic."
    if invitation.expires_at <= now:
        return (
            "This invitation has expired: invitations last 14 days. Ask programme staff to "
            "invite you again."
        )
    return ""


def holds_invited_address(user: User, invitation: ClinicInvitation) -> bool:
    """Whether `user` has proved they own the invited address (a verified e-mail)."""
    return bool(
        EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


def wrong_account_message(invitation: ClinicInvitation) -> str:
    return (
        f"This invitation is for {invitation.email}, and you are signed in with another "
        f"address. Sign out, then sign in (or create an account) with {invitation.email}."
    )


def invitation_accept(*, actor: Actor, token: str) -> ClinicMembership:
    """The person invited accepts: they become an admin of the clinic."""
    user = actor.person()
    with transaction.atomic():
        invitation = (
            ClinicInvitation.objects.select_for_update(of=("self",))
            .select_related("clinic")
            .filter(token_sha256=token_sha256(token))
            .first()
        )
        if invitation is None:
            raise DomainError(
                "This invitation link is not valid. Check that you copied the whole link."
            )
        problem = invitation_problem(invitation, now=timezone.now())
        if problem:
            raise DomainError(problem)
        if not holds_invited_address(user, invitation):
            raise DomainError(wrong_account_message(invitation))
        membership, created = ClinicMembership.objects.get_or_create(
            clinic=invitation.clinic, user=user
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_event(
            actor=actor,
            action="clinic_invitation.accept",
            target=invitation,
            after={
                "clinic": invitation.clinic.name,
                "email": invitation.email,
                "membership": "created" if created else "already an admin",
            },
        )
    return membership


def signs_up_as_clinic_admin(email: str) -> bool:
    """Whether someone signing up with `email` comes for a clinic's invitation (an open one
    waits for the address): their account is then no trainer's (trainers.adapters)."""
    return ClinicInvitation.objects.filter(
        email=normalise_email(email),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


# --- Memberships -----------------------------------------------------------------------------


def membership_remove(*, actor: Actor, membership: ClinicMembership) -> None:
    """Programme staff remove an admin from a clinic: they lose its roster at once."""
    _require_staff(actor, "remove a clinic admin")
    with transaction.atomic():
        locked = (
            ClinicMembership.objects.select_for_update(of=("self",))
            .select_related("clinic", "user")
            .filter(pk=membership.pk)
            .first()
        )
        if locked is None:
            raise DomainError("This person is no longer an admin of the clinic.")
        record_event(
            actor=actor,
            action="clinic_membership.remove",
            target=locked.clinic,
            target_label=f"{locked.user.email} @ {locked.clinic.name}"[:255],
            before={"clinic": locked.clinic.name, "admin": locked.user.email},
        )
        locked.delete()


# --- Sharing ---------------------------------------------------------------------------------


def _require_own(actor: Actor, trainer: TrainerProfile, what: str) -> None:
    if not is_owner(actor.person(), trainer):
        raise DomainError(f"Only the trainer can {what} their own record.")


def share_start(*, actor: Actor, trainer: TrainerProfile, clinic: Clinic) -> ClinicShare:
    """The trainer lets `clinic` see their eligibility (per condition area, with its reasons)."""
    _require_own(actor, trainer, "share")
    try:
        with transaction.atomic():
            share = ClinicShare.objects.create(trainer=trainer, clinic=clinic)
            record_event(
                actor=actor,
                action="clinic_share.start",
                target=share,
                target_label=f"{trainer.user.email} shares with {clinic.name}"[:255],
                after={"clinic": clinic.name, "started_at": share.started_at.isoformat()},
            )
            mail_share_changed(share=share, event="started")
            # The clinic's answers are watched from now on (a first state: no notification).
            publish_on_commit("trainer.changed", trainer_ids=[trainer.pk])
    except IntegrityError:
        # The database's "one open share per clinic": already shared, perhaps from another tab.
        raise DomainError(f"You already share your record with {clinic.name}.") from None
    return share


def share_stop(*, actor: Actor, share: ClinicShare) -> ClinicShare:
    """The trainer stops sharing: from now on the clinic no longer sees them at all."""
    _require_own(actor, share.trainer, "stop sharing")
    with transaction.atomic():
        locked = (
            ClinicShare.objects.select_for_update(of=("self",))
            .select_related("clinic", "trainer__user")
            .get(pk=share.pk)
        )
        if locked.ended_at is not None:
            raise DomainError(f"You stopped sharing with {locked.clinic.name} already.")
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        record_event(
            actor=actor,
            action="clinic_share.stop",
            target=locked,
            target_label=f"{locked.trainer.user.email} shares with {locked.clinic.name}"[:255],
            before={"started_at": locked.started_at.isoformat()},
            after={"clinic": locked.clinic.name, "ended_at": locked.ended_at.isoformat()},
        )
        mail_share_changed(share=locked, event="stopped")
        # The clinic's webhooks, recorded with the change (rehabpath.events).
        publish(
            "sharing.stopped",
            share_id=locked.pk,
            trainer_id=locked.trainer_id,
            clinic_id=locked.clinic_id,
        )
        publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    share.ended_at = locked.ended_at
    return share
