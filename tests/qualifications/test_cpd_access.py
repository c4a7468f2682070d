"""Every CPD URL answers each persona as tests/access_matrix/cpd.py says."""

import pytest
from django.urls import reverse

from tests.access_matrix import PERSONAS
from tests.access_matrix.cpd import CASES


@pytest.fixture
def personas(trainer_user, other_trainer_user, mentor_user, clinic_admin_user, staff_user) -> dict:
    return {
        "anonymous": None,
        "trainer": trainer_user,
        "other_trainer": other_trainer_user,
        "mentor": mentor_user,
        "clinic_admin": clinic_admin_user,
        "staff": staff_user,
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{c.method} {c.url_name}" for c in CASES])
def test_cpd_url_answers_each_persona_as_the_matrix_says(case, personas, client_for):
    for persona in PERSONAS:
        url = reverse(case.url_name, kwargs=case.kwargs(personas) if case.kwargs else None)
        client = client_for(personas[persona])
        response = getattr(client, case.method)(url, case.data)
        assert response.status_code == case.expected[persona], (persona, url)
        if persona == "anonymous":
            assert "/accounts/login/" in response["Location"]
