"""Runs the records cases of the access matrix (tests/access_matrix/records.py).

The project-wide walk over every URL lives in tests/test_access_matrix.py; this runs the
records area on its own, one test per (case, persona), so a failure names both.
"""

import pytest
from django.urls import reverse

from tests.access_matrix import PERSONAS
from tests.access_matrix.records import CASES

RECORD_URL_NAMES = {
    "trainers:records",
    "trainers:insurance_add",
    "trainers:insurance_detail",
    "trainers:insurance_edit",
    "trainers:dbs_add",
    "trainers:dbs_detail",
    "trainers:dbs_edit",
    "trainers:record_evidence_add",
    "trainers:evidence_download",
    "trainers:evidence_remove",
    "trainers:verification_queue",
    "trainers:verification_review",
    "trainers:record_verify",
    "trainers:record_reject",
    "qualifications:qualification_add",
    "qualifications:qualification_detail",
    "qualifications:qualification_edit",
}


PERSONA_FIXTURES = {
    "trainer": "trainer_user",
    "other_trainer": "other_trainer_user",
    "mentor": "mentor_user",
    "clinic_admin": "clinic_admin_user",
    "staff": "staff_user",
}


class Personas(dict):
    """{persona: user}, each user made only when a case asks for it."""

    def __init__(self, request):
        super().__init__(anonymous=None)
        self.request = request

    def __missing__(self, persona):
        user = self.request.getfixturevalue(PERSONA_FIXTURES[persona])
        self[persona] = user
        return user


@pytest.fixture
def personas(request, db):
    return Personas(request)


def _case_id(case) -> str:
    return f"{case.method.upper()} {case.url_name}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_records_access(case, persona, personas, client_for):
    kwargs = case.kwargs(personas) if case.kwargs else None
    url = reverse(case.url_name, kwargs=kwargs)
    client = client_for(personas[persona])
    response = getattr(client, case.method)(url, case.data)
    assert response.status_code == case.expected[persona], (persona, url)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_every_records_url_has_a_case():
    assert {case.url_name for case in CASES} == RECORD_URL_NAMES
