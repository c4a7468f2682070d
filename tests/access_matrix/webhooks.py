"""Clinic webhooks: the clinic's admins only.

The admin of another clinic gets 404 (neither the clinic nor its endpoints are revealed);
every other role 403 by role; anonymous goes to the login. Adding an endpoint renders the
page with its secret (200); sending a test, resending, deleting redirect (302).
"""

from tests.access_matrix import LOGIN, AccessCase


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


def _clinic(users: dict) -> dict:
    return {"clinic_id": users["clinic_admin"].clinic_memberships.get().clinic.public_id}


def _endpoint(users: dict) -> dict:
    from programme.models import WebhookEndpoint
    from programme.webhooks.services import new_secret

    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    endpoint = WebhookEndpoint.objects.create(
        clinic=clinic,
        url="https://hooks.example.com/rehabpath",
        events=["trainer.suspended"],
        secret=new_secret(),
    )
    return {"clinic_id": clinic.public_id, "endpoint_id": endpoint.public_id}


def _delivery(users: dict) -> dict:
    from programme.webhooks.services import deliveries_of, webhook_emit

    kwargs = _endpoint(users)
    clinic = users["clinic_admin"].clinic_memberships.get().clinic
    webhook_emit(
        clinic_ids=[clinic.pk],
        event="trainer.suspended",
        subject_key="trainer:x",
        milestone="suspended",
        payload={},
    )
    from programme.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.get(public_id=kwargs["endpoint_id"])
    return {**kwargs, "delivery_id": deliveries_of(endpoint).get().public_id}


CASES = [
    AccessCase("programme:webhooks", _clinic_admins(200), kwargs=_clinic),
    AccessCase(
        "programme:webhooks",
        _clinic_admins(200),
        kwargs=_clinic,
        method="post",
        data={"url": "https://hooks.example.com/x", "events": ["trainer.suspended"]},
    ),
    AccessCase("programme:webhook_endpoint", _clinic_admins(200), kwargs=_endpoint),
    # An incomplete form: the page again, with its errors.
    AccessCase("programme:webhook_endpoint", _clinic_admins(200), kwargs=_endpoint, method="post"),
    AccessCase("programme:webhook_rotate", _clinic_admins(200), kwargs=_endpoint),
    AccessCase("programme:webhook_rotate", _clinic_admins(200), kwargs=_endpoint, method="post"),
    AccessCase("programme:webhook_delete", _clinic_admins(200), kwargs=_endpoint),
    AccessCase("programme:webhook_delete", _clinic_admins(302), kwargs=_endpoint, method="post"),
    AccessCase("programme:webhook_test", _clinic_admins(302), kwargs=_endpoint, method="post"),
    AccessCase("programme:webhook_delivery", _clinic_admins(200), kwargs=_delivery),
    AccessCase("programme:webhook_resend", _clinic_admins(302), kwargs=_delivery, method="post"),
]
