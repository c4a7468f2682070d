"""The staff and trainer pages of certificates: list, detail, issuing from the trainer's page,
revoke and re-issue forms, the trainer's own list and the PDF download."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from programme.certificates.services import certificate_issue, certificate_store_pdf
from programme.models import Certificate
from rehabpath.audit import Actor
from tests import factories
from tests.pathway_builders import recognised_trainer, stroke

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _issued(staff_user, trainer=None, *, pdf=False):
    trainer = trainer or recognised_trainer(today=TODAY)
    certificate = certificate_issue(
        trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff_user)
    )
    if pdf:
        certificate_store_pdf(certificate_id=certificate.pk)
        certificate.refresh_from_db()
    return certificate


def test_the_staff_trainer_page_offers_issuing_where_recognised_and_names_what_is_missing(
    staff_client,
):
    factories.ConditionAreaFactory(name="Falls prevention")
    trainer = recognised_trainer(today=TODAY)
    page = staff_client.get(reverse("programme:trainer_detail", args=[trainer.public_id]))
    html = page.content.decode()
    assert "Certificates" in html
    issue_url = reverse("programme:certificate_issue", args=[trainer.public_id])
    assert f"{issue_url}?area=stroke" in html
    assert "Falls prevention</strong>:\n      \n        not yet" in html or "not yet" in html
    assert "No certificates issued." in html


def test_staff_confirm_then_issue_a_certificate(staff_client, staff_user):
    trainer = recognised_trainer(today=TODAY)
    url = reverse("programme:certificate_issue", args=[trainer.public_id])
    confirm = staff_client.get(url, {"area": "stroke"})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert escape(trainer.user.name) in html
    assert "What will be printed and signed" in html
    assert "Valid through" in html
    assert not Certificate.objects.exists()
    response = staff_client.post(url, {"area": "stroke"})
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programme:staff_certificate_detail", args=[certificate.public_id]
    )
    assert certificate.issued_by == staff_user
    detail = staff_client.get(response["Location"])
    html = detail.content.decode()
    assert f"Certificate {certificate.code} is issued" in html
    assert "Certificate issued" in html  # the audit trail


def test_issuing_to_a_trainer_not_recognised_shows_what_is_missing(staff_client):
    trainer = factories.TrainerProfileFactory()
    stroke()
    url = reverse("programme:certificate_issue", args=[trainer.public_id])
    page = staff_client.get(url, {"area": "stroke"})
    assert "cannot be issued" in page.content.decode()
    assert "Issue the certificate" not in page.content.decode()
    response = staff_client.post(url, {"area": "stroke"})
    assert response.status_code == 400
    assert "cannot be issued" in response.content.decode()
    assert not Certificate.objects.exists()


def test_an_unknown_area_is_a_clear_form_error(staff_client):
    trainer = recognised_trainer(today=TODAY)
    url = reverse("programme:certificate_issue", args=[trainer.public_id])
    response = staff_client.post(url, {"area": "no-such-area"})
    assert response.status_code == 400
    assert "Choose one of the condition areas listed." in response.content.decode()


def test_revoke_without_a_reason_keeps_the_page_and_says_so(staff_client, staff_user):
    certificate = _issued(staff_user)
    url = reverse("programme:certificate_revoke", args=[certificate.public_id])
    response = staff_client.post(url, {"revoke-reason": ""})
    assert response.status_code == 400
    assert "Give the reason for revoking it" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = staff_client.post(url, {"revoke-reason": "Issued to the wrong person."}, follow=True)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    html = response.content.decode()
    assert "is revoked" in html
    assert "Issued to the wrong person." in html


def test_a_refused_reissue_keeps_what_was_typed(staff_client):
    # Valid, but the trainer is no longer recognised (no records at all here).
    certificate = factories.CertificateFactory(condition_area=stroke())
    response = staff_client.post(
        reverse("programme:certificate_reissue", args=[certificate.public_id]),
        {"reissue-reason": "Corrected spelling"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not recognised in Stroke today" in html
    assert "Corrected spelling" in html


def test_reissue_from_the_detail_page_leads_to_the_new_certificate(staff_client, staff_user):
    certificate = _issued(staff_user)
    response = staff_client.post(
        reverse("programme:certificate_reissue", args=[certificate.public_id]),
        {"reissue-reason": "Name corrected"},
    )
    new = Certificate.objects.exclude(pk=certificate.pk).get()
    assert response["Location"] == reverse(
        "programme:staff_certificate_detail", args=[new.public_id]
    )
    old_page = staff_client.get(
        reverse("programme:staff_certificate_detail", args=[certificate.public_id])
    )
    assert new.code in old_page.content.decode()


def test_the_staff_list_searches_by_name_and_code_and_filters_by_status(staff_client, staff_user):
    first = _issued(staff_user, recognised_trainer(today=TODAY, user__name="Ada Lovelace"))
    second = _issued(staff_user, recognised_trainer(today=TODAY, user__name="Grace Hopper"))
    url = reverse("programme:staff_certificates")
    page = staff_client.get(url, {"q": "lovelace"}).content.decode()
    assert first.code in page and second.code not in page
    typed = second.code.replace("-", " ").lower()
    page = staff_client.get(url, {"q": typed}).content.decode()
    assert second.code in page and first.code not in page
    from programme.certificates.services import certificate_revoke

    certificate_revoke(certificate=first, actor=Actor.for_user(staff_user), reason="Error")
    page = staff_client.get(url, {"status": "revoked"}).content.decode()
    assert first.code in page and second.code not in page
    page = staff_client.get(url, {"status": "valid"}).content.decode()
    assert second.code in page and first.code not in page


def test_staff_reach_the_certificates_from_the_trainers_menu_item(staff_client):
    directory = reverse("programme:trainer_directory")
    certificates = reverse("programme:staff_certificates")
    html = staff_client.get(directory).content.decode()
    assert f'<a href="{certificates}">Certificates</a>' in html  # the tab
    html = staff_client.get(certificates).content.decode()
    # "Trainers" in the menu is current, and so is the "Certificates" tab; no menu item of its own.
    assert f'<a href="{directory}" aria-current="page">Trainers</a>' in html
    assert f'<a href="{certificates}" aria-current="page">Certificates</a>' in html
    assert html.count('aria-current="page"') == 2


@pytest.mark.parametrize("count", [2, 6])
def test_the_staff_list_takes_the_same_queries_for_any_number_of_rows(
    staff_client, django_assert_num_queries, count
):
    for _ in range(count):
        factories.CertificateFactory()
    url = reverse("programme:staff_certificates")
    staff_client.get(url)  # the session and the user are cached after the first request
    # The user (its session is cached) and the page.
    with django_assert_num_queries(2):
        response = staff_client.get(url)
    assert response.content.decode().count('<code class="break">') == count


def test_a_trainer_sees_their_certificates_with_the_code_and_public_link(client, staff_user):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issued(staff_user, trainer, pdf=True)
    factories.CertificateFactory()  # someone else's
    client.force_login(trainer.user)
    page = client.get(reverse("programme:my_certificates")).content.decode()
    assert certificate.code in page
    assert f"/verify/{certificate.code}/" in page
    assert reverse("programme:certificate_pdf", args=[certificate.public_id]) in page
    assert Certificate.objects.exclude(pk=certificate.pk).get().code not in page


def test_the_pdf_downloads_as_an_attachment_for_its_trainer_and_staff(
    client, staff_client, staff_user
):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issued(staff_user, trainer, pdf=True)
    url = reverse("programme:certificate_pdf", args=[certificate.public_id])
    for who in (staff_client, client):
        if who is client:
            client.force_login(trainer.user)
        response = who.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF-")


def test_the_pdf_not_yet_rendered_gets_a_clear_page(client, staff_user):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issued(staff_user, trainer)
    client.force_login(trainer.user)
    response = client.get(reverse("programme:certificate_pdf", args=[certificate.public_id]))
    assert response.status_code == 202
    assert "The PDF is being made" in response.content.decode()


def test_another_trainer_gets_404_for_the_pdf(client, staff_user):
    certificate = _issued(staff_user)
    client.force_login(factories.TrainerProfileFactory().user)
    response = client.get(reverse("programme:certificate_pdf", args=[certificate.public_id]))
    assert response.status_code == 404
