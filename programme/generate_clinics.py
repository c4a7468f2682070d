"""The clinics' part of the generated programme (issue 8): rosters, a scope statement and its
declarations, and the bench clinic's API token.

- **Rosters.** The bench clinic (the first, whose admin is the clinic persona) shares exactly
  `BENCH_ROSTER` trainers (1,000; every trainer below that), the trainer persona among them,
  plus `ENDED_SHARES` trainers who shared once and stopped (the roster must not show them).
  The number does not scale with the programme: a clinic's roster is bounded by whom it
  engages, and issue 8 asks for a roster of 1,000 at 10,000 trainers. Every other clinic
  shares 5 to 40 trainers.
- **Scope of practice.** One published statement (version 1, every condition area, in effect
  for two years) and declarations of it: most trainers who have had a mentor declare the
  areas they were supervised in, a few others one area, signed within the last year (so some
  lapse within 90 days: the compliance dashboard and the roster's "expiring" see them).
  With the qualifications, CPD and signed-off sessions already generated, this gives the
  roster all three answers: eligible (recognised and current), supervised only (in
  supervised practice with a current mentor) and not eligible.
- **API token.** The bench clinic has one token whose secret is `PERSONA_API_TOKEN`, a
  constant like the personas' password (a generated benchmark database only), so
  `make bench` can call the API without reading anything back.
"""

import datetime as dt
import hashlib
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from mentorship.models import ScopeDeclaration, ScopeStatement
from mentorship.models.scope import sha256_of
from mentorship.services.scope import declaration_text
from programme.bulk import Copier
from programme.models import ApiToken
from qualifications.models import ConditionArea
from trainers.models import ClinicShare

BENCH_ROSTER = 1000
ENDED_SHARES = 50
OTHER_ROSTER = (5, 40)
# The bench clinic's API token: the scheme of programme.api.tokens ("rp_<prefix>_<secret>").
PERSONA_API_PREFIX = "benchcln"
PERSONA_API_TOKEN = f"rp_{PERSONA_API_PREFIX}_rehabpath-bench-api-token-0123456789abcdef"  # noqa: S105
# Of the trainers who have had a mentor, and of the others: the share with a declaration.
DECLARED_SHARE = (0.7, 0.1)
STATEMENT_TEXT = (
    "Work **within** your training and this statement.\n\n"
    "- Exercise prescription for clients medically cleared for exercise.\n"
    "- No diagnosis, no treatment of acute conditions.\n"
    "- Stop and escalate when a client's presentation changes."
)
ESCALATION = ("Referring physiotherapist", "Community neuro rehabilitation team")


def roster_size(trainers: int) -> int:
    return min(trainers, BENCH_ROSTER)


