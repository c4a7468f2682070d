"""Clinics, clinic admins' invitations and memberships, trainers' sharing (trainers.clinics)."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError, transaction

from rehabpath.audit import Actor, audit_action_label
from rehabpath.celery import app as celery_app
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.concurrency import postgres_only, race
from trainers.clinics import (
    INVITATION_VALID_FOR,
    clinic_create,
    clinic_update,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    invitation_revoke,
    membership_remove,
    share_start,
    share_stop,
    signs_up_as_clinic_admin,
)
from trainers.models import Clinic, ClinicInvitation, ClinicMembership, ClinicShare

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
ACCEPT_LINK = re.compile(r"https?://[^/\s]+(/clinic-invitations/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(staff_user):
    return Actor.for_user(staff_user)


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory(name="Riverside Neuro Physio", city="Bristol")


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- Clinics ---------------------------------------------------------------------------------


def test_staff_add_a_clinic_and_it_is_audited(staff):
    clinic = clinic_create(actor=staff, name="  Hill   Stroke Unit ", city=" Leeds ")

    assert (clinic.name, clinic.city) == ("Hill Stroke Unit", "Leeds")
    [event] = _events("clinic.create")
    assert event.target_id == str(clinic.public_id)
    assert event.after == {"name": "Hill Stroke Unit", "city": "Leeds"}
    assert audit_action_label("clinic.create") == "Clinic added"


def test_only_staff_add_a_clinic(trainer_user, clinic_admin_user):
    for user in (trainer_user, clinic_admin_user):
        with pytest.raises(DomainError, match="Only programme staff"):
            clinic_create(actor=Actor.for_user(user), name="X", city="")
    assert not Clinic.objects.filter(name="X").exists()


def test_a_clinic_needs_a_name(staff):
    with pytest.raises(DomainError, match="Give the clinic a name") as refused:
        clinic_create(actor=staff, name="   ", city="Leeds")
    assert refused.value.field == "name"


def test_two_clinics_cannot_share_a_name_whatever_the_case(staff, clinic):
    with pytest.raises(DomainError, match="already a clinic called") as refused:
        clinic_create(actor=staff, name="riverside neuro physio", city="")
    assert refused.value.field == "name"


def test_staff_rename_a_clinic_and_the_change_is_audited(staff, clinic):
    clinic_update(actor=staff, clinic=clinic, name="Riverside Neuro", city="Bath")

    clinic.refresh_from_db()
    assert (clinic.name, clinic.city) == ("Riverside Neuro", "Bath")
    [event] = _events("clinic.update")
    assert event.before == {"name": "Riverside Neuro Physio", "city": "Bristol"}
    assert event.after == {"name": "Riverside Neuro", "city": "Bath"}


def test_saving_a_clinic_unchanged_records_nothing(staff, clinic):
    clinic_update(actor=staff, clinic=clinic, name=clinic.name, city=clinic.city)

    assert _events("clinic.update") == []


def test_a_rename_cannot_take_another_clinics_name(staff, clinic):
    other = factories.ClinicFactory(name="Hill Stroke Unit")
    with pytest.raises(DomainError, match="already a clinic called"):
        clinic_update(actor=staff, clinic=other, name="RIVERSIDE NEURO PHYSIO", city="")


def test_only_staff_change_a_clinic(clinic_admin_user):
    clinic = clinic_admin_user.clinic_memberships.get().clinic
    with pytest.raises(DomainError, match="Only programme staff"):
        clinic_update(actor=Actor.for_user(clinic_admin_user), clinic=clinic, name="N", city="")


# --- Invitations -----------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_of_its_token_and_lasts_14_days(staff, clinic):
    invitation, token = invitation_create(actor=staff, clinic=clinic, email=" Ada@Clinic.ORG ")

    assert invitation.email == "ada@clinic.org"
    assert invitation.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ClinicInvitation.objects.values().get())
    assert len(token) >= 43  # 256 bits, base64url
    assert invitation.expires_at == NOW + INVITATION_VALID_FOR == NOW + dt.timedelta(days=14)
    assert invitation_by_token(token) == invitation
    [event] = _events("clinic_invitation.create")
    assert event.after["email"] == "ada@clinic.org"
    assert token not in str(event.after)


def test_the_invitation_mail_goes_to_the_address_after_commit_with_the_link(
    staff, clinic, django_capture_on_commit_callbacks
):
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
            assert mail.outbox == []  # not before the commit
    finally:
        celery_app.conf.task_always_eager = False

    [message] = mail.outbox
    assert message.to == ["ada@clinic.org"]
    assert "Riverside Neuro Physio" in message.subject
    path = ACCEPT_LINK.search(message.body).group(1)
    assert path == f"/clinic-invitations/{token}/"
    [(html, _)] = message.alternatives
    assert path in html
    delivery = Delivery.objects.get()
    assert delivery.recipient is None and delivery.destination == "ada@clinic.org"
    assert token not in str(delivery.context)  # the ledger never holds the secret


def test_an_invitation_to_an_existing_account_is_mailed_to_that_account(staff, clinic):
    person = factories.UserFactory(email="ada@clinic.org")

    invitation_create(actor=staff, clinic=clinic, email="ADA@clinic.org")

    delivery = Delivery.objects.get()
    assert delivery.recipient == person and delivery.destination == ""


def test_inviting_again_replaces_the_open_invitation(staff, clinic):
    first, first_token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    second, second_token = invitation_create(actor=staff, clinic=clinic, email="Ada@clinic.org")

    first.refresh_from_db()
    assert first.revoked_at == NOW
    assert second.revoked_at is None and first_token != second_token
    assert Delivery.objects.count() == 2  # a new mail for the new link
    [revoked] = _events("clinic_invitation.revoke")
    assert revoked.target_id == str(first.public_id)
    assert revoked.reason == "Replaced by a new invitation."
    with pytest.raises(DomainError, match="withdrawn"):
        invitation_accept(actor=Actor.for_user(_invitee()), token=first_token)


def test_the_database_holds_one_open_invitation_per_address_and_clinic(staff, clinic):
    invitation, _ = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicInvitation.objects.create(
            clinic=clinic, email=invitation.email, token_sha256="0" * 64, expires_at=NOW
        )


def test_the_same_address_may_be_invited_to_two_clinics(staff, clinic):
    other = factories.ClinicFactory()
    invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitation_create(actor=staff, clinic=other, email="ada@clinic.org")

    assert ClinicInvitation.objects.filter(revoked_at__isnull=True).count() == 2


def test_an_admin_of_the_clinic_is_not_invited_again(staff, clinic):
    factories.ClinicMembershipFactory(clinic=clinic, user__email="ada@clinic.org")
    with pytest.raises(DomainError, match="already an admin") as refused:
        invitation_create(actor=staff, clinic=clinic, email="ADA@clinic.org")
    assert refused.value.field == "email"


def test_only_staff_invite(clinic_admin_user, clinic):
    with pytest.raises(DomainError, match="Only programme staff"):
        invitation_create(actor=Actor.for_user(clinic_admin_user), clinic=clinic, email="a@b.org")
    assert not ClinicInvitation.objects.exists()


def test_an_invitation_needs_an_address(staff, clinic):
    with pytest.raises(DomainError, match="Give the e-mail address"):
        invitation_create(actor=staff, clinic=clinic, email="  ")


def test_staff_revoke_an_invitation_and_its_link_stops_working(staff, clinic):
    invitation, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")

    invitation_revoke(actor=staff, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.revoked_at == NOW
    assert _events("clinic_invitation.revoke")[0].reason == ""
    with pytest.raises(DomainError, match="withdrawn by programme staff"):
        invitation_accept(actor=Actor.for_user(_invitee()), token=token)
    with pytest.raises(DomainError, match="revoked already"):
        invitation_revoke(actor=staff, invitation=invitation)


def test_an_accepted_invitation_cannot_be_revoked(staff, clinic):
    invitation, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitation_accept(actor=Actor.for_user(_invitee()), token=token)

    with pytest.raises(DomainError, match="remove them from the clinic's admins"):
        invitation_revoke(actor=staff, invitation=invitation)


def test_only_staff_revoke(staff, clinic, clinic_admin_user):
    invitation, _ = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    with pytest.raises(DomainError, match="Only programme staff"):
        invitation_revoke(actor=Actor.for_user(clinic_admin_user), invitation=invitation)


def _invitee(email="ada@clinic.org", *, verified=True):
    user = factories.UserFactory(email=email, verified_email=False)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def test_the_invited_person_accepts_and_becomes_an_admin_of_the_clinic(staff, clinic):
    invitation, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = _invitee("Ada@Clinic.org")

    membership = invitation_accept(actor=Actor.for_user(invitee), token=token)

    assert (membership.clinic, membership.user) == (clinic, invitee)
    invitation.refresh_from_db()
    assert invitation.accepted_at == NOW and invitation.accepted_by == invitee
    [event] = _events("clinic_invitation.accept")
    assert event.actor == invitee and event.after["membership"] == "created"


def test_an_invitation_is_used_once(staff, clinic):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = _invitee()
    invitation_accept(actor=Actor.for_user(invitee), token=token)

    with pytest.raises(DomainError, match="used already"):
        invitation_accept(actor=Actor.for_user(invitee), token=token)
    assert ClinicMembership.objects.filter(clinic=clinic).count() == 1


def test_an_expired_invitation_cannot_be_accepted(staff, clinic):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = _invitee()

    with time_machine.travel(NOW + INVITATION_VALID_FOR, tick=False):
        with pytest.raises(DomainError, match="expired"):
            invitation_accept(actor=Actor.for_user(invitee), token=token)
    with time_machine.travel(NOW + INVITATION_VALID_FOR - dt.timedelta(seconds=1), tick=False):
        invitation_accept(actor=Actor.for_user(invitee), token=token)


def test_another_account_cannot_accept(staff, clinic, trainer_user):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")

    with pytest.raises(DomainError, match="This invitation is for ada@clinic.org"):
        invitation_accept(actor=Actor.for_user(trainer_user), token=token)
    assert not ClinicMembership.objects.filter(clinic=clinic).exists()


def test_an_unverified_address_cannot_accept(staff, clinic):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    unverified = _invitee(verified=False)

    with pytest.raises(DomainError, match="This invitation is for"):
        invitation_accept(actor=Actor.for_user(unverified), token=token)


def test_a_verified_second_address_of_the_account_may_accept(staff, clinic, trainer_user):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    EmailAddress.objects.create(user=trainer_user, email="ada@clinic.org", verified=True)

    membership = invitation_accept(actor=Actor.for_user(trainer_user), token=token)

    assert membership.user == trainer_user


def test_a_wrong_token_is_refused_plainly(staff, clinic):
    invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    with pytest.raises(DomainError, match="not valid"):
        invitation_accept(actor=Actor.for_user(_invitee()), token="not-the-token")
    assert invitation_by_token("not-the-token") is None


def test_an_admin_already_accepting_keeps_one_membership(staff, clinic):
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = _invitee()
    ClinicMembership.objects.create(clinic=clinic, user=invitee)  # added meanwhile (admin)

    invitation_accept(actor=Actor.for_user(invitee), token=token)

    assert ClinicMembership.objects.filter(clinic=clinic, user=invitee).count() == 1
    assert _events("clinic_invitation.accept")[0].after["membership"] == "already an admin"


def test_only_an_open_invitation_makes_a_sign_up_a_clinic_admins(staff, clinic):
    invitation, _ = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")

    assert signs_up_as_clinic_admin("ADA@clinic.org")
    assert not signs_up_as_clinic_admin("someone@else.org")
    with time_machine.travel(NOW + INVITATION_VALID_FOR, tick=False):
        assert not signs_up_as_clinic_admin("ada@clinic.org")
    invitation_revoke(actor=staff, invitation=invitation)
    assert not signs_up_as_clinic_admin("ada@clinic.org")


# --- Memberships -----------------------------------------------------------------------------


def test_staff_remove_an_admin(staff, clinic_admin_user):
    membership = clinic_admin_user.clinic_memberships.get()

    membership_remove(actor=staff, membership=membership)

    assert not ClinicMembership.objects.filter(pk=membership.pk).exists()
    [event] = _events("clinic_membership.remove")
    assert event.target_id == str(membership.clinic.public_id)
    assert event.before == {"clinic": membership.clinic.name, "admin": clinic_admin_user.email}


def test_only_staff_remove_an_admin(clinic_admin_user, other_clinic_admin_user):
    membership = other_clinic_admin_user.clinic_memberships.get()
    with pytest.raises(DomainError, match="Only programme staff"):
        membership_remove(actor=Actor.for_user(clinic_admin_user), membership=membership)


def test_removing_an_admin_twice_says_so(staff, clinic_admin_user):
    membership = clinic_admin_user.clinic_memberships.get()
    membership_remove(actor=staff, membership=membership)
    with pytest.raises(DomainError, match="no longer an admin"):
        membership_remove(actor=staff, membership=membership)


# --- Sharing ---------------------------------------------------------------------------------


def test_a_trainer_shares_with_a_clinic_and_stops(trainer_user, clinic):
    trainer = trainer_user.trainer_profile
    actor = Actor.for_user(trainer_user)

    share = share_start(actor=actor, trainer=trainer, clinic=clinic)
    assert share.is_open and share.started_at == NOW
    [started] = _events("clinic_share.start")
    assert started.target_id == str(share.public_id)
    assert started.after["clinic"] == clinic.name

    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        share_stop(actor=actor, share=share)
    share.refresh_from_db()
    assert share.ended_at == NOW + dt.timedelta(days=3)
    assert _events("clinic_share.stop")[0].after["clinic"] == clinic.name


def test_sharing_again_opens_a_new_share_and_keeps_the_history(trainer_user, clinic):
    trainer, actor = trainer_user.trainer_profile, Actor.for_user(trainer_user)
    first = share_start(actor=actor, trainer=trainer, clinic=clinic)
    share_stop(actor=actor, share=first)

    second = share_start(actor=actor, trainer=trainer, clinic=clinic)

    assert second.pk != first.pk
    assert ClinicShare.objects.filter(trainer=trainer).count() == 2


def test_a_trainer_cannot_share_twice_with_one_clinic(trainer_user, clinic):
    trainer, actor = trainer_user.trainer_profile, Actor.for_user(trainer_user)
    share_start(actor=actor, trainer=trainer, clinic=clinic)

    with pytest.raises(DomainError, match="already share your record with Riverside"):
        share_start(actor=actor, trainer=trainer, clinic=clinic)
    assert len(_events("clinic_share.start")) == 1


def test_nobody_shares_or_stops_for_a_trainer(trainer_user, staff_user, other_trainer_user, clinic):
    trainer = trainer_user.trainer_profile
    for user in (staff_user, other_trainer_user):
        with pytest.raises(DomainError, match="Only the trainer can share"):
            share_start(actor=Actor.for_user(user), trainer=trainer, clinic=clinic)
    share = share_start(actor=Actor.for_user(trainer_user), trainer=trainer, clinic=clinic)
    for user in (staff_user, other_trainer_user):
        with pytest.raises(DomainError, match="Only the trainer can stop sharing"):
            share_stop(actor=Actor.for_user(user), share=share)


def test_stopping_twice_says_so(trainer_user, clinic):
    trainer, actor = trainer_user.trainer_profile, Actor.for_user(trainer_user)
    share = share_start(actor=actor, trainer=trainer, clinic=clinic)
    share_stop(actor=actor, share=share)
    stale = ClinicShare.objects.get(pk=share.pk)
    stale.ended_at = None  # a page loaded before the stop

    with pytest.raises(DomainError, match="stopped sharing with Riverside Neuro Physio already"):
        share_stop(actor=actor, share=stale)


# --- Races (PostgreSQL: row locks and constraints across connections) ------------------------


def _frozen():
    return time_machine.travel(NOW, tick=False)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_shares_with_one_clinic_at_once_leave_one_open():
    trainer = factories.TrainerProfileFactory()
    clinic = factories.ClinicFactory()
    actor = Actor.for_user(trainer.user)

    outcomes = race(
        lambda: share_start(actor=actor, trainer=trainer, clinic=clinic),
        lambda: share_start(actor=actor, trainer=trainer, clinic=clinic),
        around=_frozen,
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    assert ClinicShare.objects.filter(trainer=trainer, ended_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="clinic_share.start").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_stops_at_once_stop_once():
    trainer = factories.TrainerProfileFactory()
    actor = Actor.for_user(trainer.user)
    share = share_start(actor=actor, trainer=trainer, clinic=factories.ClinicFactory())

    outcomes = race(
        lambda: share_stop(actor=actor, share=ClinicShare.objects.get(pk=share.pk)),
        lambda: share_stop(actor=actor, share=ClinicShare.objects.get(pk=share.pk)),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    assert AuditEvent.objects.filter(action="clinic_share.stop").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_invitations_of_one_address_at_once_leave_one_open():
    staff = Actor.for_user(factories.UserFactory(is_staff=True))
    clinic = factories.ClinicFactory()

    outcomes = race(
        lambda: invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org"),
        lambda: invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org"),
        around=_frozen,
    )

    assert outcomes == [None, None]  # the second replaced the first, in turn
    open_ones = ClinicInvitation.objects.filter(revoked_at__isnull=True)
    assert open_ones.count() == 1
    assert ClinicInvitation.objects.count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_invitation_accepted_twice_at_once_makes_one_membership():
    staff = Actor.for_user(factories.UserFactory(is_staff=True))
    clinic = factories.ClinicFactory()
    _, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = Actor.for_user(_invitee())

    outcomes = race(
        lambda: invitation_accept(actor=invitee, token=token),
        lambda: invitation_accept(actor=invitee, token=token),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    assert "used already" in errors[0].message
    assert ClinicMembership.objects.filter(clinic=clinic).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_revocation_racing_an_acceptance_leaves_one_outcome():
    staff = Actor.for_user(factories.UserFactory(is_staff=True))
    clinic = factories.ClinicFactory()
    invitation, token = invitation_create(actor=staff, clinic=clinic, email="ada@clinic.org")
    invitee = Actor.for_user(_invitee())

    outcomes = race(
        lambda: invitation_accept(actor=invitee, token=token),
        lambda: invitation_revoke(actor=staff, invitation=invitation),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    invitation.refresh_from_db()
    accepted = invitation.accepted_at is not None
    assert accepted != (invitation.revoked_at is not None)
    assert ClinicMembership.objects.filter(clinic=clinic).exists() == accepted
