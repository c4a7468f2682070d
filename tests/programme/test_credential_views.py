"""The public JSON documents: /verify/<code>.json, /verify/status/<n>.json and
/.well-known/did.json, without login, open to any origin, cacheable, and revocation visible
through them at once."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from programme.certificates import keys, statuslist
from programme.certificates.verifier import verify_credential
from programme.models import Certificate
from tests.factories import CertificateFactory


def _credential_url(code: str) -> str:
    return reverse("programme:certificate_credential", args=[code])


@pytest.mark.django_db
def test_credential_json_is_the_stored_credential_and_verifies(client):
    certificate = CertificateFactory()

    response = client.get(_credential_url(certificate.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "noindex" in response["X-Robots-Tag"]
    assert verify_credential(json.loads(response.content)).valid


@pytest.mark.django_db
def test_credential_json_takes_the_code_as_people_type_it(client):
    certificate = CertificateFactory()
    typed = certificate.code.replace("-", "").lower().replace("0", "o")

    assert client.get(_credential_url(typed)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["0000-0000-0000-0000-0000-0000-0000", "not-a-code", "U" * 28])
def test_unknown_and_malformed_codes_get_the_same_json_404(client, code):
    CertificateFactory()

    response = client.get(_credential_url(code))

    assert response.status_code == 404
    assert response.json() == {"error": "No certificate has this code."}
    assert response["X-Robots-Tag"].startswith("noindex")


@pytest.mark.django_db
def test_status_list_route_is_not_read_as_a_code(client):
    response = client.get("/verify/status/1.json")

    assert response.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


@pytest.mark.django_db
def test_status_list_is_cacheable_with_an_etag_and_answers_304(client):
    url = reverse("programme:certificate_status_list", args=[1])
    first = client.get(url)

    assert first["Access-Control-Allow-Origin"] == "*"
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


@pytest.mark.django_db
def test_revocation_changes_the_status_list_at_once(client):
    certificate = CertificateFactory()
    url = reverse("programme:certificate_status_list", args=[1])
    first = client.get(url)
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revocation="revoked", revocation_reason="A reason"
    )

    after = client.get(url, headers={"if-none-match": first["ETag"]})

    assert after.status_code == 200
    bits = statuslist.decode(after.json()["credentialSubject"]["encodedList"])
    assert statuslist.bit(bits, certificate.status_index)
    document = client.get(_credential_url(certificate.code)).json()
    assert verify_credential(document).status == "revoked"


@pytest.mark.django_db
def test_status_list_request_costs_one_query_when_unchanged(client, django_assert_num_queries):
    url = reverse("programme:certificate_status_list", args=[1])
    client.get(url)

    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_did_document_is_public_json_with_the_issuers_key(client):
    response = client.get("/.well-known/did.json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert response.json() == keys.did_document()


@pytest.mark.django_db
def test_the_published_did_document_verifies_the_published_credential(client):
    certificate = CertificateFactory()
    did = client.get("/.well-known/did.json").json()
    document = client.get(_credential_url(certificate.code)).json()

    assert verify_credential(document, did_document=did).valid


@pytest.mark.django_db
@pytest.mark.parametrize("revoked", [1, 25])
def test_changed_status_list_costs_two_queries_whatever_its_size(
    client, django_assert_num_queries, revoked
):
    certificates = CertificateFactory.create_batch(revoked, signed=False)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        revoked_at=timezone.now(), revocation="revoked", revocation_reason="A reason"
    )
    url = reverse("programme:certificate_status_list", args=[1])

    with django_assert_num_queries(2):
        response = client.get(url)

    bits = statuslist.decode(response.json()["credentialSubject"]["encodedList"])
    assert sum(bin(byte).count("1") for byte in bits) == revoked
