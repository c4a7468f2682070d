"""The clinic admins' API token pages, and the routes of the API at /api/v1/.

Token pages: a clinic's admins only; the admin of another clinic gets 404 (the clinic is not
revealed), every other role 403 by role. The API reads no session: whoever is signed in, a
call without a token is 401 (its own tests, tests/programme/test_api*.py, cover tokens: none,
malformed, unknown, revoked, another clinic's, a trainer who stopped sharing). Its schema and
docs are public.
"""

from tests.access_matrix import LOGIN, AccessCase


def _clinic(users: dict) -> dict:
    return {"clinic_id": users["clinic_admin"].clinic_memberships.get().clinic.public_id}


def _token(users: dict) -> dict:
    from programme.api.tokens import api_token_create
    from rehabpath.audit import Actor

    admin = users["clinic_admin"]
    clinic = admin.clinic_memberships.get().clinic
    token, _ = api_token_create(actor=Actor.for_user(admin), clinic=clinic, name="Rota")
    return {"clinic_id": clinic.public_id, "token_id": token.public_id}


def _trainer(users: dict) -> dict:
    return {"public_id": users["trainer"].trainer_profile.public_id}


def _clinic_admins(admin: int, *, other: int = 404) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        "trainer": 403,
        "other_trainer": 403,
        "mentor": 403,
        "unassigned_mentor": 403,
        "clinic_admin": admin,
        "other_clinic_admin": other,
        "staff": 403,
    }


def _everyone(status: int) -> dict[str, int]:
    return {
        "anonymous": status,
        "trainer": status,
        "other_trainer": status,
        "mentor": status,
        "unassigned_mentor": status,
        "clinic_admin": status,
        "other_clinic_admin": status,
        "staff": status,
    }


CASES = [
    # One clinic: straight on to its tokens page.
    AccessCase("programme:api_token_clinics", _clinic_admins(302, other=302)),
    AccessCase("programme:api_tokens", _clinic_admins(200), kwargs=_clinic),
    # Creating renders the page with the new secret (200), never a redirect.
    AccessCase(
        "programme:api_tokens",
        _clinic_admins(200),
        kwargs=_clinic,
        method="post",
        data={"name": "Rota system"},
    ),
    AccessCase("programme:api_token_revoke", _clinic_admins(200), kwargs=_token),
    AccessCase("programme:api_token_revoke", _clinic_admins(302), kwargs=_token, method="post"),
    # The API: a session is no authentication there.
    AccessCase("api_v1:list_areas", _everyone(401)),
    AccessCase("api_v1:list_trainers", _everyone(401)),
    AccessCase("api_v1:trainer_eligibility", _everyone(401), kwargs=_trainer),
    AccessCase("api_v1:openapi-json", _everyone(200)),
    AccessCase("api_v1:openapi-view", _everyone(200)),
    AccessCase("api_v1:api-root", _everyone(404)),
    AccessCase("api_v1:api_not_found", _everyone(404), kwargs=lambda users: {"path": "nowhere"}),
]
