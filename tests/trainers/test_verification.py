"""Staff verify or reject pending records; nobody decides on their own record."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.trainers.test_evidence import attach
from tests.trainers.uploads import good_pdf, pdf_bytes, upload
from trainers.evidence import validate_upload
from trainers.models import Insurance, TrainerProfile, VerificationStatus
from trainers.records import record_fingerprint
from trainers.services import (
    STALE_REVIEW,
    record_reject,
    record_update,
    record_verify,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def review_url(kind: str, record, action: str = "review") -> str:
    name = "trainers:verification_review" if action == "review" else f"trainers:record_{action}"
    return reverse(name, args=[kind, record.public_id])


def verify_data(record, **overrides) -> dict:
    """What the review page posts: the decision and the fingerprint of the record shown."""
    return {
        "verify-method": "register",
        "verify-verified_on": "2026-11-27",
        "verify-note": "Matches the YMCA Awards register.",
        "verify-fingerprint": record_fingerprint(record),
        **overrides,
    }


def reject_data(record, reason: str) -> dict:
    return {"reject-reason": reason, "reject-fingerprint": record_fingerprint(record)}


# --- The date of the check -------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1949-12-31"])
def test_a_check_dated_before_1950_is_refused(client_for, staff_user, trainer_user, day):
    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)

    response = client_for(staff_user).post(
        review_url("dbs", check, "verify"), verify_data(check, **{"verify-verified_on": day})
    )

    assert "The date of the check is before 1950: check the year." in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING


def test_the_verify_service_refuses_a_check_dated_before_1950(staff_user, trainer_user):
    from rehabpath.audit import Actor
    from rehabpath.errors import DomainError
    from trainers.services import record_verify

    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    with pytest.raises(DomainError, match="before 1950"):
        record_verify(
            record=check,
            actor=Actor.for_user(staff_user),
            method="document",
            note="",
            verified_on=dt.date(1, 1, 1),
        )


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
    assert [row.record for row in rows] == [oldest, middle, newest]
    assert [row.kind.slug for row in rows] == ["dbs", "qualification", "insurance"]
    text = response.content.decode()
    assert escape(trainer_user.name) in text  # "O'Brien" is "O&#x27;Brien" in the page
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
    assert len(response.context["rows"]) == min(3 * per_kind, 25)  # a page at most


# the user (with roles and second factor: rehabpath.auth); one count of every kind's pending
# rows; 3 record kinds + 3 evidence prefetches; prerequisites of the qualification types and
# what the trainers concerned hold.
QUERIES_QUEUE = 10


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
        review_url("qualification", qualification, "verify"), verify_data(qualification)
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
        verify_data(insurance, **{"verify-verified_on": "2026-11-28"}),
    )
    assert response.status_code == 200
    assert "The date of the check cannot be in the future." in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert not AuditEvent.objects.exists()


def test_verify_needs_a_method(client_for, staff_user, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    response = client_for(staff_user).post(
        review_url("insurance", insurance, "verify"),
        verify_data(insurance, **{"verify-method": ""}),
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
        review_url("dbs", check, "reject"), reject_data(check, reason)
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
        review_url("dbs", check, "reject"), reject_data(check, "  ")
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
        review_url("dbs", check, "reject"), reject_data(check, "Second thoughts"), follow=True
    )
    assert "no longer waiting for verification" in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.VERIFIED


# --- A decision is about the content the verifier saw ---------------------------------------


def open_review(client, kind: str, record) -> tuple[str, str]:
    """The fingerprints the review page puts in its verify and reject forms."""
    response = client.get(review_url(kind, record))
    verify = response.context["verify_form"]["fingerprint"].value()
    reject = response.context["reject_form"]["fingerprint"].value()
    text = response.content.decode()
    assert f'name="verify-fingerprint" value="{verify}"' in text
    assert f'name="reject-fingerprint" value="{reject}"' in text
    return verify, reject


def edit_certificate_number(record, trainer_user):
    record_update(
        record=record,
        actor=Actor.for_user(trainer_user),
        changes={"certificate_number": "009999999999"},
        add_files=[],
        remove_files=[],
    )


def swap_evidence(record, trainer_user):
    (old,) = record.evidence.all()
    record_update(
        record=record,
        actor=Actor.for_user(trainer_user),
        changes={},
        add_files=[validate_upload(upload("newer.pdf", pdf_bytes("Another certificate")))],
        remove_files=[old],
    )


@pytest.mark.parametrize("trainer_change", [edit_certificate_number, swap_evidence])
def test_verify_is_refused_when_the_trainer_changed_the_record_after_the_review_opened(
    client_for, staff_user, trainer_user, trainer_change
):
    check = factories.DBSCheckFactory(
        trainer=trainer_user.trainer_profile, certificate_number="001234567890"
    )
    attach(check, good_pdf("dbs.pdf"))
    client = client_for(staff_user)
    seen, _ = open_review(client, "dbs", check)

    trainer_change(check, trainer_user)
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING  # still pending: only the content changed
    events_before = AuditEvent.objects.count()

    response = client.post(
        review_url("dbs", check, "verify"),
        verify_data(check, **{"verify-fingerprint": seen}),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == review_url("dbs", check)
    assert STALE_REVIEW in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING
    assert check.verified_by is None
    assert check.verified_on is None
    assert check.verification_note == ""
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(action="dbs_check.verify").exists()
    assert not Delivery.objects.exists()

    # The page now shows the new content with its new fingerprint, which verifies.
    fresh, _ = open_review(client, "dbs", check)
    assert fresh != seen
    response = client.post(
        review_url("dbs", check, "verify"), verify_data(check, **{"verify-fingerprint": fresh})
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == VerificationStatus.VERIFIED


def test_reject_is_refused_when_the_trainer_changed_the_record_after_the_review_opened(
    client_for, staff_user, trainer_user
):
    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    client = client_for(staff_user)
    _, seen = open_review(client, "dbs", check)
    edit_certificate_number(check, trainer_user)

    response = client.post(
        review_url("dbs", check, "reject"),
        {"reject-reason": "The number does not match.", "reject-fingerprint": seen},
        follow=True,
    )
    assert STALE_REVIEW in response.content.decode()
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING
    assert check.rejection_reason == ""
    assert not AuditEvent.objects.filter(action="dbs_check.reject").exists()


def test_an_unchanged_record_verifies_with_the_fingerprint_of_the_review_page(
    client_for, staff_user, trainer_user
):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    attach(insurance, good_pdf("policy.pdf"))
    client = client_for(staff_user)
    seen, _ = open_review(client, "insurance", insurance)
    response = client.post(
        review_url("insurance", insurance, "verify"),
        verify_data(insurance, **{"verify-fingerprint": seen}),
    )
    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.VERIFIED
    assert AuditEvent.objects.filter(action="insurance.verify").count() == 1


def test_a_decision_without_the_fingerprint_is_refused(client_for, staff_user, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    data = verify_data(insurance)
    del data["verify-fingerprint"]
    response = client_for(staff_user).post(review_url("insurance", insurance, "verify"), data)
    assert response.status_code == 200
    assert "This page is out of date: open the record again." in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING


def test_services_refuse_a_stale_fingerprint(staff_user, trainer_user):
    check = factories.DBSCheckFactory(trainer=trainer_user.trainer_profile)
    seen = record_fingerprint(check)
    edit_certificate_number(check, trainer_user)
    with pytest.raises(DomainError, match="changed this record while you were reviewing"):
        record_verify(
            record=check,
            actor=Actor.for_user(staff_user),
            method="document",
            note="",
            verified_on=NOW.date(),
            expected_fingerprint=seen,
        )
    with pytest.raises(DomainError, match="changed this record while you were reviewing"):
        record_reject(
            record=check, actor=Actor.for_user(staff_user), reason="No", expected_fingerprint=seen
        )
    check.refresh_from_db()
    assert check.status == VerificationStatus.PENDING


def test_fingerprint_follows_the_content_not_the_decision(trainer_user, staff_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    first = record_fingerprint(insurance)
    assert first == record_fingerprint(Insurance.objects.get(pk=insurance.pk))

    insurance.status = VerificationStatus.VERIFIED
    insurance.verified_by = staff_user
    insurance.verification_method = "document"
    insurance.verification_note = "Checked"
    insurance.verified_on = NOW.date()
    insurance.submitted_at = NOW
    assert record_fingerprint(insurance) == first

    insurance.public_liability_cover += 1
    assert record_fingerprint(insurance) != first
    insurance.public_liability_cover -= 1
    attach(insurance, good_pdf("policy.pdf"))
    assert record_fingerprint(Insurance.objects.get(pk=insurance.pk)) != first


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

    response = client.post(
        review_url("insurance", insurance, "verify"), verify_data(insurance), follow=True
    )
    assert "You cannot verify or reject your own record." in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert not AuditEvent.objects.filter(action="insurance.verify").exists()


def test_staff_cannot_reject_their_own_record(client_for, staff_trainer):
    insurance = factories.InsuranceFactory(trainer=staff_trainer.trainer_profile)
    client_for(staff_trainer).post(
        review_url("insurance", insurance, "reject"), reject_data(insurance, "Hiding it")
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
    with pytest.raises(DomainError, match="your own record"):
        record_verify(
            record=own,
            actor=Actor.for_user(staff_trainer),
            method="document",
            note="",
            verified_on=NOW.date(),
        )
    with pytest.raises(DomainError, match="your own record"):
        record_reject(record=own, actor=Actor.for_user(staff_trainer), reason="No")
    other = factories.DBSCheckFactory()
    with pytest.raises(DomainError, match="Only programme staff"):
        record_verify(
            record=other,
            actor=Actor.for_user(trainer_user),
            method="document",
            note="",
            verified_on=NOW.date(),
        )


def test_trainer_cannot_post_a_verification(client_for, trainer_user, other_trainer_user):
    check = factories.DBSCheckFactory(trainer=other_trainer_user.trainer_profile)
    response = client_for(trainer_user).post(review_url("dbs", check, "verify"), verify_data(check))
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
