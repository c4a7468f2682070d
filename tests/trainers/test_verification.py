"""Staff verify or reject pending records; nobody decides on their own record."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.test_evidence import attach
from tests.trainers.uploads import good_pdf
from trainers.models import TrainerProfile, VerificationStatus
from trainers.services import RecordError, record_reject, record_verify

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def review_url(kind: str, record, action: str = "review") -> str:
    name = "trainers:verification_review" if action == "review" else f"trainers:record_{action}"
    return reverse(name, args=[kind, record.public_id])


def verify_data(**overrides) -> dict:
    return {
        "verify-method": "register",
        "verify-verified_on": "2026-11-27",
        "verify-note": "Matches the YMCA Awards register.",
        **overrides,
    }


# --- The queue ------------------------------------------------------------------------------


def test_queue_lists_every_pending_record_oldest_first(client_for, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    newest = factories.InsuranceFactory(trainer=profile, submitted_at=NOW - dt.timedelta(days=1))
    oldest = factories.DBSCheckFactory(trainer=profile, submitted_at=NOW - dt.timedelta(days=9))
    middle = factories.TrainerQualificationFactory(
        trainer=profile, submitted_at=NOW - dt.timedelta(days=5)
    )
    factories.InsuranceFactory(trainer=profile, status=VerificationStatus.VERIFIED)
    factories.DBSCheckFactory(trainer=profile, status=VerificationStatus.REJECTED)
    attach(middle, good_pdf("l3-certificate.pdf"))

    response = client_for(staff_user).get(reverse("trainers:verification_queue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["record"] for row in rows] == [oldest, middle, newest]
    assert [row["kind"].slug for row in rows] == ["dbs", "qualification", "insurance"]
    text = response.content.decode()
    assert trainer_user.name in text
    evidence = middle.evidence.get()
    assert reverse("trainers:evidence_download", args=[evidence.public_id]) in text
    assert review_url("qualification", middle) in text


def test_empty_queue_says_so(client_for, staff_user):
    response = client_for(staff_user).get(reverse("trainers:verification_queue"))
    assert "Nothing is waiting for verification." in response.content.decode()


@pytest.mark.parametrize("per_kind", [1, 10])
def test_queue_query_count_does_not_grow_with_rows(
    client_for, staff_user, per_kind, django_assert_num_queries
):
    client = client_for(staff_user)
    url = reverse("trainers:verification_queue")
    client.get(url)  # warm the content-type cache
    prerequisite = factories.QualificationTypeFactory()
    for _ in range(per_kind):
        profile = factories.TrainerProfileFactory()
        qualification = factories.TrainerQualificationFactory(trainer=profile)
        qualification.qualification_type.prerequisites.add(prerequisite)
        for record in (
            qualification,
            factories.InsuranceFactory(trainer=profile),
            factories.DBSCheckFactory(trainer=profile),
        ):
            attach(record, good_pdf(), good_pdf("second.pdf"))
    with django_assert_num_queries(QUERIES_QUEUE):
        response = client.get(url)
    assert len(response.context["rows"]) == 3 * per_kind


# session, user, user session (3), roles, MFA check; 3 record kinds + 3 evidence prefetches;
# prerequisites of the qualification types and what the trainers concerned hold.
QUERIES_QUEUE = 17


def test_queue_is_for_staff_only(client_for, trainer_user):
    response = client_for(trainer_user).get(reverse("trainers:verification_queue"))
    assert response.status_code == 403


def test_staff_panel_counts_pending_records(client_for, staff_user):
    factories.InsuranceFactory()
    factories.DBSCheckFactory()
    factories.DBSCheckFactory(status=VerificationStatus.VERIFIED)
    response = client_for(staff_user).get("/")
    (panel,) = [p for p in response.context["panels"] if p["role"] == "staff"]
    assert panel["pending"] == 2
    assert reverse("trainers:verification_queue") in response.content.decode()


# --- Verify ---------------------------------------------------------------------------------


def test_staff_verify_a_record_and_the_trainer_sees_it(client_for, staff_user, trainer_user):
    qualification = factories.TrainerQualificationFactory(trainer=trainer_user.trainer_profile)
    response = client_for(staff_user).post(
        review_url("qualification", qualification, "verify"), verify_data()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("trainers:verification_queue")
    qualification.refresh_from_db()
    assert qualification.status == VerificationStatus.VERIFIED
    assert qualification.verified_by == staff_user
    assert qualification.verification_method == "register"
    assert qualification.verification_note == "Matches the YMCA Awards register."
    assert qualification.verified_on == dt.date(2026, 11, 27)
    event = AuditEvent.objects.get(action="qualification.verify")
    assert event.actor == staff_user
    assert event.before == {"status": "pending"}
    assert event.after["status"] == "verified"
    assert event.after["method"] == "register"

    text = client_for(trainer_user).get(reverse("trainers:records")).content.decode()
    assert 'badge-verified">Verified<' in text


def test_verification_date_defaults_to_today_and_cannot_be_in_the_future(
    client_for, staff_user, trainer_user
):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    client = client_for(staff_user)
    page = client.get(review_url("insurance", insurance)).content.decode()
    assert 'value="2026-11-27"' in page
    response = client.post(
        review_url("insurance", insurance, "verify"),
        verify_data(**{"verify-verified_on": "2026-11-28"}),
    )
    assert response.status_code == 200
    assert "The date of the check cannot be in the future." in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert not AuditEvent.objects.exists()


def test_verify_needs_a_method(client_for, staff_user, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    response = client_for(staff_user).post(
        review_url("insurance", insurance, "verify"), verify_data(**{"verify-method": ""})
    )
    assert (
        "How did you verify it?: Choose how you verified the record." in response.content.decode()
    )
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING


# --- Reject ---------------------------------------------------------------------------------


def test_staff_reject_with_a_reason_and_the_trainer_reads_it(client_for, staff_user, trainer_user):
    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    reason = "The certificate number does not match the scan."
    response = client_for(staff_user).post(
        review_url("dbs", check, "reject"), {"reject-reason": reason}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == VerificationStatus.REJECTED
    assert check.rejection_reason == reason
    event = AuditEvent.objects.get(action="dbs_check.reject")
    assert event.reason == reason
    assert event.before == {"status": "pending"}
    assert event.after["status"] == "rejected"

    text = client_for(trainer_user).get(reverse("trainers:records")).content.decode()
    assert 'badge-rejected">Rejected<' in text
    assert reason in text
    detail = client_for(trainer_user).get(reverse("trainers:dbs_detail", args=[check.public_id]))
    assert reason in detail.content.decode()


def test_reject_needs_a_reason(client_for, staff_user, trainer_user):
    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    response = client_for(staff_user).post(
        review_url("dbs", check, "reject"), {"reject-reason": "  "}
    )
    assert response.status_code == 200
    assert "Give the reason for rejecting this record." in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING


def test_a_decided_record_cannot_be_decided_again(client_for, staff_user, trainer_user):
    check = factories.DBSCheckFactory(
        trainer=trainer_user.trainer_profile, status=VerificationStatus.VERIFIED
    )
    response = client_for(staff_user).post(
        review_url("dbs", check, "reject"), {"reject-reason": "Second thoughts"}, follow=True
    )
    assert "no longer waiting for verification" in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.VERIFIED


# --- Nobody verifies their own record -------------------------------------------------------


@pytest.fixture
def staff_trainer(staff_user):
    TrainerProfile.objects.create(user=staff_user)
    return staff_user


def test_staff_cannot_verify_their_own_record(client_for, staff_trainer):
    insurance = factories.InsuranceFactory(trainer=staff_trainer.trainer_profile)
    client = client_for(staff_trainer)
    page = client.get(review_url("insurance", insurance)).content.decode()
    assert "This is your own record." in page
    assert 'action="' + review_url("insurance", insurance, "verify") not in page

    response = client.post(review_url("insurance", insurance, "verify"), verify_data(), follow=True)
    assert "You cannot verify or reject your own record." in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert not AuditEvent.objects.filter(action="insurance.verify").exists()


def test_staff_cannot_reject_their_own_record(client_for, staff_trainer):
    insurance = factories.InsuranceFactory(trainer=staff_trainer.trainer_profile)
    client_for(staff_trainer).post(
        review_url("insurance", insurance, "reject"), {"reject-reason": "Hiding it"}
    )
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING


def test_own_records_show_in_the_queue_without_a_review_button(client_for, staff_trainer):
    insurance = factories.InsuranceFactory(trainer=staff_trainer.trainer_profile)
    text = client_for(staff_trainer).get(reverse("trainers:verification_queue")).content.decode()
    assert "Your own record" in text
    assert review_url("insurance", insurance) not in text


def test_services_refuse_self_decisions_and_non_staff(staff_trainer, trainer_user):
    own = factories.DBSCheckFactory(trainer=staff_trainer.trainer_profile)
    with pytest.raises(RecordError, match="your own record"):
        record_verify(
            record=own, actor=staff_trainer, method="document", note="", verified_on=NOW.date()
        )
    with pytest.raises(RecordError, match="your own record"):
        record_reject(record=own, actor=staff_trainer, reason="No")
    other = factories.DBSCheckFactory()
    with pytest.raises(RecordError, match="Only programme staff"):
        record_verify(
            record=other,
            actor=trainer_user,
            method="document",
            note="",
            verified_on=NOW.date(),
        )


def test_trainer_cannot_post_a_verification(client_for, trainer_user, other_trainer_user):
    check = factories.DBSCheckFactory(trainer=other_trainer_user.trainer_profile)
    response = client_for(trainer_user).post(review_url("dbs", check, "verify"), verify_data())
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING


def test_review_page_shows_the_history_of_the_record(client_for, staff_user, trainer_user):
    client = client_for(trainer_user)
    client.post(
        reverse("trainers:dbs_add"),
        {"level": "basic", "certificate_number": "001234567890", "issued_on": "2026-01-10"},
    )
    from trainers.models import DBSCheck

    check = DBSCheck.objects.get()
    text = client_for(staff_user).get(review_url("dbs", check)).content.decode()
    assert "dbs_check.create" in text
    assert trainer_user.email in text


def test_unknown_kind_in_the_url_is_404(client_for, staff_user):
    response = client_for(staff_user).get(
        "/trainers/verification/passport/00000000-0000-0000-0000-000000000000/"
    )
    assert response.status_code == 404
