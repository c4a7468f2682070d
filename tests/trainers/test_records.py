"""A trainer's insurance and DBS records: forms, statuses, edits, the records page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.test_evidence import INSURANCE_DATA, attach
from tests.trainers.uploads import good_pdf
from trainers.models import (
    DBSCheck,
    DisplayStatus,
    Insurance,
    TrainerProfile,
    VerificationStatus,
)

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

DBS_DATA = {
    "level": "enhanced",
    "certificate_number": "0012 3456 7890",
    "issued_on": "2025-09-01",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_trainer_adds_insurance_with_evidence(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"), {**INSURANCE_DATA, "evidence": [good_pdf()]}
    )
    insurance = Insurance.objects.get()
    assert response["Location"] == reverse("trainers:insurance_detail", args=[insurance.public_id])
    assert insurance.trainer == trainer_user.trainer_profile
    assert insurance.status == VerificationStatus.PENDING
    assert insurance.evidence.count() == 1
    event = AuditEvent.objects.get(action="insurance.create")
    assert event.actor == trainer_user
    assert event.target_id == str(insurance.public_id)
    assert event.after["status"] == "pending"
    assert event.after["expires_on"] == "2027-05-31"


def test_trainer_adds_dbs_check_and_spaces_in_the_number_are_dropped(client_for, trainer_user):
    response = client_for(trainer_user).post(reverse("trainers:dbs_add"), DBS_DATA)
    assert response.status_code == 302
    check = DBSCheck.objects.get()
    assert check.certificate_number == "001234567890"
    assert AuditEvent.objects.filter(action="dbs_check.create").count() == 1


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "expires_on": "2026-06-01"},
            "The cover must end after it starts.",
        ),
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "public_liability_cover": "0"},
            "Enter the amount of cover in pounds.",
        ),
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "starts_on": "0202-06-01"},
            "The start date is before 1950: check the year.",
        ),
        (
            "trainers:dbs_add",
            {**DBS_DATA, "issued_on": "2026-11-28"},
            "The issue date cannot be in the future.",
        ),
        (
            "trainers:dbs_add",
            {**DBS_DATA, "certificate_number": "12345"},
            "A DBS certificate number has exactly 12 digits.",
        ),
        (
            "trainers:dbs_add",
            {**DBS_DATA, "certificate_number": "١٢٣٤٥٦٧٨٩٠١٢"},  # Arabic-Indic digits
            "A DBS certificate number has exactly 12 digits.",
        ),
        (
            "trainers:dbs_add",
            {**DBS_DATA, "certificate_number": "１２３４５６７８９０１２"},  # full-width digits
            "A DBS certificate number has exactly 12 digits.",
        ),
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "public_liability_cover": "lots"},
            "Enter the amount of cover in pounds, for example 5000000, £5,000,000, 5m",
        ),
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "professional_indemnity_cover": "1.5"},
            "Enter the cover in whole pounds: “1.5” reads as £1.50.",
        ),
        (
            "trainers:insurance_add",
            {**INSURANCE_DATA, "professional_indemnity_cover": "2,00,000"},
            "Write commas only between thousands",
        ),
        (
            "trainers:dbs_add",
            {**DBS_DATA, "update_service_consent": "on"},
            "Status checks need an Update Service subscription",
        ),
    ],
)
def test_bad_dates_and_numbers_get_a_clear_message(
    client_for, trainer_user, url_name, data, message
):
    response = client_for(trainer_user).post(reverse(url_name), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Insurance.objects.exists()
    assert not DBSCheck.objects.exists()


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("1.5m", 1_500_000),
        ("£1.5m", 1_500_000),
        ("£2,000,000", 2_000_000),
        ("5 million", 5_000_000),
        ("250k", 250_000),
        ("1500000", 1_500_000),
        ("£1,500,000.00", 1_500_000),
    ],
)
def test_cover_is_read_as_insurers_write_it(client_for, trainer_user, typed, pounds):
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"),
        {**INSURANCE_DATA, "public_liability_cover": typed, "professional_indemnity_cover": typed},
    )

    assert response.status_code == 302, response.context["form"].errors
    insurance = Insurance.objects.get()
    assert insurance.public_liability_cover == insurance.professional_indemnity_cover == pounds


def test_the_edit_form_shows_cover_in_whole_pounds(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)

    html = (
        client_for(trainer_user)
        .get(reverse("trainers:insurance_edit", args=[insurance.public_id]))
        .content.decode()
    )

    assert 'name="public_liability_cover" value="5000000"' in html


def test_insurance_may_start_in_the_future(client_for, trainer_user):
    data = {**INSURANCE_DATA, "starts_on": "2027-01-01", "expires_on": "2027-12-31"}
    response = client_for(trainer_user).post(reverse("trainers:insurance_add"), data)
    assert response.status_code == 302


def test_editing_fields_of_a_verified_record_returns_it_to_pending(
    client_for, trainer_user, staff_user
):
    check = factories.DBSCheckFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        verification_method="register",
        verified_on=dt.date(2026, 10, 1),
        certificate_number="001234567890",
    )
    response = client_for(trainer_user).post(
        reverse("trainers:dbs_edit", args=[check.public_id]),
        {**DBS_DATA, "issued_on": "2025-10-01"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("trainers:dbs_detail", args=[check.public_id])
    assert [str(m) for m in response.context["messages"]] == [
        "DBS check updated.",
        "Because you changed a verified record, it is pending again: programme staff will "
        "re-verify it, and it does not count until they do.",
    ]
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING
    assert check.issued_on == dt.date(2025, 10, 1)
    assert check.verified_by is None
    assert check.verified_on is None
    assert check.submitted_at == TODAY
    event = AuditEvent.objects.get(action="dbs_check.update")
    assert event.before == {"status": "verified", "issued_on": "2025-09-01"}
    assert event.after == {"status": "pending", "issued_on": "2025-10-01"}


def test_saving_an_unchanged_verified_record_keeps_it_verified(
    client_for, trainer_user, staff_user
):
    check = factories.DBSCheckFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        certificate_number="001234567890",
    )
    response = client_for(trainer_user).post(
        reverse("trainers:dbs_edit", args=[check.public_id]), DBS_DATA, follow=True
    )
    assert "Nothing changed." in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.VERIFIED
    assert not AuditEvent.objects.exists()


def test_editing_a_rejected_record_resubmits_it(client_for, trainer_user, staff_user):
    insurance = factories.InsuranceFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.REJECTED,
        verified_by=staff_user,
        rejection_reason="The policy number does not match the certificate.",
        policy_number="POL-1",
    )
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_edit", args=[insurance.public_id]),
        {**INSURANCE_DATA, "policy_number": "POL-123456"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "trainers:insurance_detail", args=[insurance.public_id]
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Insurance updated.",
        "Your corrected record has been resubmitted to programme staff for verification.",
    ]
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert insurance.rejection_reason == ""


def test_staff_cannot_edit_a_trainers_record(client_for, staff_user, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    response = client_for(staff_user).post(
        reverse("trainers:insurance_edit", args=[insurance.public_id]), INSURANCE_DATA
    )
    assert response.status_code == 403


def test_other_trainer_cannot_see_or_edit_the_record(client_for, other_trainer_user, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    client = client_for(other_trainer_user)
    assert (
        client.get(reverse("trainers:insurance_detail", args=[insurance.public_id])).status_code
        == 404
    )
    response = client.post(
        reverse("trainers:insurance_edit", args=[insurance.public_id]), INSURANCE_DATA
    )
    assert response.status_code == 404


def test_edit_form_shows_the_dates_already_saved(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    response = client_for(trainer_user).get(
        reverse("trainers:insurance_edit", args=[insurance.public_id])
    )
    assert 'value="2026-06-01"' in response.content.decode()


# --- The records page -----------------------------------------------------------------------


def test_records_page_shows_one_status_and_the_expiry_of_each_record(
    client_for, trainer_user, staff_user
):
    profile = trainer_user.trainer_profile
    verified = {"status": VerificationStatus.VERIFIED, "verified_by": staff_user}
    factories.InsuranceFactory(trainer=profile, policy_number="POL-PENDING")
    factories.InsuranceFactory(
        trainer=profile, policy_number="POL-SOON", expires_on=dt.date(2027, 1, 15), **verified
    )
    factories.InsuranceFactory(
        trainer=profile,
        policy_number="POL-OLD",
        starts_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2025, 12, 31),
        **verified,
    )
    factories.DBSCheckFactory(trainer=profile, **verified)
    factories.DBSCheckFactory(
        trainer=profile,
        status=VerificationStatus.REJECTED,
        rejection_reason="The scan is unreadable; upload a clearer photo.",
    )
    response = client_for(trainer_user).get(reverse("trainers:records"))
    assert response.status_code == 200
    text = response.content.decode()
    for status in DisplayStatus:
        assert f'badge-{status.value}">{status.label}<' in text
    assert "The scan is unreadable; upload a clearer photo." in text
    assert "15 Jan 2027" in text
    assert "No qualifications yet" in text


def test_records_page_lists_only_the_trainers_own_records(client_for, trainer_user):
    factories.InsuranceFactory(policy_number="SOMEONE-ELSE")
    factories.InsuranceFactory(trainer=trainer_user.trainer_profile, policy_number="MINE")
    text = client_for(trainer_user).get(reverse("trainers:records")).content.decode()
    assert "MINE" in text
    assert "SOMEONE-ELSE" not in text


def test_records_page_query_count_does_not_grow_with_records(
    client_for, trainer_user, django_assert_num_queries
):
    client = client_for(trainer_user)
    profile = trainer_user.trainer_profile
    url = reverse("trainers:records")
    client.get(url)  # warm the content-type cache

    def add_records():
        qualification = factories.TrainerQualificationFactory(trainer=profile)
        qualification.qualification_type.prerequisites.add(factories.QualificationTypeFactory())
        for record in (
            qualification,
            factories.InsuranceFactory(trainer=profile),
            factories.DBSCheckFactory(trainer=profile),
        ):
            attach(record, good_pdf())

    add_records()
    with django_assert_num_queries(QUERIES_RECORDS_PAGE):
        assert client.get(url).status_code == 200
    for _ in range(4):
        add_records()
    with django_assert_num_queries(QUERIES_RECORDS_PAGE):
        assert client.get(url).status_code == 200


# the user (with roles, second factor and profile: rehabpath.auth), 3 record kinds + 3
# evidence prefetches, the prerequisites of the qualification types.
QUERIES_RECORDS_PAGE = 8


def test_nav_shows_my_records_to_trainers_only(client_for, trainer_user, staff_user):
    assert "My records" in client_for(trainer_user).get("/").content.decode()
    assert "My records" not in client_for(staff_user).get("/").content.decode()


def test_adding_evidence_to_a_rejected_record_says_it_was_resubmitted(
    client_for, trainer_user, staff_user
):
    insurance = factories.InsuranceFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.REJECTED,
        verified_by=staff_user,
        rejection_reason="The scan is unreadable.",
    )
    response = client_for(trainer_user).post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_pdf("clearer-scan.pdf")]},
        follow=True,
    )
    text = response.content.decode()
    assert "Your corrected record has been resubmitted to programme staff" in text
    assert "verified record" not in text
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING


# --- Whether a record counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expires_on", "day", "counts"),
    [
        (VerificationStatus.VERIFIED, dt.date(2027, 3, 31), dt.date(2026, 11, 27), True),
        (VerificationStatus.VERIFIED, dt.date(2027, 3, 31), dt.date(2027, 3, 31), True),
        (VerificationStatus.VERIFIED, dt.date(2027, 3, 31), dt.date(2027, 4, 1), False),
        (VerificationStatus.PENDING, dt.date(2027, 3, 31), dt.date(2026, 11, 27), False),
        (VerificationStatus.REJECTED, dt.date(2027, 3, 31), dt.date(2026, 11, 27), False),
    ],
)
def test_only_verified_unexpired_records_count(status, expires_on, day, counts):
    insurance = factories.InsuranceFactory.build(
        status=status, starts_on=dt.date(2026, 4, 1), expires_on=expires_on
    )
    assert insurance.counts_on(day) is counts


def test_a_record_that_never_expires_counts_while_verified():
    followed = factories.DBSCheckFactory.build(
        status=VerificationStatus.VERIFIED,
        issued_on=dt.date(2010, 1, 1),
        update_service_subscribed=True,
        update_service_consent=True,
    )
    assert followed.expiry_date() is None
    assert followed.counts_on(dt.date(2040, 1, 1))
    followed.status = VerificationStatus.PENDING
    assert not followed.counts_on(dt.date(2026, 11, 27))


def test_cpd_year_starts_on_the_local_date_of_joining(db):
    # 00:30 on 1 June in London is still 31 May in UTC: the profile belongs to 1 June.
    with time_machine.travel(dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        profile = TrainerProfile.objects.create(user=factories.UserFactory())
    assert profile.cpd_year_start == dt.date(2026, 6, 1)
