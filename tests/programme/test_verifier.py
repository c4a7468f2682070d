"""The project's own verifier: own credentials verify; revoked, replaced and expired read so;
a changed field, a foreign key or a forged status list do not verify; nothing goes to the
network; the DID document and the development key behave as published."""

import copy
import datetime as dt
import json
import socket
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from programme.certificates import keys, statuslist
from programme.certificates.credential import credential_bytes
from programme.certificates.dataintegrity import Signer, add_proof
from programme.certificates.verifier import verify_credential
from programme.models import Certificate
from tests.factories import CertificateFactory


def _document(certificate) -> dict:
    certificate.refresh_from_db()
    return json.loads(credential_bytes(certificate))


def _revoke(certificate, kind=Certificate.Revocation.REVOKED):
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revocation=kind, revocation_reason="A reason"
    )


LOCAL = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def no_network(monkeypatch):
    """Anything but this machine's own services (PostgreSQL, Redis) fails the test."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        assert host in LOCAL, f"the verifier looked up {host}"
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple):
            assert address[0] in LOCAL, f"the verifier connected to {address}"
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.mark.django_db
def test_own_credential_is_valid_with_every_check_passed(no_network):
    result = verify_credential(_document(CertificateFactory()))

    assert result.valid, result.checks
    assert [check.name for check in result.checks] == [
        "format",
        "issuer key",
        "signature",
        "schema",
        "dates",
        "status",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    [
        Certificate.Revocation.REVOKED,
        Certificate.Revocation.SUSPENDED,
        Certificate.Revocation.REPLACED,
    ],
)
def test_revoked_suspended_and_replaced_certificates_read_revoked(kind, no_network):
    certificate = CertificateFactory()
    _revoke(certificate, kind)

    result = verify_credential(_document(certificate))

    assert result.status == "revoked"
    assert not result.valid


@pytest.mark.django_db
def test_expired_certificate_reads_expired():
    certificate = CertificateFactory(
        issued_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2026, 6, 30),
        issued_at=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC),
    )

    on_last_day = dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)
    day_after = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)

    assert verify_credential(_document(certificate), on=on_last_day).valid
    assert verify_credential(_document(certificate), on=day_after).status == "expired"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(name="Forged"),
        lambda d: d.update(validUntil="2099-01-01T00:00:00Z"),
        lambda d: d["credentialStatus"].update(statusListIndex="0"),
        lambda d: d["credentialSubject"]["achievement"].update(description="Anything"),
    ],
    ids=["name", "validUntil", "status index", "achievement"],
)
def test_changed_credential_is_invalid(change):
    document = _document(CertificateFactory())
    change(document)

    result = verify_credential(document)

    assert result.status == "invalid"
    assert dict((c.name, c.ok) for c in result.checks)["signature"] is False


@pytest.mark.django_db
def test_credential_of_another_issuer_is_invalid_without_its_did_document():
    document = _document(CertificateFactory())
    document["issuer"]["id"] = "did:web:elsewhere.example"

    result = verify_credential(document)

    assert result.status == "invalid"
    assert "elsewhere.example" in dict((c.name, c.explanation) for c in result.checks)["issuer key"]


@pytest.mark.django_db
def test_credential_signed_by_another_key_is_invalid():
    certificate = CertificateFactory()
    document = _document(certificate)
    other = Signer(keys._key_from(keys.new_private_key_multibase()), keys.verification_method_id())
    from programme.certificates.credential import LOADER

    forged = add_proof(
        {k: v for k, v in document.items() if k != "proof"},
        signer=other,
        created="2026-01-01T00:00:00Z",
        loader=LOADER,
    )
    forged["proof"] = [forged["proof"]]

    assert verify_credential(forged).status == "invalid"


@pytest.mark.django_db
def test_a_status_list_that_is_not_signed_by_the_issuer_is_not_trusted():
    certificate = CertificateFactory()
    _revoke(certificate)
    # The genuine, signed list with the revoked bit cleared.
    forged = copy.deepcopy(statuslist.status_list_credential(1))
    forged["credentialSubject"]["encodedList"] = statuslist.encode([], 131_072)

    result = verify_credential(_document(certificate), status_list_fetcher=lambda url: forged)

    assert result.status == "invalid"


@pytest.mark.django_db
def test_foreign_status_list_url_is_not_fetched(no_network):
    document = _document(CertificateFactory())
    document["credentialStatus"]["statusListCredential"] = "http://169.254.169.254/latest"

    result = verify_credential(document)

    assert result.status == "invalid"


@pytest.mark.django_db
def test_did_document_key_verifies_credentials_and_is_controlled_by_the_issuer():
    did = keys.did_document()
    [method] = did["verificationMethod"]

    assert did["id"] == keys.issuer_id()
    assert method["controller"] == keys.issuer_id()
    assert method["type"] == "Multikey"
    assert did["assertionMethod"] == [keys.verification_method_id()]
    assert verify_credential(_document(CertificateFactory()), did_document=did).valid


def test_issuer_id_is_did_web_of_the_site_url(settings):
    settings.SITE_URL = "https://rehab.example"
    assert keys.issuer_id() == "did:web:rehab.example"
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert keys.issuer_id() == "did:web:127.0.0.1%3A8000"
    settings.SITE_URL = "https://example.org/programme/rehab"
    assert keys.issuer_id() == "did:web:example.org:programme:rehab"
    assert keys.verification_method_id() == "did:web:example.org:programme:rehab#key-1"


def test_without_a_key_and_without_debug_signing_is_refused(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        keys.signing_key()


def test_with_debug_a_development_key_is_generated_once_private_and_reused(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.DEBUG = True
    settings.CREDENTIAL_DEV_KEY_FILE = tmp_path / "var" / "credential-signing-key"

    first = keys.public_key_multibase()
    second = keys.public_key_multibase()

    assert first == second
    assert settings.CREDENTIAL_DEV_KEY_FILE.stat().st_mode & 0o777 == 0o600


def test_a_malformed_key_is_refused(settings):
    settings.CREDENTIAL_SIGNING_KEY = "not-a-key"

    with pytest.raises(ImproperlyConfigured):
        keys.signing_key()


def test_credential_key_command_prints_a_usable_key():
    out = StringIO()
    call_command("credential_key", stdout=out)

    assert keys._key_from(out.getvalue().strip())


@pytest.mark.django_db
def test_verify_credential_command_reads_a_code_a_file_and_own_urls(tmp_path, no_network):
    certificate = CertificateFactory()
    path = tmp_path / "credential.json"
    path.write_bytes(credential_bytes(certificate))
    from programme.certificates import links

    for source in [certificate.code.lower(), str(path), links.credential_url(certificate.code)]:
        out = StringIO()
        call_command("verify_credential", source, stdout=out)
        assert "The credential is valid." in out.getvalue()


@pytest.mark.django_db
def test_verify_credential_command_refuses_other_urls_and_fails_on_revoked(no_network):
    certificate = CertificateFactory()
    with pytest.raises(CommandError, match="Only this site's URLs"):
        call_command("verify_credential", "http://10.0.0.1/credential.json", stdout=StringIO())

    _revoke(certificate)
    out = StringIO()
    with pytest.raises(CommandError, match="revoked"):
        call_command("verify_credential", certificate.code, stdout=out)
    assert "FAIL status" in out.getvalue()
