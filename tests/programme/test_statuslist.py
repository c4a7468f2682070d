"""The Bitstring Status List: random free entries, at least 131,072 bits decoded as the W3C
specification says, revoked and replaced certificates set and no others, signed by the issuer,
and a revocation visible at once despite the cache."""

import datetime as dt

import pytest
from django.utils import timezone

from programme.certificates import keys, statuslist
from programme.certificates.credential import LOADER
from programme.certificates.dataintegrity import public_key_from_multibase, verify_proof
from programme.models import Certificate
from tests.factories import CertificateFactory


def _revoke(certificate, kind=Certificate.Revocation.REVOKED):
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revocation=kind, revocation_reason="A reason"
    )


def _bits(number=1) -> bytes:
    document = statuslist.status_list_credential(number)
    return statuslist.decode(document["credentialSubject"]["encodedList"])


def test_bit_zero_is_the_leftmost_bit_of_the_first_byte():
    bits = statuslist.decode(statuslist.encode([0, 9], 16))

    assert bits == bytes([0b1000_0000, 0b0100_0000])


@pytest.mark.django_db
def test_list_has_at_least_131072_entries_and_only_revoked_ones_set():
    kept = CertificateFactory(status_index=3)
    revoked = CertificateFactory(status_index=131_071)
    replaced = CertificateFactory(status_index=8)
    suspended = CertificateFactory(status_index=70_000)
    _revoke(revoked)
    _revoke(replaced, Certificate.Revocation.REPLACED)
    _revoke(suspended, Certificate.Revocation.SUSPENDED)

    bits = _bits()

    assert len(bits) * 8 >= 131_072
    assert statuslist.bit(bits, revoked.status_index)
    assert statuslist.bit(bits, replaced.status_index)
    assert statuslist.bit(bits, suspended.status_index)
    assert not statuslist.bit(bits, kept.status_index)
    assert sum(bin(byte).count("1") for byte in bits) == 3


@pytest.mark.django_db
def test_list_is_a_signed_credential_of_the_issuer():
    document = statuslist.status_list_credential(1)

    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == statuslist.status_list_url(1)
    assert document["issuer"] == keys.issuer_id()
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    key = public_key_from_multibase(
        keys.did_document()["verificationMethod"][0]["publicKeyMultibase"]
    )
    verify_proof(document, public_key=key, loader=LOADER)


@pytest.mark.django_db
def test_revocation_shows_in_the_next_request_despite_the_cache():
    certificate = CertificateFactory()
    assert not statuslist.bit(_bits(), certificate.status_index)

    _revoke(certificate)

    assert statuslist.bit(_bits(), certificate.status_index)


@pytest.mark.django_db
def test_unchanged_list_is_served_from_the_cache_in_one_query(django_assert_num_queries):
    CertificateFactory()
    statuslist.status_list_credential(1)

    with django_assert_num_queries(1):
        statuslist.status_list_credential(1)


@pytest.mark.django_db
def test_changed_list_costs_two_queries(django_assert_num_queries):
    _revoke(CertificateFactory())

    with django_assert_num_queries(2):
        statuslist.status_list_credential(1)


@pytest.mark.django_db
def test_allocate_entry_picks_a_random_free_index_of_the_current_list(monkeypatch):
    taken = CertificateFactory(status_list=1, status_index=5)
    draws = iter([taken.status_index, 99])
    monkeypatch.setattr(statuslist.secrets, "randbelow", lambda n: next(draws))

    assert statuslist.allocate_entry() == (1, 99)


@pytest.mark.django_db
def test_allocate_entry_moves_on_when_the_list_is_three_quarters_full(settings):
    settings.STATUS_LIST_SIZE = 8
    for index in range(7):
        CertificateFactory(status_list=1, status_index=index)

    number, index = statuslist.allocate_entry()

    assert number == 2 and 0 <= index < 8


@pytest.mark.django_db
def test_allocations_spread_over_the_whole_list():
    indexes = {statuslist.allocate_entry()[1] for _ in range(50)}

    assert len(indexes) == 50
    assert max(indexes) > 131_072 // 2


@pytest.mark.django_db
def test_list_of_a_number_without_certificates_is_empty_but_full_size():
    bits = _bits(7)

    assert len(bits) * 8 == 131_072 and not any(bits)


@pytest.mark.django_db
def test_etag_changes_with_a_revocation():
    certificate = CertificateFactory()
    before = statuslist.revision(1).etag

    _revoke(certificate)

    assert statuslist.revision(1).etag != before
    assert statuslist.revision(1).last_revoked_at <= timezone.now() + dt.timedelta(seconds=1)
