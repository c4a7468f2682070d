"""The generated programme's certificates (programme.generate_certificates): the public
verification page is benchmarked among them."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from mentorship.models import ScopeDeclaration
from programme.generate import PERSONAS
from programme.models import Certificate

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY"
    ),
    pytest.mark.django_db,
]


def test_every_other_declaring_trainer_gets_one_certificate_with_its_own_code_and_entry(client):
    call_command("generate_programme", "--trainers", "40", stdout=io.StringIO())
    certificates = list(Certificate.objects.select_related("scope_declaration"))
    declarations = ScopeDeclaration.objects.count()
    # Half, and the persona's: the rest are for the benchmark to issue through the worker.
    assert declarations // 2 <= len(certificates) <= declarations // 2 + 2
    assert len(certificates) > 0
    assert len({c.code for c in certificates}) == len(certificates)
    assert len({(c.status_list, c.status_index) for c in certificates}) == len(certificates)
    for c in certificates:
        assert c.trainer_id == c.scope_declaration.trainer_id
        assert c.issued_on <= c.expires_on
        assert c.condition_area in c.scope_declaration.areas.all()
    persona = Certificate.objects.get(trainer__user__email=PERSONAS["trainer"])
    response = client.get(reverse("programme:certificate_verify", args=[persona.code]))
    assert response.status_code == 200
    # One credential signed once for every generated row (the signer is timed elsewhere).
    assert "proof" in certificates[0].credential
    assert certificates[0].credential == certificates[-1].credential