@dataclass
class Clinics:
    """Plans and writes the clinics' rows; `programme.generate.Generator` calls its steps."""

    rng: random.Random
    today: dt.date
    now: dt.datetime
    roster: list[int] = field(default_factory=list)  # the bench clinic's trainer indexes

    def write_shares(self, clinic_ids: Sequence[int], profile_ids: Sequence[int]) -> int:
        """Open shares for every clinic's roster, and the bench clinic's ended ones."""
        rng = self.rng
        n = len(profile_ids)
        others = list(range(1, n))
        rng.shuffle(others)
        size = roster_size(n)
        self.roster = [0, *others[: size - 1]] if n else []
        ended = others[size - 1 : size - 1 + ENDED_SHARES]
        copier = Copier(ClinicShare, ["id", "public_id", "trainer", "clinic", "started_at"])
        copier_ended = Copier(
            ClinicShare, ["id", "public_id", "trainer", "clinic", "started_at", "ended_at"]
        )
        start = copier.next_id()
        pk = start

        def started() -> dt.datetime:
            return self.now - dt.timedelta(minutes=rng.randrange(60, 400 * 24 * 60))

        rows: list[tuple[Any, ...]] = []
        if clinic_ids:
            for i in self.roster:
                rows.append((pk, uuid.uuid4(), profile_ids[i], clinic_ids[0], started()))
                pk += 1
            for clinic in clinic_ids[1:]:
                for i in rng.sample(range(n), min(n, rng.randint(*OTHER_ROSTER))):
                    rows.append((pk, uuid.uuid4(), profile_ids[i], clinic, started()))
                    pk += 1
        written = copier.copy(rows)
        ended_rows = []
        for i in ended if clinic_ids else []:
            begun = started()
            stopped = begun + (self.now - begun) * rng.uniform(0.1, 0.9)
            ended_rows.append((pk, uuid.uuid4(), profile_ids[i], clinic_ids[0], begun, stopped))
            pk += 1
        return written + copier_ended.copy(ended_rows)

    def write_api_token(self, clinic_id: int, admin_id: int) -> int:
        ApiToken.objects.create(
            clinic_id=clinic_id,
            name="Bench rota system",
            prefix=PERSONA_API_PREFIX,
            token_sha256=hashlib.sha256(PERSONA_API_TOKEN.encode()).hexdigest(),
            created_by_id=admin_id,
            created_at=self.now,
        )
        return 1

    def write_scope(
        self,
        *,
        staff_id: int,
        user_names: Sequence[str],
        profile_ids: Sequence[int],
        supervised_areas: dict[int, set[int]],  # trainer index -> areas they were supervised in
    ) -> int:
        """The published statement, then the declarations (COPY, with their areas)."""
        rng = self.rng
        areas = list(ConditionArea.objects.order_by("position", "name"))
        if not areas:
            return 0
        effective = self.today - dt.timedelta(days=730)
        statement = ScopeStatement.objects.create(
            version=1,
            title="Scope of practice for neuro exercise trainers",
            text=STATEMENT_TEXT,
            effective_on=effective,
            grace_days=30,
            validity_months=12,
            earlier_valid_until=effective + dt.timedelta(days=30),
            created_by_id=staff_id,
            published_at=timezone.now() - dt.timedelta(days=730),
            published_by_id=staff_id,
        )
        statement.condition_areas.set(areas)
        by_id = {a.id: a for a in areas}
        declarations = Copier(
            ScopeDeclaration,
            ["id", "public_id", "trainer", "statement", "escalation_role"]
            + ["escalation_organisation", "signed_name", "signed_at", "signed_on", "expires_on"]
            + ["signed_text", "signed_sha256"],
        )
        through = ScopeDeclaration.areas.through
        links = Copier(through, ["id", "scopedeclaration", "conditionarea"])
        first, first_link = declarations.next_id(), links.next_id()
        pairs: list[tuple[int, int, int]] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = first
            for i, profile in enumerate(profile_ids):
                supervised = supervised_areas.get(i, set())
                share = DECLARED_SHARE[0] if supervised else DECLARED_SHARE[1]
                if i != 0 and rng.random() >= share:
                    continue
                declared = sorted(supervised or {rng.choice(areas).id})
                signed_on = self.today - dt.timedelta(days=rng.randrange(0, 360))
                signed_at = dt.datetime.combine(signed_on, dt.time(12), tzinfo=dt.UTC)
                signed_at = min(signed_at, self.now)
                name = user_names[i]
                text = declaration_text(
                    statement=statement,
                    areas=[by_id[a] for a in declared],
                    escalation_role=ESCALATION[0],
                    escalation_organisation=ESCALATION[1],
                    signed_name=name,
                    signed_at=signed_at,
                )
                for area in declared:
                    pairs.append((first_link + len(pairs), pk, area))
                yield (
                    pk,
                    uuid.uuid4(),
                    profile,
                    statement.pk,
                    *ESCALATION,
                    name,
                    signed_at,
                    signed_on,
                    signed_on + relativedelta(months=12),
                    text,
                    sha256_of(text),
                )
                pk += 1

        written = declarations.copy(rows())
        return 1 + written + links.copy(pairs)

    @staticmethod
    def sequences() -> list[Any]:
        return [
            ClinicShare,
            ScopeStatement.condition_areas.through,
            ScopeDeclaration,
            ScopeDeclaration.areas.through,
        ]
