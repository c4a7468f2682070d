"""Evidence uploads: checked by content, all-or-nothing, served only to the owner and staff."""

import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from qualifications.portfolio import KIND_LABELS
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.uploads import (
    BAD_FILES,
    good_jpeg,
    good_pdf,
    good_png,
    pdf_bytes,
    upload,
)
from trainers.evidence import download_name
from trainers.filetypes import EVIDENCE_TYPES, extension_for, label_for
from trainers.models import EvidenceFile, Insurance, VerificationStatus

INSURANCE_DATA = {
    "insurer": "Insure4Sport",
    "policy_number": "POL-123456",
    "public_liability_cover": "5000000",
    "professional_indemnity_cover": "1500000",
    "starts_on": "2026-06-01",
    "expires_on": "2027-05-31",
}


def stored_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attach(record, *files, trainer=None):
    """Evidence rows and stored files for `record`, as the upload service would make them."""
    from trainers.evidence import evidence_attach, validate_upload

    trainer = trainer or record.trainer
    return evidence_attach(
        record=record,
        trainer=trainer,
        files=[validate_upload(f) for f in files],
        uploaded_by=trainer.user,
    )


# --- The upload corpus: every bad file refused, nothing saved ---------------------------------


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_upload_is_refused_with_a_clear_message_and_nothing_saved(
    case, client_for, trainer_user, settings
):
    name, content, claimed_type, message = BAD_FILES[case]
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"),
        {**INSURANCE_DATA, "evidence": [good_pdf(), upload(name, content, claimed_type)]},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert name in text
    assert "There is a problem" in text
    assert Insurance.objects.count() == 0
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []
    assert not AuditEvent.objects.exists()


def test_oversized_upload_is_refused_and_nothing_saved(client_for, trainer_user, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = upload("big-scan.pdf", pdf_bytes() + b"0" * 2048)
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"), {**INSURANCE_DATA, "evidence": [big]}
    )
    assert response.status_code == 200
    assert "“big-scan.pdf” is larger than 1 KB" in response.content.decode()
    assert Insurance.objects.count() == 0
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []


def test_six_files_are_refused_and_nothing_saved(client_for, trainer_user, settings):
    files = [good_pdf(f"page-{n}.pdf") for n in range(6)]
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"), {**INSURANCE_DATA, "evidence": files}
    )
    assert response.status_code == 200
    assert "at most 5 evidence files" in response.content.decode()
    assert Insurance.objects.count() == 0
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []


def test_every_bad_file_is_named_not_just_the_first(client_for, trainer_user):
    files = [upload(n, c, t) for n, c, t, _ in BAD_FILES.values()]
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"), {**INSURANCE_DATA, "evidence": files}
    )
    text = response.content.decode()
    for name, _content, _type, message in BAD_FILES.values():
        assert f"“{name}”" in text
        assert message in text


def test_form_says_to_choose_files_again_after_an_error(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"),
        {**INSURANCE_DATA, "expires_on": "2026-01-01", "evidence": [good_pdf()]},
    )
    text = response.content.decode()
    assert "The cover must end after it starts." in text
    assert "choose them again" in text
    assert EvidenceFile.objects.count() == 0


def test_good_files_are_stored_under_random_names_with_their_sha256(
    client_for, trainer_user, settings
):
    files = [good_pdf("My certificate.pdf"), good_png(), good_jpeg()]
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_add"), {**INSURANCE_DATA, "evidence": files}
    )
    assert response.status_code == 302
    insurance = Insurance.objects.get()
    evidence = list(insurance.evidence.all())
    assert [e.mime_type for e in evidence] == ["application/pdf", "image/png", "image/jpeg"]
    first = evidence[0]
    assert first.original_name == "My certificate.pdf"
    assert "certificate" not in first.file.name
    assert first.file.name.startswith("evidence/")
    assert first.file.name.endswith(".pdf")
    assert first.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert first.uploaded_by == trainer_user
    assert len(stored_files(settings)) == 3
    event = AuditEvent.objects.get(action="insurance.create")
    assert event.after["evidence"] == ["My certificate.pdf", "photo.png", "scan.jpg"]


