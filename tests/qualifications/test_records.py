"""A trainer's qualification records: expiry, date checks, prerequisite warnings, review."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from qualifications.models import QualificationType, TrainerQualification
from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.uploads import BAD_FILES, good_pdf, upload
from trainers.models import EvidenceFile, VerificationStatus

K = QualificationType.Kind
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def catalogue(db):
    body = factories.AwardingBodyFactory(name="YMCA Awards")
    referral = factories.QualificationTypeFactory(
        slug="l3-exercise-referral",
        name="Level 3 Diploma in Exercise Referral",
        kind=K.EXERCISE_REFERRAL,
    )
    stroke = factories.QualificationTypeFactory(
        slug="l4-stroke",
        name="Level 4 Exercise and Fitness after Stroke",
        level=4,
        kind=K.NEURO_SPECIALIST,
    )
    stroke.prerequisites.add(referral)
    first_aid = factories.QualificationTypeFactory(
        slug="first-aid-at-work", name="First Aid at Work", kind=K.FIRST_AID, validity_months=36
    )
    retired = factories.QualificationTypeFactory(
        slug="retired", name="Retired course", is_active=False
    )
    return {
        "body": body,
        "referral": referral,
        "stroke": stroke,
        "first_aid": first_aid,
        "retired": retired,
    }


def qualification_data(qtype, body, **overrides) -> dict:
    return {
        "qualification_type": qtype.pk,
        "awarding_body": body.pk,
        "certificate_number": "YMCA-778812",
        "awarded_on": "2026-03-14",
        **overrides,
    }


def test_trainer_records_a_qualification_with_evidence(client_for, trainer_user, catalogue):
    data = qualification_data(catalogue["referral"], catalogue["body"])
    response = client_for(trainer_user).post(
        reverse("qualifications:qualification_add"), {**data, "evidence": [good_pdf()]}
    )
    qualification = TrainerQualification.objects.get()
    assert response["Location"] == reverse(
        "qualifications:qualification_detail", args=[qualification.public_id]
    )
    assert qualification.status == VerificationStatus.PENDING
    assert qualification.trainer == trainer_user.trainer_profile
    assert qualification.evidence.count() == 1
    assert qualification.expiry_date() is None
    event = AuditEvent.objects.get(action="qualification.create")
    assert event.after["qualification_type"] == "Level 3 Diploma in Exercise Referral"


def test_expiry_is_derived_from_the_type_unless_the_certificate_states_one(
    client_for, trainer_user, catalogue
):
    client = client_for(trainer_user)
    url = reverse("qualifications:qualification_add")
    first_aid, body = catalogue["first_aid"], catalogue["body"]
    client.post(url, qualification_data(first_aid, body, certificate_number="FA-1"))
    client.post(
        url, qualification_data(first_aid, body, certificate_number="FA-2", expires_on="2028-01-31")
    )
    derived = TrainerQualification.objects.get(certificate_number="FA-1")
    stated = TrainerQualification.objects.get(certificate_number="FA-2")
    assert derived.expires_on is None
    assert derived.expiry_date() == dt.date(2029, 3, 14)
    assert stated.expiry_date() == dt.date(2028, 1, 31)
    page = client.get(reverse("qualifications:qualification_detail", args=[derived.public_id]))
    assert "14 Mar 2029 (36 months after the award)" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"awarded_on": "2026-11-28"}, "The date awarded cannot be in the future."),
        ({"awarded_on": "1949-12-31"}, "The date awarded is before 1950: check the year."),
        ({"expires_on": "2026-03-14"}, "The expiry date must be after the date awarded."),
        ({"awarded_on": ""}, "This field is required."),
        ({"awarding_body": ""}, "This field is required."),
    ],
)
def test_bad_dates_get_a_clear_message_and_nothing_is_saved(
    client_for, trainer_user, catalogue, overrides, message
):
    data = qualification_data(catalogue["first_aid"], catalogue["body"], **overrides)
    response = client_for(trainer_user).post(
        reverse("qualifications:qualification_add"), {**data, "evidence": [good_pdf()]}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainerQualification.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_bad_file_on_the_qualification_form_saves_nothing(client_for, trainer_user, catalogue):
    name, content, claimed, message = BAD_FILES["html_renamed_pdf"]
    data = qualification_data(catalogue["referral"], catalogue["body"])
    response = client_for(trainer_user).post(
        reverse("qualifications:qualification_add"),
        {**data, "evidence": [upload(name, content, claimed)]},
    )
    assert message in response.content.decode()
    assert not TrainerQualification.objects.exists()


def test_retired_types_are_not_offered_for_new_records(client_for, trainer_user, catalogue):
    response = client_for(trainer_user).get(reverse("qualifications:qualification_add"))
    text = response.content.decode()
    assert "Level 3 Diploma in Exercise Referral" in text
    assert "Retired course" not in text


def test_the_same_certificate_cannot_be_recorded_twice(client_for, trainer_user, catalogue):
    client = client_for(trainer_user)
    data = qualification_data(catalogue["referral"], catalogue["body"])
    client.post(reverse("qualifications:qualification_add"), data)
    response = client.post(reverse("qualifications:qualification_add"), data)
    assert "You have already recorded this certificate." in response.content.decode()
    assert TrainerQualification.objects.count() == 1


# --- Prerequisites: a warning, never a refusal ---------------------------------------------


def test_level_4_without_a_verified_level_3_is_saved_with_a_warning(
    client_for, trainer_user, catalogue
):
    client = client_for(trainer_user)
    response = client.post(
        reverse("qualifications:qualification_add"),
        qualification_data(catalogue["stroke"], catalogue["body"]),
        follow=True,
    )
    qualification = TrainerQualification.objects.get()
    assert qualification.status == VerificationStatus.PENDING
    warning = (
        "Level 4 Exercise and Fitness after Stroke normally requires Level 3 Diploma in "
        "Exercise Referral: none is on record yet."
    )
    text = response.content.decode()
    assert text.count(warning) == 2  # the message after saving, and the record itself
    assert "Missing prerequisite" in text
    # An insurance and a DBS check (same primary keys, other tables) carry no such warning.
    factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    records = client.get(reverse("trainers:records")).content.decode()
    assert records.count(warning) == 1


def test_pending_level_3_is_named_in_the_warning(client_for, trainer_user, catalogue):
    factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["referral"]
    )
    stroke = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["stroke"]
    )
    response = client_for(trainer_user).get(
        reverse("qualifications:qualification_detail", args=[stroke.public_id])
    )
    assert "the one on record is still waiting for verification" in response.content.decode()


def test_verified_level_3_removes_the_warning(client_for, trainer_user, catalogue):
    factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile,
        qualification_type=catalogue["referral"],
        status=VerificationStatus.VERIFIED,
    )
    stroke = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["stroke"]
    )
    response = client_for(trainer_user).get(
        reverse("qualifications:qualification_detail", args=[stroke.public_id])
    )
    assert "Missing prerequisite" not in response.content.decode()


def test_another_trainers_level_3_does_not_count(client_for, trainer_user, catalogue):
    factories.TrainerQualificationFactory(
        qualification_type=catalogue["referral"], status=VerificationStatus.VERIFIED
    )
    stroke = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["stroke"]
    )
    response = client_for(trainer_user).get(
        reverse("qualifications:qualification_detail", args=[stroke.public_id])
    )
    assert "none is on record yet" in response.content.decode()


def test_staff_see_the_prerequisite_warning_when_reviewing(
    client_for, staff_user, trainer_user, catalogue
):
    stroke = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["stroke"]
    )
    client = client_for(staff_user)
    queue = client.get(reverse("trainers:verification_queue")).content.decode()
    assert "Missing prerequisite" in queue
    review = client.get(
        reverse("trainers:verification_review", args=["qualification", stroke.public_id])
    ).content.decode()
    assert "normally requires Level 3 Diploma in Exercise Referral" in review


# --- Edits ----------------------------------------------------------------------------------


def test_editing_a_verified_qualification_returns_it_to_pending(
    client_for, trainer_user, staff_user, catalogue
):
    qualification = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile,
        qualification_type=catalogue["referral"],
        awarding_body=catalogue["body"],
        certificate_number="YMCA-778812",
        awarded_on=dt.date(2026, 3, 14),
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        verification_method="register",
        verified_on=dt.date(2026, 4, 1),
    )
    response = client_for(trainer_user).post(
        reverse("qualifications:qualification_edit", args=[qualification.public_id]),
        qualification_data(catalogue["referral"], catalogue["body"], certificate_number="YMCA-9"),
        follow=True,
    )
    assert "Because you changed a verified record, it is pending again" in (
        response.content.decode()
    )
    qualification.refresh_from_db()
    assert qualification.status == VerificationStatus.PENDING
    assert qualification.certificate_number == "YMCA-9"
    event = AuditEvent.objects.get(action="qualification.update")
    assert event.before == {"status": "verified", "certificate_number": "YMCA-778812"}
    assert event.after == {"status": "pending", "certificate_number": "YMCA-9"}


def test_a_retired_type_stays_selectable_on_a_record_that_uses_it(
    client_for, trainer_user, catalogue
):
    qualification = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=catalogue["retired"]
    )
    response = client_for(trainer_user).get(
        reverse("qualifications:qualification_edit", args=[qualification.public_id])
    )
    assert "Retired course" in response.content.decode()
