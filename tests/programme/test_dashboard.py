"""The trainer's dashboard panel reads every record kind and the CPD year in fixed queries."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories


def _history(profile, n):
    for i in range(n):
        factories.TrainerQualificationFactory(trainer=profile)
        factories.InsuranceFactory(trainer=profile)
        factories.DBSCheckFactory(trainer=profile)
        factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 4, 1) + dt.timedelta(i))


@pytest.mark.parametrize("n", [1, 12])
def test_the_trainer_dashboard_runs_a_fixed_number_of_queries(
    client_for, trainer_user, n, django_assert_num_queries
):
    _history(trainer_user.trainer_profile, n)
    client = client_for(trainer_user)
    client.get(reverse("home"))  # the first request records the session
    # the user (with roles and profile); 3 record kinds; the CPD summary (activities, their
    # areas, the policy, the condition areas); the current mentor; the meetings waiting; the
    # scope statement, the trainer's declaration and whether they ever signed one; returned
    # sessions; the pathway (14: the rules in force, the trainer's facts in eleven, the
    # condition areas, the CPD policy; programme.pathway.selectors.pathway_for).
    with django_assert_num_queries(28):
        response = client.get(reverse("home"))
    assert response.status_code == 200