def test_storage_failure_leaves_no_record_no_row_and_no_file(client_for, trainer_user, settings):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save
    calls = []

    def save_then_fail(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the first file is written, the second write fails
            raise OSError("disk full")
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", save_then_fail):
        response = client_for(trainer_user).post(
            reverse("trainers:insurance_add"),
            {**INSURANCE_DATA, "evidence": [good_pdf(), good_png()]},
        )
    assert response.status_code == 200
    assert "We could not store your files, so nothing was saved" in response.content.decode()
    assert Insurance.objects.count() == 0
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []


# --- Download: owner and staff only, as an attachment ----------------------------------------


@pytest.fixture
def evidence(trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    return attach(insurance, good_pdf('Zertifikat Über "2026".pdf'))[0]


def test_owner_downloads_evidence_as_attachment_with_safe_headers(
    client_for, trainer_user, evidence
):
    response = client_for(trainer_user).get(
        reverse("trainers:evidence_download", args=[evidence.public_id])
    )
    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Zertifikat_Uber_2026.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_staff_download_evidence(client_for, staff_user, evidence):
    response = client_for(staff_user).get(
        reverse("trainers:evidence_download", args=[evidence.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("persona", ["other_trainer_user", "mentor_user", "clinic_admin_user"])
def test_evidence_is_hidden_from_everybody_else(request, client_for, persona, evidence):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(
        reverse("trainers:evidence_download", args=[evidence.public_id])
    )
    assert response.status_code == 404


def test_anonymous_download_goes_to_login(client_for, evidence):
    url = reverse("trainers:evidence_download", args=[evidence.public_id])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_content_type_is_the_detected_one_not_the_claimed_one(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    # A PNG uploaded under a PDF name, claiming to be HTML.
    stored = attach(insurance, upload("notes.pdf.html", good_png().read(), "text/html"))[0]
    response = client_for(trainer_user).get(
        reverse("trainers:evidence_download", args=[stored.public_id])
    )
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf.png"'


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("certificate.pdf", "certificate.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("Ünïcödé naïve.pdf", "Unicode_naive.pdf"),
        ('a"b\\c;d.pdf', "a_b_c_d.pdf"),
        ("证书.pdf", "evidence.pdf"),
        ("", "evidence.pdf"),
        ("x" * 300 + ".pdf", "x" * 80 + ".pdf"),
    ],
)
def test_download_name_is_safe_ascii(original, expected):
    evidence = EvidenceFile(original_name=original, mime_type="application/pdf")
    assert download_name(evidence) == expected


# --- Remove, add, replace -------------------------------------------------------------------


def verified_insurance(trainer_user, staff_user):
    return factories.InsuranceFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        verification_method="document",
        verified_on="2026-11-01",
    )


def test_removing_evidence_of_a_verified_record_returns_it_to_pending(
    client_for, trainer_user, staff_user, settings, django_capture_on_commit_callbacks
):
    insurance = verified_insurance(trainer_user, staff_user)
    keep, remove = attach(insurance, good_pdf("keep.pdf"), good_pdf("old.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(trainer_user).post(
            reverse("trainers:evidence_remove", args=[remove.public_id]), {"confirm": "yes"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("trainers:insurance_detail", args=[insurance.public_id])
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert insurance.verified_by is None
    assert list(insurance.evidence.all()) == [keep]
    assert len(stored_files(settings)) == 1
    event = AuditEvent.objects.get(action="insurance.evidence_remove")
    assert event.before == {"status": "verified", "evidence": ["old.pdf"]}
    assert event.after == {"status": "pending"}
    assert event.actor == trainer_user


def test_adding_evidence_to_a_verified_record_returns_it_to_pending(
    client_for, trainer_user, staff_user
):
    insurance = verified_insurance(trainer_user, staff_user)
    response = client_for(trainer_user).post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_png("renewal.png")]},
    )
    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    event = AuditEvent.objects.get(action="insurance.evidence_add")
    assert event.before == {"status": "verified"}
    assert event.after == {"status": "pending", "evidence": ["renewal.png"]}


def test_adding_evidence_to_a_pending_record_keeps_its_place_in_the_queue(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    submitted_at = insurance.submitted_at
    client_for(trainer_user).post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_pdf()]},
    )
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    assert insurance.submitted_at == submitted_at
    assert insurance.evidence.count() == 1


def test_bad_file_added_on_the_record_page_is_refused(client_for, trainer_user, settings):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    name, content, claimed, message = BAD_FILES["polyglot_png"]
    response = client_for(trainer_user).post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_pdf(), upload(name, content, claimed)]},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []


