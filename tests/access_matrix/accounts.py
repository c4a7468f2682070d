"""A sample of allauth's pages, as our users meet them (the rest are excluded in
tests/test_access_matrix.py: allauth's own test suite covers its views).

Signing in, signing up and resetting a password are open to anyone; a signed-in user who
opens the login or signup page is sent on to the dashboard (302). Account settings need a
login. Privileged personas have TOTP, so the MFA requirement lets them through.

The claim page of an imported trainer is open to anyone: the key in its link is the proof.
With a wrong key everyone sees the same "this link no longer works" page.
"""

from tests.access_matrix import LOGIN, AccessCase

SIGNED_IN = (
    "trainer",
    "other_trainer",
    "mentor",
    "unassigned_mentor",
    "clinic_admin",
    "other_clinic_admin",
    "staff",
)
ENTRANCE = {"anonymous": 200, **dict.fromkeys(SIGNED_IN, 302)}
OPEN = {"anonymous": 200, **dict.fromkeys(SIGNED_IN, 200)}
ACCOUNT = {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 200)}

CASES = [
    AccessCase("account_login", ENTRANCE),
    AccessCase("account_signup", ENTRANCE),
    AccessCase("account_reset_password", OPEN),
    AccessCase("account_email", ACCOUNT),
    AccessCase("account_change_password", ACCOUNT),
    AccessCase("mfa_index", ACCOUNT),
    AccessCase("usersessions_list", ACCOUNT),
    AccessCase(
        "trainers:account_claim",
        OPEN,
        kwargs=lambda users: {"uidb36": "1", "key": "not-a-valid-key"},
    ),
]
