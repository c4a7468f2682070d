"""Two tabs editing one record: the stale save is refused instead of undoing the other one."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from qualifications.models import CPDActivity
from qualifications.services.cpd import (
    CPDActivityData,
    cpd_activity_fingerprint,
    cpd_activity_update,
)
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from tests import factories
from tests.trainers.test_evidence import INSURANCE_DATA
from tests.trainers.uploads import good_pdf
from trainers.models import Insurance
from trainers.records import record_fingerprint
from trainers.services import record_update

STALE = "This record was changed in another window since you opened it"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def _fingerprint_on(html: str) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html)
    assert match, "the edit form carries no fingerprint"
    return match.group(1)


# --- Verifiable records ---------------------------------------------------------------------


@pytest.fixture
def insurance(trainer_user):
    return factories.InsuranceFactory(
        trainer=trainer_user.trainer_profile, insurer="Insure4Sport", policy_number="POL-123456"
    )


def test_a_stale_record_edit_is_refused_and_keeps_the_input(client_for, trainer_user, insurance):
    client = client_for(trainer_user)
    url = reverse("trainers:insurance_edit", args=[insurance.public_id])
    tab_a = _fingerprint_on(client.get(url).content.decode())
    tab_b = _fingerprint_on(client.get(url).content.decode())
    assert tab_a == tab_b == record_fingerprint(insurance)

    first = client.post(url, {**INSURANCE_DATA, "insurer": "Balens", "fingerprint": tab_a})
    assert first.status_code == 302
    second = client.post(
        url, {**INSURANCE_DATA, "policy_number": "POL-999999", "fingerprint": tab_b}
    )

    assert second.status_code == 200
    html = second.content.decode()
    assert STALE in html
    assert 'value="POL-999999"' in html  # the second tab's input is still on screen
    insurance.refresh_from_db()
    assert (insurance.insurer, insurance.policy_number) == ("Balens", "POL-123456")
    # The page now carries the record as it is: saving again keeps what is on screen.
    renewed = _fingerprint_on(html)
    assert renewed == record_fingerprint(insurance) != tab_b
    third = client.post(
        url, {**INSURANCE_DATA, "policy_number": "POL-999999", "fingerprint": renewed}
    )
    assert third.status_code == 302
    insurance.refresh_from_db()
    assert insurance.policy_number == "POL-999999"


def test_evidence_added_in_another_tab_makes_an_open_edit_stale(
    client_for, trainer_user, insurance
):
    client = client_for(trainer_user)
    url = reverse("trainers:insurance_edit", args=[insurance.public_id])
    opened = _fingerprint_on(client.get(url).content.decode())
    client.post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_pdf()]},
    )

    response = client.post(url, {**INSURANCE_DATA, "insurer": "Balens", "fingerprint": opened})

    assert STALE in response.content.decode()
    assert Insurance.objects.get().insurer == "Insure4Sport"


def test_the_record_service_refuses_a_stale_fingerprint(trainer_user, insurance):
    opened = record_fingerprint(insurance)
    Insurance.objects.filter(pk=insurance.pk).update(insurer="Balens")

    with pytest.raises(DomainError) as refused:
        record_update(
            record=insurance,
            actor=Actor.for_user(trainer_user),
            changes={"policy_number": "POL-999999"},
            add_files=[],
            remove_files=[],
            expected_fingerprint=opened,
        )

    assert refused.value.field == "fingerprint"
    assert Insurance.objects.get().policy_number == "POL-123456"


# --- CPD activities -------------------------------------------------------------------------


def _cpd_form(activity, **overrides):
    data = {
        "date": activity.date.isoformat(),
        "title": activity.title,
        "provider": activity.provider,
        "activity_type": activity.activity_type,
        "hours": "3",
        "endorsed": "on",
        "what_i_did": activity.what_i_did,
        "what_i_learnt": activity.what_i_learnt,
        "how_it_benefits": activity.how_it_benefits,
    }
    return data | overrides


def test_a_stale_cpd_edit_is_refused_and_keeps_the_input(client_for, trainer_user):
    activity = factories.CPDActivityFactory(
        trainer=trainer_user.trainer_profile, date=dt.date(2026, 9, 15)
    )
    client = client_for(trainer_user)
    url = reverse("qualifications:cpd_edit", args=[activity.public_id])
    tab_a = _fingerprint_on(client.get(url).content.decode())
    tab_b = _fingerprint_on(client.get(url).content.decode())

    assert client.post(url, _cpd_form(activity, hours="4", fingerprint=tab_a)).status_code == 302
    response = client.post(
        url, _cpd_form(activity, title="Stale title from the second tab", fingerprint=tab_b)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert 'value="Stale title from the second tab"' in html
    activity.refresh_from_db()
    assert (activity.hours, activity.title) == (Decimal("4"), "Gait retraining after stroke")
    assert _fingerprint_on(html) != tab_b


def test_condition_areas_changed_in_another_tab_make_an_open_cpd_edit_stale(trainer_user):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    opened = cpd_activity_fingerprint(activity)
    activity.condition_areas.add(factories.ConditionAreaFactory())

    with pytest.raises(DomainError) as refused:
        cpd_activity_update(
            actor=Actor.for_user(trainer_user),
            activity=activity,
            data=CPDActivityData(
                date=activity.date,
                title="New title",
                activity_type=activity.activity_type,
                hours=activity.hours,
                what_i_did=activity.what_i_did,
                what_i_learnt=activity.what_i_learnt,
                how_it_benefits=activity.how_it_benefits,
            ),
            expected_fingerprint=opened,
        )

    assert refused.value.field == "fingerprint"
    assert CPDActivity.objects.get().title == "Gait retraining after stroke"
