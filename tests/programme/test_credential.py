"""A certificate as a signed Open Badges 3.0 credential: valid against the vendored OB 3.0
schema, verifiable with the published DID document after a JSON round trip, and broken by any
change to what it says."""

import copy
import datetime as dt
import hashlib
import json
import time
from pathlib import Path

import jsonschema
import pytest
import time_machine
from pyld import jsonld

from programme.certificates import credential, dataintegrity, keys, links, statuslist
from programme.certificates.credential import credential_bytes, credential_for, identity_hash
from tests.factories import CertificateFactory

SCHEMA = (
    Path(credential.__file__).resolve().parent
    / "schemas"
    / "ob_v3p0_achievementcredential_schema.json"
)


def _verify(document: dict) -> None:
    method = keys.did_document()["verificationMethod"][0]
    key = dataintegrity.public_key_from_multibase(method["publicKeyMultibase"])
    dataintegrity.verify_proof(document, public_key=key, loader=dataintegrity.ContextLoader())


def _schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))
    return [error.message for error in validator.iter_errors(document)]


@pytest.mark.django_db
def test_credential_validates_against_the_vendored_ob_3_0_schema():
    certificate = CertificateFactory()

    assert _schema_errors(certificate.credential) == []


@pytest.mark.django_db
def test_credential_says_what_the_certificate_says():
    certificate = CertificateFactory(
        issued_at=dt.datetime(2026, 12, 2, 10, 15, 30, 123456, tzinfo=dt.UTC),
        issued_on=dt.date(2026, 12, 2),
        expires_on=dt.date(2029, 6, 30),
        status_list=2,
        status_index=4242,
    )
    document = certificate.credential

    assert document["@context"] == [credential.VC_CONTEXT, credential.OB_CONTEXT]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == links.credential_url(certificate.code)
    assert document["issuer"]["id"] == keys.issuer_id()
    assert document["issuer"]["name"] == certificate.issuer_name
    assert document["validFrom"] == "2026-12-02T10:15:30Z"
    # The last second of 30 June in London (BST, UTC+1).
    assert document["validUntil"] == "2029-06-30T22:59:59Z"
    achievement = document["credentialSubject"]["achievement"]
    assert certificate.area_name in achievement["name"]
    assert certificate.scope_title in achievement["description"]
    assert achievement["achievementType"] == "Certification"
    status = document["credentialStatus"]
    assert status == {
        "id": statuslist.status_list_url(2) + "#4242",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4242",
        "statusListCredential": statuslist.status_list_url(2),
    }
    [proof] = document["proof"]
    assert proof["verificationMethod"] == keys.verification_method_id()
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"


@pytest.mark.django_db
def test_validuntil_in_winter_is_the_end_of_the_day_in_utc():
    certificate = CertificateFactory(expires_on=dt.date(2029, 12, 31))

    assert certificate.credential["validUntil"] == "2029-12-31T23:59:59Z"