def test_record_page_refuses_more_than_five_files_in_total(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    attach(insurance, *[good_pdf(f"{n}.pdf") for n in range(4)])
    response = client_for(trainer_user).post(
        reverse("trainers:record_evidence_add", args=["insurance", insurance.public_id]),
        {"evidence": [good_pdf("a.pdf"), good_pdf("b.pdf")]},
    )
    assert "it has 4 and you added 2" in response.content.decode()
    assert insurance.evidence.count() == 4


def test_edit_replaces_files_in_one_step(client_for, trainer_user, staff_user):
    insurance = verified_insurance(trainer_user, staff_user)
    old = attach(insurance, *[good_pdf(f"old-{n}.pdf") for n in range(5)])
    response = client_for(trainer_user).post(
        reverse("trainers:insurance_edit", args=[insurance.public_id]),
        {
            "insurer": insurance.insurer,
            "policy_number": insurance.policy_number,
            "public_liability_cover": "5000000",
            "professional_indemnity_cover": "1500000",
            "starts_on": "2026-06-01",
            "expires_on": "2027-05-31",
            "remove_evidence": [str(old[0].public_id)],
            "evidence": [good_pdf("new.pdf")],
        },
    )
    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    names = sorted(e.original_name for e in insurance.evidence.all())
    assert names == ["new.pdf", "old-1.pdf", "old-2.pdf", "old-3.pdf", "old-4.pdf"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"insurance.evidence_remove", "insurance.evidence_add"}


def test_staff_cannot_remove_a_trainers_evidence(client_for, staff_user, evidence):
    response = client_for(staff_user).post(
        reverse("trainers:evidence_remove", args=[evidence.public_id])
    )
    assert response.status_code == 403
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_other_trainer_cannot_remove_evidence(client_for, other_trainer_user, evidence):
    response = client_for(other_trainer_user).post(
        reverse("trainers:evidence_remove", args=[evidence.public_id])
    )
    assert response.status_code == 404
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_cpd_evidence_cannot_be_removed_through_the_record_view(client_for, trainer_user):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    stored = EvidenceFile.objects.create(
        trainer=trainer_user.trainer_profile,
        content_type=ContentType.objects.get_for_model(activity),
        object_id=activity.pk,
        file="evidence/xx/cpd.pdf",
        original_name="cpd.pdf",
        mime_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    response = client_for(trainer_user).post(
        reverse("trainers:evidence_remove", args=[stored.public_id])
    )
    assert response.status_code == 404


def test_service_counts_files_again_under_the_record_lock(trainer_user):
    from trainers.evidence import validate_upload
    from trainers.services import record_evidence_add

    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    attach(insurance, *[good_pdf(f"{n}.pdf") for n in range(5)])
    with pytest.raises(DomainError, match="at most 5 evidence files"):
        record_evidence_add(
            record=insurance,
            actor=Actor.for_user(trainer_user),
            files=[validate_upload(good_pdf("6.pdf"))],
        )
    assert insurance.evidence.count() == 5
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("upload", "extension", "label"),
    [(good_pdf, "pdf", "PDF"), (good_png, "png", "PNG image"), (good_jpeg, "jpg", "JPEG image")],
)
def test_stored_name_download_name_and_label_follow_the_one_type_table(
    db, upload, extension, label
):
    insurance = factories.InsuranceFactory()
    (evidence,) = attach(insurance, upload("scan.bin"))
    assert EVIDENCE_TYPES[evidence.mime_type][:2] == (extension, label)
    assert evidence.file.name.endswith(f".{extension}")
    assert download_name(evidence) == f"scan.{extension}"
    assert evidence.type_label == label
    assert KIND_LABELS[evidence.mime_type] == label


def test_an_unknown_type_falls_back_to_bin_and_its_mime_type():
    assert extension_for("text/html") == "bin"
    assert label_for("text/html") == "text/html"
