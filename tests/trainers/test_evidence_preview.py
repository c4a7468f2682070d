"""Evidence previews: images and PDFs shown inline on the review page, served locked down."""

import pytest
from django.urls import reverse

from tests import factories
from tests.trainers.test_evidence import attach
from tests.trainers.uploads import good_jpeg, good_pdf, good_png, pdf_bytes, png_bytes
from trainers.models import EvidenceFile

PREVIEW_POLICY = "default-src 'none'; frame-ancestors 'self'; sandbox"


@pytest.fixture
def record(trainer_user):
    return factories.TrainerQualificationFactory(trainer=trainer_user.trainer_profile)


def preview_url(evidence) -> str:
    return reverse("trainers:evidence_preview", args=[evidence.public_id])


@pytest.mark.parametrize(
    ("upload", "content_type", "content"),
    [
        (good_pdf("Zertifikat Über.pdf"), "application/pdf", pdf_bytes()),
        (good_png("photo.png"), "image/png", png_bytes()),
        (good_jpeg("scan.jpg"), "image/jpeg", None),
    ],
)
def test_a_preview_is_inline_with_strict_headers(
    client_for, staff_user, record, upload, content_type, content
):
    (evidence,) = attach(record, upload)
    response = client_for(staff_user).get(preview_url(evidence))
    assert response.status_code == 200
    # The type detected from the content at upload, never the name's guess.
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == PREVIEW_POLICY
    # Framed by the review page (same origin) only; everything else stays DENY.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    if content is not None:
        assert response.content == content


def test_a_pdf_preview_names_the_file_safely(client_for, staff_user, record):
    (evidence,) = attach(record, good_pdf("Zertifikat Über.PDF.html.pdf"))
    response = client_for(staff_user).get(preview_url(evidence))
    assert response["Content-Disposition"] == 'inline; filename="Zertifikat_Uber.PDF.html.pdf"'


def test_the_download_stays_an_attachment_that_cannot_be_framed(client_for, staff_user, record):
    (evidence,) = attach(record, good_pdf())
    response = client_for(staff_user).get(
        reverse("trainers:evidence_download", args=[evidence.public_id])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("trainer_user", 200),  # the owner
        ("staff_user", 200),
        ("other_trainer_user", 404),
        ("mentor_user", 404),
        ("unassigned_mentor_user", 404),
        ("clinic_admin_user", 404),
        ("other_clinic_admin_user", 404),
    ],
)
def test_a_preview_has_the_rights_of_a_download(request, client_for, record, persona, expected):
    (evidence,) = attach(record, good_png())
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(preview_url(evidence)).status_code == expected
    download = reverse("trainers:evidence_download", args=[evidence.public_id])
    assert client.get(download).status_code == expected


def test_anonymous_users_are_sent_to_sign_in(client, record):
    (evidence,) = attach(record, good_pdf())
    response = client.get(preview_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_type_other_than_image_or_pdf_has_no_preview(client_for, staff_user, record):
    # A stored file of a type we do not preview (say an older upload rule let it in): it can
    # be downloaded, never rendered inline.
    (evidence,) = attach(record, good_pdf())
    EvidenceFile.objects.filter(pk=evidence.pk).update(mime_type="text/html")
    evidence.refresh_from_db()
    assert evidence.preview == ""
    client = client_for(staff_user)
    assert client.get(preview_url(evidence)).status_code == 404
    review = client.get(
        reverse("trainers:verification_review", args=["qualification", record.public_id])
    )
    html = review.content.decode()
    assert preview_url(evidence) not in html
    assert "This type of file has no preview: download it to check it." in html


def test_the_review_page_shows_images_and_pdfs_inline(client_for, staff_user, record):
    pdf, png = attach(record, good_pdf("certificate.pdf"), good_png("photo.png"))
    response = client_for(staff_user).get(
        reverse("trainers:verification_review", args=["qualification", record.public_id])
    )
    html = response.content.decode()
    assert f'<iframe src="{preview_url(pdf)}" title="Evidence file certificate.pdf (PDF)"' in html
    assert f'<img src="{preview_url(png)}" alt="Evidence file photo.png (PNG image)' in html
    # The page's own policy lets it frame and show files of this origin, and nothing else.
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self'" in policy
    assert "frame-src" not in policy or "frame-src 'self'" in policy
