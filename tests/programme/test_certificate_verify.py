import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from programme.certificates import links
from programme.models import Certificate
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
UNKNOWN = "0000-0000-0000-0000-0000-0000-0000"


def page(code: str) -> str:
    return reverse("programme:certificate_verify", args=[code])


def read(client, code: str) -> str:
    response = client.get(page(code))
    assert response.status_code == 200
    return response.content.decode()


def revoke(certificate, how, reason="Issued to the wrong trainer.", replaced_by=None):
    certificate.revoked_at = timezone.now()
    certificate.revocation = how
    certificate.revocation_reason = reason
    certificate.replaced_by = replaced_by
    certificate.save()
    return certificate


@time_machine.travel(NOON, tick=False)
def test_a_valid_certificate_reads_valid_with_its_name_credential_dates_and_issuer(client):
    certificate = CertificateFactory(
        trainer_name="Siobhán O'Brien-Ngata",
        issued_on=dt.date(2026, 6, 1),
        expires_on=dt.date(2029, 5, 31),
    )
    html = read(client, certificate.code)
    assert escape("Siobhán O'Brien-Ngata") in html
    assert escape(certificate.area_name) in html
    assert certificate.scope_title in html
    assert "Valid until 31 May 2029" in html
    assert "1 June 2026" in html
    assert "RehabPath" in html
    assert f'href="{links.credential_url(certificate.code)}"' in html


def test_an_expired_certificate_reads_expired_on_its_last_day(client):
    certificate = CertificateFactory(
        issued_on=dt.date(2023, 1, 1), expires_on=dt.date(2025, 12, 31)
    )
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        assert "Valid until 31 December 2025" in read(client, certificate.code)
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        html = read(client, certificate.code)
    assert "Expired on 31 December 2025" in html
    assert "Valid until 31" not in html.split("<dl")[0]


@time_machine.travel(NOON, tick=False)
def test_a_revoked_certificate_reads_revoked_with_the_date_and_the_reason(client):
    certificate = revoke(CertificateFactory(), Certificate.Revocation.REVOKED)
    html = read(client, certificate.code)
    assert "Revoked on 15 June 2026" in html
    assert "Issued to the wrong trainer." in html
    assert "Valid until" not in html.split("<dl")[0]


@time_machine.travel(NOON, tick=False)
def test_a_suspended_trainers_certificate_says_so_but_not_what_staff_wrote(client):
    certificate = revoke(
        CertificateFactory(), Certificate.Revocation.SUSPENDED, reason="Complaint from a clinic."
    )
    html = read(client, certificate.code)
    assert "Revoked on 15 June 2026 because the trainer&#x27;s registration was suspended" in html
    assert "Complaint" not in html


@time_machine.travel(NOON, tick=False)
def test_a_replaced_certificate_links_to_the_one_that_replaces_it(client):
    new = CertificateFactory()
    old = revoke(CertificateFactory(), Certificate.Revocation.REPLACED, "Re-issued.", new)
    html = read(client, old.code)
    assert "Replaced on 15 June 2026" in html
    assert f'href="{page(new.code)}"' in html


@time_machine.travel(NOON, tick=False)
def test_a_suspended_then_reinstated_trainers_old_certificate_reads_revoked_and_links_on(client):
    new = CertificateFactory()
    old = revoke(CertificateFactory(), Certificate.Revocation.SUSPENDED, "Suspended.", new)
    html = read(client, old.code)
    assert "Revoked on 15 June 2026" in html
    assert f'A new certificate replaces it: <a href="{page(new.code)}">' in html
    assert "Valid until" in read(client, new.code)


def test_the_page_shows_nothing_of_the_trainer_but_the_certificate(client):
    # A row number no date or count on the page could spell (a fresh database's 1 could).
    certificate = CertificateFactory(id=918273)
    html = read(client, certificate.code)
    user = certificate.trainer.user
    assert user.email not in html
    assert str(certificate.public_id) not in html
    assert str(certificate.trainer.public_id) not in html
    assert "918273" not in html


def test_unknown_and_malformed_codes_get_the_same_404_byte_for_byte(client):
    CertificateFactory()
    unknown = client.get(page(UNKNOWN))
    malformed = client.get(page("not-a-code"))
    too_short = client.get(page("7KQ2-M9XD"))
    assert unknown.status_code == malformed.status_code == too_short.status_code == 404
    assert unknown.content == malformed.content == too_short.content
    assert unknown.headers == malformed.headers


