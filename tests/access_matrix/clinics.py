"""Clinics: staff manage them; the invited accept; trainers share; clinic admins see theirs.

- The staff pages are for programme staff alone (403 for every other role, clinic admins
  included: an admin does not manage their own clinic's admins).
- The invitation page is reached with its token, the key: anyone holding the link reads it
  (200, anonymous too); accepting needs the account of the invited address. Everyone else is
  refused (403), anonymous goes to the login. An unknown token is a 404 (tests/programme).
- Sharing is the trainer's own: other roles 403; another trainer's share is a 404.
- /clinic/ lists the clinics the admin administers, and no other (tests/programme): the
  "other_clinic_admin" sees their own clinic there, never the clinic_admin's.
"""

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase

TRAINER_ONLY = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
CLINIC_ADMIN_ONLY = {
    **TRAINER_ONLY,
    "trainer": 403,
    "other_trainer": 403,
    "clinic_admin": 200,
    "other_clinic_admin": 200,
}
ANYONE_WITH_THE_LINK = dict.fromkeys(TRAINER_ONLY, 200)
# Accepting an invitation of an address no persona holds: refused for every account.
NOT_YOURS = {**dict.fromkeys(TRAINER_ONLY, 403), "anonymous": LOGIN}


def _clinic(users: dict) -> dict:
    return {"public_id": users["clinic_admin"].clinic_memberships.get().clinic.public_id}


def _invitation(users: dict) -> dict:
    from tests.factories import ClinicInvitationFactory

    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    return {"public_id": ClinicInvitationFactory.create(clinic=clinic).public_id}


def _membership(users: dict) -> dict:
    membership = users["clinic_admin"].clinic_memberships.get()
    return {"public_id": membership.clinic.public_id, "user_id": users["clinic_admin"].public_id}


def _token(users: dict) -> dict:
    from tests.factories import invitation_with_token

    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    return {"token": invitation_with_token(clinic=clinic, email="newcomer@example.org")[1]}


def _trainers_token(users: dict) -> dict:
    from tests.factories import invitation_with_token

    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    return {"token": invitation_with_token(clinic=clinic, email=users["trainer"].email)[1]}


def _share(users: dict) -> dict:
    from tests.factories import ClinicShareFactory

    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    share = ClinicShareFactory.create(trainer=users["trainer"].trainer_profile, clinic=clinic)
    return {"public_id": share.public_id}


CASES = [
    AccessCase("programme:clinics", STAFF_ONLY),
    AccessCase("programme:clinic_new", STAFF_ONLY),
    # Nothing filled in: the form comes back with its errors (200); nothing is added.
    AccessCase("programme:clinic_new", STAFF_ONLY, method="post"),
    AccessCase("programme:clinic_detail", STAFF_ONLY, kwargs=_clinic),
    AccessCase("programme:clinic_edit", STAFF_ONLY, kwargs=_clinic),
    AccessCase("programme:clinic_edit", STAFF_ONLY, kwargs=_clinic, method="post"),
    # No address: the clinic's page comes back with the error (200); nobody is invited.
    AccessCase("programme:clinic_invite", STAFF_ONLY, kwargs=_clinic, method="post"),
    AccessCase(
        "programme:invitation_revoke",
        {**STAFF_ONLY, "staff": 302},
        kwargs=_invitation,
        method="post",
    ),
    AccessCase(
        "programme:membership_remove",
        {**STAFF_ONLY, "staff": 302},
        kwargs=_membership,
        method="post",
    ),
    AccessCase("programme:invitation_accept", ANYONE_WITH_THE_LINK, kwargs=_token),
    AccessCase("programme:invitation_accept", NOT_YOURS, kwargs=_token, method="post"),
    # The invitation of the trainer's own address: they accept (302 to the clinic page).
    AccessCase(
        "programme:invitation_accept",
        {**NOT_YOURS, "trainer": 302},
        kwargs=_trainers_token,
        method="post",
    ),
    AccessCase("programme:sharing", TRAINER_ONLY),
    # No clinic chosen: the page comes back with the error (200); nothing is shared.
    AccessCase("programme:sharing", TRAINER_ONLY, method="post"),
    AccessCase(
        "programme:share_stop",
        {**TRAINER_ONLY, "trainer": 302, "other_trainer": 404},
        kwargs=_share,
        method="post",
    ),
    AccessCase("programme:clinic_home", CLINIC_ADMIN_ONLY),
]
