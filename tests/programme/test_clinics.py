"""The clinic pages: staff's clinics and admins, the invitation page, a trainer's sharing and
a clinic admin's clinics (programme.clinics)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from rehabpath.models import AuditEvent, User
from tests import factories
from trainers.clinics import invitation_by_token
from trainers.models import (
    Clinic,
    ClinicInvitation,
    ClinicMembership,
    ClinicShare,
    TrainerProfile,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory(name="Riverside Neuro Physio", city="Bristol")


def _html(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Programme staff -------------------------------------------------------------------------


def test_staff_see_every_clinic_with_its_admins_and_trainers_sharing(client_for, staff_user):
    riverside = factories.ClinicFactory(name="Riverside Neuro Physio")
    factories.ClinicMembershipFactory.create_batch(2, clinic=riverside)
    factories.ClinicShareFactory.create_batch(3, clinic=riverside)
    factories.ClinicShareFactory(clinic=riverside, ended_at=NOW)  # stopped: not counted
    factories.ClinicFactory(name="Hill Stroke Unit")

    response = client_for(staff_user).get(reverse("programme:clinics"))

    rows = {c.name: (c.admin_count, c.shared_count) for c in response.context["clinics"]}
    assert rows == {"Riverside Neuro Physio": (2, 3), "Hill Stroke Unit": (0, 0)}
    assert "None yet" in _html(response)


def _populate_clinics(count: int) -> None:
    for _ in range(count):
        clinic = factories.ClinicFactory()
        factories.ClinicMembershipFactory(clinic=clinic)
        factories.ClinicShareFactory(clinic=clinic)


# the user (with roles and second factor: rehabpath.auth); the clinics with both counts.
QUERIES_CLINIC_LIST = 2


@pytest.mark.parametrize("count", [2, 25])
def test_the_clinic_list_query_count_does_not_grow(
    client_for, staff_user, count, django_assert_num_queries
):
    _populate_clinics(count)
    client = client_for(staff_user)
    client.get(reverse("programme:clinics"))
    with django_assert_num_queries(QUERIES_CLINIC_LIST):
        response = client.get(reverse("programme:clinics"))
    assert len(response.context["clinics"]) == count


def test_staff_add_a_clinic_and_land_on_its_page(client_for, staff_user):
    response = client_for(staff_user).post(
        reverse("programme:clinic_new"), {"name": "Hill Stroke Unit", "city": "Leeds"}, follow=True
    )

    clinic = Clinic.objects.get(name="Hill Stroke Unit")
    assert response.redirect_chain[-1][0] == reverse(
        "programme:clinic_detail", args=[clinic.public_id]
    )
    assert "Hill Stroke Unit is added" in _html(response)


def test_a_clinic_with_a_taken_name_comes_back_with_the_error(client_for, staff_user, clinic):
    response = client_for(staff_user).post(
        reverse("programme:clinic_new"), {"name": "RIVERSIDE neuro physio", "city": ""}
    )

    assert response.status_code == 200
    assert "There is already a clinic called" in _html(response)
    assert Clinic.objects.count() == 1


def test_staff_change_a_clinics_details(client_for, staff_user, clinic):
    url = reverse("programme:clinic_edit", args=[clinic.public_id])
    client = client_for(staff_user)
    assert 'value="Riverside Neuro Physio"' in _html(client.get(url))

    client.post(url, {"name": "Riverside Neuro", "city": "Bath"})

    clinic.refresh_from_db()
    assert (clinic.name, clinic.city) == ("Riverside Neuro", "Bath")


def test_the_clinic_page_lists_admins_and_open_invitations(client_for, staff_user, clinic):
    factories.ClinicMembershipFactory(clinic=clinic, user__name="Ada Admin")
    factories.ClinicInvitationFactory(clinic=clinic, email="open@clinic.org")
    factories.ClinicInvitationFactory(
        clinic=clinic, email="lapsed@clinic.org", expires_at=NOW - dt.timedelta(days=1)
    )
    factories.ClinicInvitationFactory(clinic=clinic, email="gone@clinic.org", revoked_at=NOW)
    factories.ClinicInvitationFactory(clinic=clinic, email="used@clinic.org", accepted_at=NOW)

    html = _html(
        client_for(staff_user).get(reverse("programme:clinic_detail", args=[clinic.public_id]))
    )

    assert "Ada Admin" in html
    assert "open@clinic.org" in html and "lapsed@clinic.org" in html
    assert "Expired</span> 26 Nov 2026" in html
    assert "gone@clinic.org" not in html and "used@clinic.org" not in html


def test_an_unknown_clinic_is_a_404_for_staff(client_for, staff_user):
    import uuid

    url = reverse("programme:clinic_detail", args=[uuid.uuid4()])
    assert client_for(staff_user).get(url).status_code == 404


def test_staff_invite_an_admin_by_e_mail(
    client_for, staff_user, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = client_for(staff_user).post(
            reverse("programme:clinic_invite", args=[clinic.public_id]),
            {"email": "Ada@Clinic.org"},
            follow=True,
        )

    invitation = ClinicInvitation.objects.get()
    assert invitation.email == "ada@clinic.org"
    assert "We have e-mailed an invitation to ada@clinic.org" in _messages(response)[0]
    assert "11 December 2026" in _messages(response)[0]


def test_an_invalid_address_comes_back_on_the_clinic_page(client_for, staff_user, clinic):
    response = client_for(staff_user).post(
        reverse("programme:clinic_invite", args=[clinic.public_id]), {"email": "not an address"}
    )

    assert response.status_code == 200
    assert "Enter an e-mail address like" in _html(response)
    assert not ClinicInvitation.objects.exists()


def test_inviting_an_admin_again_says_so(client_for, staff_user, clinic):
    factories.ClinicMembershipFactory(clinic=clinic, user__email="ada@clinic.org")

    response = client_for(staff_user).post(
        reverse("programme:clinic_invite", args=[clinic.public_id]), {"email": "ada@clinic.org"}
    )

    assert "ada@clinic.org is already an admin of Riverside Neuro Physio" in _html(response)


def test_staff_revoke_an_invitation(client_for, staff_user, clinic):
    invitation = factories.ClinicInvitationFactory(clinic=clinic, email="ada@clinic.org")

    response = client_for(staff_user).post(
        reverse("programme:invitation_revoke", args=[invitation.public_id]), follow=True
    )

    invitation.refresh_from_db()
    assert invitation.revoked_at == NOW
    assert "The invitation of ada@clinic.org is revoked." in _messages(response)
    again = client_for(staff_user).post(
        reverse("programme:invitation_revoke", args=[invitation.public_id]), follow=True
    )
    assert "revoked already" in _messages(again)[0]


def test_staff_remove_an_admin(client_for, staff_user, clinic_admin_user):
    membership = clinic_admin_user.clinic_memberships.get()
    url = reverse(
        "programme:membership_remove",
        args=[membership.clinic.public_id, clinic_admin_user.public_id],
    )

    response = client_for(staff_user).post(url, follow=True)

    assert not ClinicMembership.objects.filter(pk=membership.pk).exists()
    assert "is no longer an admin of" in _messages(response)[0]
    assert client_for(staff_user).post(url).status_code == 404


def test_an_admin_is_removed_only_from_the_clinic_named(client_for, staff_user, clinic_admin_user):
    other = factories.ClinicFactory()
    url = reverse(
        "programme:membership_remove", args=[other.public_id, clinic_admin_user.public_id]
    )

    assert client_for(staff_user).post(url).status_code == 404
    assert clinic_admin_user.clinic_memberships.exists()


def test_staff_see_clinics_in_the_navigation(client_for, staff_user):
    html = _html(client_for(staff_user).get(reverse("programme:clinics")))
    assert f'<a href="{reverse("programme:clinics")}" aria-current="page">Clinics</a>' in html


# --- The invitation page ---------------------------------------------------------------------


def _invite(clinic, email="ada@clinic.org", **fields):
    inviter = factories.UserFactory(name="Sam Staff", is_staff=True)
    return factories.invitation_with_token(clinic=clinic, email=email, invited_by=inviter, **fields)


def _accept_url(token: str) -> str:
    return reverse("programme:invitation_accept", args=[token])


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(_accept_url("no-such-token")).status_code == 404


def test_anonymous_read_who_invited_them_and_where_to_sign_in(client, clinic):
    _, token = _invite(clinic)

    html = _html(client.get(_accept_url(token)))

    assert 'Sam Staff invited <strong class="break">ada@clinic.org</strong>' in html
    assert "Riverside Neuro Physio" in html and "in Bristol" in html
    next_param = f"?next={_accept_url(token)}"
    assert f'href="{reverse("account_signup")}{next_param}"' in html
    assert f'href="{reverse("account_login")}{next_param}"' in html


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"revoked_at": NOW}, "withdrawn by programme staff"),
        ({"accepted_at": NOW}, "has been used already"),
        ({"expires_at": NOW}, "has expired: invitations last 14 days"),
    ],
)
def test_a_dead_invitation_says_why(client_for, clinic, fields, words):
    _, token = _invite(clinic, **fields)
    invitee = factories.UserFactory(email="ada@clinic.org")

    for user in (None, invitee):
        html = _html(client_for(user).get(_accept_url(token)))
        assert words in html
        assert "Accept the invitation" not in html


def test_the_wrong_account_is_told_which_address_to_use(client_for, clinic, trainer_user):
    _, token = _invite(clinic)
    client = client_for(trainer_user)

    html = _html(client.get(_accept_url(token)))
    assert "This invitation is for ada@clinic.org, and you are signed in with another" in html
    assert "Accept the invitation" not in html

    refused = client.post(_accept_url(token))
    assert refused.status_code == 403
    assert "This invitation is for ada@clinic.org" in _html(refused)
    assert not ClinicMembership.objects.filter(user=trainer_user).exists()


def test_the_invited_account_accepts_and_must_set_up_a_second_factor(client_for, clinic):
    _, token = _invite(clinic)
    invitee = factories.UserFactory(email="ada@clinic.org")
    client = client_for(invitee)
    assert "Accept the invitation" in _html(client.get(_accept_url(token)))

    response = client.post(_accept_url(token))

    assert response["Location"] == reverse("programme:clinic_home")
    assert ClinicMembership.objects.filter(clinic=clinic, user=invitee).exists()
    # A clinic admin now: without a second factor, the app sends them to set one up.
    onward = client.get(response["Location"])
    assert onward.status_code == 302 and onward["Location"] == reverse("mfa_index")


def test_an_invitee_with_a_second_factor_lands_on_their_clinic(client_for, clinic):
    _, token = _invite(clinic)
    invitee = factories.UserFactory(email="ada@clinic.org")
    factories.add_totp(invitee)

    response = client_for(invitee).post(_accept_url(token), follow=True)

    assert response.redirect_chain[-1][0] == reverse("programme:clinic_home")
    assert "You are now an admin of Riverside Neuro Physio." in _messages(response)
    assert [c.name for c in response.context["clinics"]] == ["Riverside Neuro Physio"]


def test_anonymous_posting_the_invitation_go_to_the_login_and_back(client, clinic):
    _, token = _invite(clinic)

    response = client.post(_accept_url(token))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" + _accept_url(token) in response["Location"]


SIGNUP_PASSWORD = "a-long-and-new-passphrase-42"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)")


def test_the_invited_sign_up_confirm_their_address_accept_and_set_up_mfa(
    client, clinic, django_capture_on_commit_callbacks
):
    """The whole way in for someone without an account, as the invitation mail leads them."""
    _, token = _invite(clinic)
    page = _accept_url(token)

    # The invitation page sends them to the sign-up form, which brings them back.
    signup = reverse("account_signup") + "?next=" + page
    assert client.get(signup).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            signup,
            {
                "name": "Ada Lovelace",
                "email": "ada@clinic.org",
                "password1": SIGNUP_PASSWORD,
                "password2": SIGNUP_PASSWORD,
                "next": page,
            },
        )
    assert sent.status_code == 302
    assert sent["Location"] == reverse("account_email_verification_sent")
    # Not a trainer: they came for the clinic (trainers.adapters).
    user = User.objects.get(email="ada@clinic.org")
    assert not TrainerProfile.objects.filter(user=user).exists()

    # The confirmation mail; confirming signs them in and brings them back to the invitation.
    [message] = [m for m in mail.outbox if "ada@clinic.org" in m.to]
    confirm = CONFIRM_LINK.search(message.body).group(1)
    assert client.get(confirm).status_code == 200
    confirmed = client.post(confirm)
    assert confirmed.status_code == 302 and confirmed["Location"] == page

    invitation_page = client.get(page)
    assert "Accept the invitation" in _html(invitation_page)
    accepted = client.post(page)
    assert accepted["Location"] == reverse("programme:clinic_home")
    assert invitation_by_token(token).accepted_by == user

    # The clinic is theirs once a second factor is set up: the app asks for one first.
    onward = client.get(reverse("programme:clinic_home"))
    assert onward.status_code == 302 and onward["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    factories.add_totp(user)
    home = client.get(reverse("programme:clinic_home"))
    assert home.status_code == 200
    assert "Riverside Neuro Physio" in _html(home)
    assert AuditEvent.objects.filter(action="clinic_invitation.accept", actor=user).exists()


def test_an_ordinary_sign_up_is_a_trainer(client, db):
    client.post(
        reverse("account_signup"),
        {
            "name": "Tia Trainer",
            "email": "tia@example.org",
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
        },
    )

    assert TrainerProfile.objects.filter(user__email="tia@example.org").exists()


# --- Trainers: sharing -----------------------------------------------------------------------


def test_a_trainer_shares_with_a_clinic_and_stops(client_for, trainer_user, clinic):
    client = client_for(trainer_user)
    page = client.get(reverse("programme:sharing"))
    html = _html(page)
    assert "No clinic sees your record." in html
    assert "Riverside Neuro Physio, Bristol" in html  # a choice
    assert "Never</strong> your reflections, your supervised-session notes or your evidence" in html

    shared = client.post(
        reverse("programme:sharing"), {"clinic": str(clinic.public_id)}, follow=True
    )
    assert "You now share your record with Riverside Neuro Physio." in _messages(shared)
    share = ClinicShare.objects.get(trainer=trainer_user.trainer_profile)
    assert share.is_open
    html = _html(shared)
    assert "since 27 Nov 2026" in html
    assert "Riverside Neuro Physio, Bristol" not in html  # no longer a choice

    stopped = client.post(reverse("programme:share_stop", args=[share.public_id]), follow=True)
    share.refresh_from_db()
    assert share.ended_at == NOW
    assert "You no longer share your record with Riverside Neuro Physio" in _messages(stopped)[0]
    assert "Sharing now" not in _html(stopped)


def test_sharing_without_choosing_says_what_to_do(client_for, trainer_user, clinic):
    response = client_for(trainer_user).post(reverse("programme:sharing"), {"clinic": ""})

    assert "Choose the clinic to share your record with." in _html(response)
    assert not ClinicShare.objects.exists()


def test_a_clinic_already_shared_with_is_not_a_choice(client_for, trainer_user, clinic):
    factories.ClinicShareFactory(trainer=trainer_user.trainer_profile, clinic=clinic)
    client = client_for(trainer_user)
    assert "Riverside Neuro Physio, Bristol" not in _html(client.get(reverse("programme:sharing")))

    # A page loaded before sharing posts it again: the service says so.
    response = client.post(
        reverse("programme:sharing"), {"clinic": str(clinic.public_id)}, follow=True
    )

    assert "You already share your record with Riverside Neuro Physio." in _messages(response)
    assert ClinicShare.objects.count() == 1


def test_an_unknown_clinic_is_not_shared_with(client_for, trainer_user, clinic):
    import uuid

    response = client_for(trainer_user).post(
        reverse("programme:sharing"), {"clinic": str(uuid.uuid4())}
    )

    assert "Choose one of the clinics in the list." in _html(response)
    assert not ClinicShare.objects.exists()


def test_another_trainers_share_is_a_404(client_for, trainer_user, other_trainer_user, clinic):
    share = factories.ClinicShareFactory(trainer=trainer_user.trainer_profile, clinic=clinic)

    response = client_for(other_trainer_user).post(
        reverse("programme:share_stop", args=[share.public_id])
    )

    assert response.status_code == 404
    share.refresh_from_db()
    assert share.is_open


def test_stopping_a_stopped_share_says_so(client_for, trainer_user, clinic):
    share = factories.ClinicShareFactory(
        trainer=trainer_user.trainer_profile, clinic=clinic, ended_at=NOW
    )

    response = client_for(trainer_user).post(
        reverse("programme:share_stop", args=[share.public_id]), follow=True
    )

    assert "You stopped sharing with Riverside Neuro Physio already." in _messages(response)


def test_the_history_shows_every_share_newest_first(client_for, trainer_user, clinic):
    trainer = trainer_user.trainer_profile
    factories.ClinicShareFactory(
        trainer=trainer,
        clinic=clinic,
        started_at=NOW - dt.timedelta(days=60),
        ended_at=NOW - dt.timedelta(days=30),
    )
    factories.ClinicShareFactory(
        trainer=trainer, clinic=clinic, started_at=NOW - dt.timedelta(days=2)
    )

    response = client_for(trainer_user).get(reverse("programme:sharing"))

    history = response.context["sharing"].history
    assert [s.ended_at for s in history] == [None, NOW - dt.timedelta(days=30)]
    html = _html(response)
    assert "28 Sep 2026" in html and "28 Oct 2026" in html


def _populate_shares(trainer, count: int) -> None:
    for index in range(count):
        clinic = factories.ClinicFactory()
        factories.ClinicShareFactory(
            trainer=trainer, clinic=clinic, ended_at=NOW if index % 2 else None
        )
    factories.ClinicFactory.create_batch(count)  # clinics to choose from


# the user (with roles and second factor: rehabpath.auth); the shares with their clinics; the
# clinics to choose from.
QUERIES_SHARING = 3


@pytest.mark.parametrize("count", [2, 20])
def test_the_sharing_page_query_count_does_not_grow(
    client_for, trainer_user, count, django_assert_num_queries
):
    _populate_shares(trainer_user.trainer_profile, count)
    client = client_for(trainer_user)
    client.get(reverse("programme:sharing"))
    with django_assert_num_queries(QUERIES_SHARING):
        response = client.get(reverse("programme:sharing"))
    assert len(response.context["sharing"].history) == count


def test_trainers_see_sharing_in_the_navigation(client_for, trainer_user):
    html = _html(client_for(trainer_user).get(reverse("programme:sharing")))
    assert f'<a href="{reverse("programme:sharing")}" aria-current="page">Sharing</a>' in html


# --- Clinic admins ---------------------------------------------------------------------------


def test_a_clinic_admin_sees_their_clinics_and_no_other(
    client_for, clinic_admin_user, other_clinic_admin_user
):
    mine = clinic_admin_user.clinic_memberships.get().clinic
    theirs = other_clinic_admin_user.clinic_memberships.get().clinic
    factories.ClinicShareFactory.create_batch(2, clinic=mine)
    factories.ClinicShareFactory(clinic=mine, ended_at=NOW)
    factories.ClinicShareFactory(clinic=theirs)

    response = client_for(clinic_admin_user).get(reverse("programme:clinic_home"))

    assert [(c.name, c.shared_count) for c in response.context["clinics"]] == [(mine.name, 2)]
    html = _html(response)
    assert theirs.name not in html
    assert "<strong>2</strong> trainers sharing their record" in html
    nav = f'<a href="{reverse("programme:clinic_home")}" aria-current="page">Clinic</a>'
    assert nav in html
    assert reverse("programme:api_tokens", kwargs={"clinic_id": mine.public_id}) in html
    assert reverse("programme:api_tokens", kwargs={"clinic_id": theirs.public_id}) not in html
    assert reverse("programme:roster", kwargs={"clinic_id": mine.public_id}) in html


def test_the_clinic_admin_panel_shows_their_clinics_and_shared_counts(
    client_for, clinic_admin_user, other_clinic_admin_user
):
    mine = clinic_admin_user.clinic_memberships.get().clinic
    factories.ClinicShareFactory.create_batch(3, clinic=mine)
    theirs = other_clinic_admin_user.clinic_memberships.get().clinic

    html = _html(client_for(clinic_admin_user).get(reverse("home")))

    assert mine.name in html and "3 trainers sharing" in html
    assert reverse("programme:roster", kwargs={"clinic_id": mine.public_id}) in html
    assert theirs.name not in html
    assert reverse("programme:clinic_home") in html


# --- The admin: shares and invitations, read-only --------------------------------------------


def test_staff_read_shares_and_invitations_in_the_admin_and_change_nothing(
    client_for, staff_user, clinic
):
    share = factories.ClinicShareFactory(clinic=clinic)
    invitation = factories.ClinicInvitationFactory(clinic=clinic, email="ada@clinic.org")
    client = client_for(staff_user)

    shares = client.get(reverse("admin:trainers_clinicshare_changelist"))
    invitations = client.get(reverse("admin:trainers_clinicinvitation_changelist"))

    assert shares.status_code == invitations.status_code == 200
    assert "ada@clinic.org" in _html(invitations)
    detail = client.get(reverse("admin:trainers_clinicinvitation_change", args=[invitation.pk]))
    assert detail.status_code == 200 and invitation.token_sha256 not in _html(detail)
    assert client.get(reverse("admin:trainers_clinicshare_add")).status_code == 403
    assert (
        client.post(reverse("admin:trainers_clinicshare_delete", args=[share.pk])).status_code
        == 403
    )


def test_the_trainer_dashboard_links_to_sharing(client_for, trainer_user):
    html = _html(client_for(trainer_user).get(reverse("home")))
    assert f'<a href="{reverse("programme:sharing")}">choose which clinics</a>' in html


def test_only_the_most_specific_navigation_item_is_current(client_for, clinic_admin_user):
    # With two clinics, "Integrations" (API tokens) is a page of its own under /clinic/.
    factories.ClinicMembershipFactory(user=clinic_admin_user)

    html = _html(client_for(clinic_admin_user).get(reverse("programme:api_token_clinics")))

    assert html.count('aria-current="page"') == 1
    assert 'aria-current="page">Integrations</a>' in html