def test_a_code_typed_loosely_in_the_url_redirects_to_the_canonical_page(client):
    certificate = CertificateFactory()
    loose = certificate.code.replace("-", "").lower()
    response = client.get(page(loose))
    assert response.status_code == 301
    assert response["Location"] == page(certificate.code)


def test_the_page_is_not_for_search_engines_and_sends_no_referrer(client):
    certificate = CertificateFactory()
    response = client.get(page(certificate.code))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    not_found = client.get(page(UNKNOWN))
    assert not_found["X-Robots-Tag"] == "noindex, nofollow"


def test_a_cache_may_keep_the_page_for_half_a_minute_and_the_404_not_at_all(client):
    certificate = CertificateFactory()
    assert client.get(page(certificate.code))["Cache-Control"] == "public, max-age=30"
    assert client.get(page(UNKNOWN))["Cache-Control"] == "no-store"


def test_the_page_takes_one_query_and_none_again_within_half_a_minute(
    client, django_assert_num_queries
):
    certificate = CertificateFactory(replaced_by=CertificateFactory())
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, 1, tzinfo=dt.UTC), tick=False):
        with django_assert_num_queries(1):
            response = client.get(page(certificate.code))
        with django_assert_num_queries(0):
            again = client.get(page(certificate.code))
    assert response.status_code == again.status_code == 200
    assert again.content == response.content
    assert not response.cookies  # no session started for a reader


def test_a_revocation_reads_on_the_page_within_a_minute(client):
    certificate = CertificateFactory()
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, 1, tzinfo=dt.UTC), tick=False):
        assert "Valid until" in read(client, certificate.code)
        revoke(certificate, Certificate.Revocation.REVOKED)
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, 31, tzinfo=dt.UTC), tick=False):
        assert "Revoked on 15 June 2026" in read(client, certificate.code)


def test_unknown_codes_are_looked_up_every_time(client, django_assert_num_queries):
    client.get(page(UNKNOWN))
    with django_assert_num_queries(1):
        assert client.get(page(UNKNOWN)).status_code == 404


def test_a_signed_in_reader_sees_the_same_public_page(client, django_user_model):
    certificate = CertificateFactory()
    anonymous = client.get(page(certificate.code)).content
    client.force_login(certificate.trainer.user)
    assert client.get(page(certificate.code)).content == anonymous


def test_look_ups_beyond_the_limit_are_refused_per_address(client, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    certificate = CertificateFactory()
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, 10, tzinfo=dt.UTC), tick=False):
        assert client.get(page(UNKNOWN)).status_code == 404  # a miss counts too
        assert client.get(page("nonsense")).status_code == 404
        assert client.get(page(certificate.code)).status_code == 200
        refused = client.get(page(certificate.code))
        assert refused.status_code == 429
        assert refused["Retry-After"] == "50"
        assert "checked many certificate codes" in refused.content.decode()
        other = client.get(page(certificate.code), REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 200
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 1, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(page(certificate.code)).status_code == 200


def test_the_form_sends_a_typed_code_to_its_page(client):
    certificate = CertificateFactory()
    typed = " " + certificate.code.replace("-", " ").lower() + " "
    response = client.get(reverse("programme:certificate_verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == page(certificate.code)


def test_the_form_sends_an_unknown_code_to_the_same_404(client):
    response = client.get(reverse("programme:certificate_verify_form"), {"code": UNKNOWN})
    assert response["Location"] == page(UNKNOWN)
    assert client.get(response["Location"]).status_code == 404


def test_the_form_explains_what_a_code_looks_like_when_it_is_not_one(client):
    response = client.get(reverse("programme:certificate_verify_form"), {"code": "<b>1234</b>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That is not a certificate code: codes are 28 letters and digits" in html
    assert escape("<b>1234</b>") in html
    empty = client.get(reverse("programme:certificate_verify_form"), {"code": " "})
    assert "Type the code printed on the certificate." in empty.content.decode()


def test_the_form_and_a_link_to_it_are_there_for_anyone(client):
    form = client.get(reverse("programme:certificate_verify_form"))
    assert form.status_code == 200
    assert 'name="code"' in form.content.decode()
    login = client.get(reverse("account_login"))
    assert f'href="{reverse("programme:certificate_verify_form")}"' in login.content.decode()
