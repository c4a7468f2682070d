import pytest

from programme.certificates.lookup import certificate_by_code
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_a_code_is_found_however_it_is_typed(django_assert_num_queries):
    replacement = CertificateFactory()
    certificate = CertificateFactory(replaced_by=replacement)
    typed = certificate.code.replace("-", " ").lower().replace("1", "l").replace("0", "o")
    with django_assert_num_queries(1):
        found = certificate_by_code(typed)
        assert found == certificate
        assert found.replaced_by == replacement


def test_an_unknown_code_finds_nothing():
    CertificateFactory()
    assert certificate_by_code("0000-0000-0000-0000-0000-0000-0000") is None


def test_a_malformed_code_finds_nothing_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert certificate_by_code("not a code") is None
        assert certificate_by_code("") is None
