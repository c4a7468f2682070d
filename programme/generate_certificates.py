"""The certificates of the generated programme (issue 11), so that the public verification page
is measured among 10,000 trainers' certificates, not in an empty table.

One certificate for every other trainer with a scope declaration (programme.generate_clinics:
the trainers most likely Recognised), and always for the trainer persona (the benchmark's
verification page shows theirs), for the first area they declared, issued on the day they
signed and expiring with the declaration, as issuing would. The other half is left without, so
that scripts/bench/certificates_issue.py has trainers to issue to through the worker.

Written with COPY, each with its own code and status entry (random indexes, as
programme.certificates.statuslist allocates). Every row carries the same signed credential,
made once for the first row: signing 10,000 proofs would time the signer, which
scripts/bench/certificates_issue.py measures through the worker. The verification page does
not read it; /verify/<code>.json of a generated row serves the first row's document.
"""

import datetime as dt
import json
import random
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Min

from mentorship.models import ScopeDeclaration
from programme.bulk import Copier
from programme.certificates.codes import new_code
from programme.models import Certificate

STATUS_LIST_SIZE = 131_072
COLUMNS = [
    "id",
    "public_id",
    "code",
    "trainer",
    "condition_area",
    "scope_declaration",
    "trainer_name",
    "area_name",
    "scope_title",
    "scope_version",
    "issuer_name",
    "issued_by",
    "issued_by_name",
    "issued_at",
    "issued_on",
    "expires_on",
    "status_list",
    "status_index",
    "credential",
    "pdf",
    "revocation",
    "revocation_reason",
]


def write_certificates(*, rng: random.Random, staff_id: int | None, staff_name: str) -> int:
    """One certificate for every other declaring trainer and the persona; the rows written."""
    from programme.generate import PERSONAS

    declaring = (
        ScopeDeclaration.objects.annotate(area=Min("areas__id"))
        .filter(area__isnull=False)
        .select_related("trainer__user", "statement")
        .order_by("id")
    )
    declarations = [
        declaration
        for n, declaration in enumerate(declaring)
        if n % 2 == 0 or declaration.trainer.user.email == PERSONAS["trainer"]
    ]
    if not declarations:
        return 0
    from qualifications.models import ConditionArea

    areas = dict(ConditionArea.objects.values_list("id", "name"))
    copier = Copier(Certificate, COLUMNS)
    first = copier.next_id()
    taken = set(Certificate.objects.values_list("status_list", "status_index"))
    credential: str | None = None

    def entry(n: int) -> tuple[int, int]:
        number = n // STATUS_LIST_SIZE + 1
        while True:
            pair = (number, rng.randrange(STATUS_LIST_SIZE))
            if pair not in taken:
                taken.add(pair)
                return pair

    rows: list[tuple[Any, ...]] = []
    for n, declaration in enumerate(declarations):
        user = declaration.trainer.user
        issued_on: dt.date = declaration.signed_on
        certificate = Certificate(
            pk=first + n,
            code=new_code(),
            trainer=declaration.trainer,
            condition_area_id=declaration.area,
            scope_declaration=declaration,
            trainer_name=user.name or user.email,
            area_name=areas[declaration.area],
            scope_title=declaration.statement.title,
            scope_version=declaration.statement.version or 1,
            issuer_name=settings.SITE_NAME,
            issued_by_id=staff_id,
            issued_by_name=staff_name,
            issued_at=declaration.signed_at,
            issued_on=issued_on,
            expires_on=max(declaration.expires_on, issued_on),
        )
        certificate.status_list, certificate.status_index = entry(n)
        if credential is None:
            from programme.certificates.credential import credential_for

            credential = json.dumps(credential_for(certificate))
        rows.append(
            (
                certificate.pk,
                uuid.uuid4(),
                certificate.code,
                declaration.trainer_id,
                certificate.condition_area_id,
                declaration.pk,
                certificate.trainer_name,
                certificate.area_name,
                certificate.scope_title,
                certificate.scope_version,
                certificate.issuer_name,
                staff_id,
                staff_name,
                certificate.issued_at,
                issued_on,
                certificate.expires_on,
                certificate.status_list,
                certificate.status_index,
                credential,
                "",
                "",
                "",
            )
        )
    written = copier.copy(rows)
    copier.reset_sequence()
    return written