@pytest.mark.django_db
def test_trainer_is_identified_by_a_salted_hash_of_their_email_not_the_address():
    certificate = CertificateFactory()
    email = certificate.trainer.user.email
    hashed, name = certificate.credential["credentialSubject"]["identifier"]

    assert email not in json.dumps(certificate.credential)
    assert hashed["identityType"] == "emailAddress" and hashed["hashed"] is True
    expected = hashlib.sha256((email.lower() + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] == f"sha256${expected}"
    assert name == {
        "type": "IdentityObject",
        "identityHash": certificate.trainer_name,
        "identityType": "name",
        "hashed": False,
    }


def test_identity_hash_matches_the_ob_specifications_example():
    # OB 3.0's IdentityHash: 'a@example.com' salted with 'Kosher'.
    assert identity_hash("a@example.com", "Kosher") == (
        "sha256$" + hashlib.sha256(b"a@example.comKosher").hexdigest()
    )


@pytest.mark.django_db
def test_two_certificates_of_one_trainer_hash_the_email_differently():
    first = CertificateFactory()
    second = CertificateFactory(trainer=first.trainer)

    def hashed(certificate):
        return certificate.credential["credentialSubject"]["identifier"][0]["identityHash"]

    assert hashed(first) != hashed(second)


@pytest.mark.django_db
def test_own_credential_verifies_after_a_json_round_trip():
    certificate = CertificateFactory()
    certificate.refresh_from_db()

    _verify(json.loads(credential_bytes(certificate)))


CHANGES = {
    "name": lambda d: d.update(name="Stroke competency certificate (forged)"),
    "validUntil": lambda d: d.update(validUntil="2099-12-31T23:59:59Z"),
    "validFrom": lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
    "status index": lambda d: d["credentialStatus"].update(statusListIndex="1"),
    "status list": lambda d: d["credentialStatus"].update(
        statusListCredential="https://elsewhere.example/status/1.json"
    ),
    "issuer": lambda d: d["issuer"].update(id="did:web:elsewhere.example"),
    "issuer name": lambda d: d["issuer"].update(name="Another programme"),
    "trainer name": lambda d: d["credentialSubject"]["identifier"][1].update(
        identityHash="Someone Else"
    ),
    "email hash": lambda d: d["credentialSubject"]["identifier"][0].update(
        identityHash="sha256$" + "0" * 64
    ),
    "achievement": lambda d: d["credentialSubject"]["achievement"].update(name="Competency"),
    "id": lambda d: d.update(id="https://elsewhere.example/credential"),
    "proof created": lambda d: d["proof"][0].update(created="2020-01-01T00:00:00Z"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_changed_field_breaks_the_proof(change):
    document = json.loads(credential_bytes(CertificateFactory()))
    changed = copy.deepcopy(document)
    change(changed)

    with pytest.raises(dataintegrity.ProofError):
        _verify(changed)


@pytest.mark.django_db
def test_unsaved_certificate_can_be_signed_before_it_is_stored():
    saved = CertificateFactory()
    unsaved = CertificateFactory.build(
        trainer=saved.trainer, condition_area=saved.condition_area, status_index=7
    )

    document = credential_for(unsaved)

    _verify(json.loads(json.dumps(document)))
    assert document["id"] == links.credential_url(unsaved.code)


@pytest.mark.django_db
def test_credential_bytes_are_stable_utf8_json_with_the_context_first():
    certificate = CertificateFactory(trainer_name="Zoë Ñúñez")
    certificate.refresh_from_db()

    body = credential_bytes(certificate)

    assert body == credential_bytes(certificate)
    assert body.startswith(b'{\n  "@context"')
    assert "Zoë Ñúñez".encode() in body


@pytest.mark.django_db
def test_signing_a_credential_takes_a_bounded_time():
    certificate = CertificateFactory()
    credential_for(certificate)  # warm the context loader and pyld's caches
    runs = 10
    with time_machine.travel(dt.datetime(2027, 1, 1, tzinfo=dt.UTC), tick=True):
        start = time.perf_counter()
        for _ in range(runs):
            credential_for(certificate)
        elapsed = (time.perf_counter() - start) / runs

    # A shared two-core machine; issuing 1,000 certificates must stay a matter of minutes.
    assert elapsed < 1.0


@pytest.mark.django_db
def test_every_term_is_defined_by_the_pinned_contexts():
    # VC 2.0's @vocab would silently map an undefined term to "issuer-dependent#": a verifier
    # may refuse such terms, and a misspelt one would be signed without meaning anything.
    certificate = CertificateFactory()
    statuslist_document = statuslist.status_list_credential(1)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}

    for document in (certificate.credential, statuslist_document):
        nquads = jsonld.normalize(
            copy.deepcopy(document), {**options, "documentLoader": credential.LOADER}
        )
        assert "issuer-dependent" not in nquads
