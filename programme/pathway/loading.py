"""Load `TrainerFacts` for one trainer or thousands in a fixed number of queries.

`load_facts(trainer_ids, on=day)` reads plain values (`values_list`, no model instances) in
eleven queries whatever the number of trainers or of their records, and only what the pathway
rules read: every qualification, insurance policy and DBS check (the evaluator decides what
counts and says why the rest do not), CPD from the start of the last complete CPD year (or of
the CPD-hours window, if earlier), non-draft supervised sessions counted by area, level and
status, confirmed supervision meetings in the look-back, the mentor assignments in force on
the day, and the scope declarations holding on the day.

The rules of the lower layers are reused, not restated: `current_assignments(on)` and
`valid_declarations(on)` as querysets, `qualification_expiry` over the loaded values, and the
DBS recheck rule of `DBSCheck.expiry_date` (replicated over values, the model's own method
needs an instance).

Measured on PostgreSQL 17 here (two cores shared with six other sessions, load average 6 to 13
throughout, so wall times are several times what an idle machine gives), with
`generate_programme --trainers 1000` (3,149 qualifications, 10,071 CPD activities tagged with
an area in the last 12 months and ~40,000 in all, 1,954 session counts): `load_facts` of the
1,000 trainers is 11 queries, 110-140 ms of CPU and 310-900 ms of wall time (median ~550 ms);
before the CPD-year sums moved into SQL and the ids into one array literal it was 1.1-1.6 s.
The 40,000 activities of the CPD-points rule come back as at most four sums a trainer.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Lookup

from mentorship.access import current_assignments
from mentorship.models import (
    MeetingStatus,
    SessionStatus,
    SupervisedSession,
    SupervisionMeeting,
)
from mentorship.selectors_scope import valid_declarations
from programme.pathway.facts import (
    Area,
    AssignmentFact,
    CPDFact,
    CPDYearTotal,
    DeclarationFact,
    MeetingFact,
    QualificationFact,
    RecordFact,
    SessionCount,
    TrainerFacts,
)
from programme.pathway.rules import DEFAULT_DEFINITION, Definition, Kind
from qualifications.models import (
    ConditionArea,
    CPDActivity,
    QualificationType,
    TrainerQualification,
)
from qualifications.rules import qualification_expiry
from qualifications.scoring import CPDYear, cpd_year_containing
from trainers.models import DBSCheck, Insurance, TrainerProfile

ZERO = Decimal("0")

__all__ = ["QUERIES", "condition_areas", "load_facts", "loading_window"]

# The number of queries `load_facts` makes for one trainer or many (none for no trainers).
QUERIES = 11


def condition_areas() -> list[Area]:
    """Every condition area, in catalogue order (one query)."""
    return [
        Area(pk, slug, name)
        for pk, slug, name in ConditionArea.objects.order_by("position", "name").values_list(
            "pk", "slug", "name"
        )
    ]


def loading_window(definition: Definition, on: dt.date) -> tuple[dt.date, dt.date]:
    """(the day before the CPD-hours window opens, the first day of the meetings' look-back)
    for evaluating `on`: the rules' own windows, the longest of each."""
    hours_from = on
    meetings_months = 0
    for r in definition.all_requirements():
        if r.kind == Kind.CPD_AREA_HOURS:
            hours_from = min(hours_from, on - relativedelta(months=r.months))
        elif r.kind == Kind.SUPERVISION_MEETINGS:
            meetings_months = max(meetings_months, r.months)
    return hours_from, on.replace(day=1) - relativedelta(months=meetings_months)


@lru_cache(maxsize=4096)
def _two_years(anchor: dt.date, on: dt.date) -> tuple[CPDYear, CPDYear]:
    """The last complete CPD year and the current one, for an anniversary `anchor`."""
    current = cpd_year_containing(anchor, on)
    return cpd_year_containing(anchor, current.start - dt.timedelta(days=1)), current


# PostgreSQL sums each trainer's two CPD years in the database, their bounds sent as arrays:
# a roster's 40,000 activities come back as at most four rows a trainer.
_YEAR_SUMS = """
SELECT b.trainer_id, a.date >= b.current_start, a.endorsed, SUM(a.hours)
FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS b(trainer_id, last_start, current_start)
JOIN {table} a ON a.trainer_id = b.trainer_id AND a.date >= b.last_start AND a.date <= %s
GROUP BY 1, 2, 3
"""


def _cpd_year_sums(
    years: dict[int, tuple[CPDYear, CPDYear]], on: dt.date
) -> dict[tuple[int, dt.date], list[Decimal]]:
    """[endorsed hours, other hours] by (trainer id, CPD year start), up to `on`; one query."""
    totals: dict[tuple[int, dt.date], list[Decimal]] = {}
    if connection.vendor == "postgresql":
        ids = list(years)
        with connection.cursor() as cursor:
            cursor.execute(
                _YEAR_SUMS.format(table=connection.ops.quote_name(CPDActivity._meta.db_table)),
                [
                    _array(ids),
                    "{" + ",".join(years[i][0].start.isoformat() for i in ids) + "}",
                    "{" + ",".join(years[i][1].start.isoformat() for i in ids) + "}",
                    on,
                ],
            )
            for trainer_id, current, endorsed, hours in cursor.fetchall():
                year = years[trainer_id][1 if current else 0]
                sums = totals.setdefault((trainer_id, year.start), [ZERO, ZERO])
                sums[0 if endorsed else 1] += hours
        return totals
    first_day = min(last.start for last, _current in years.values())
    for trainer_id, day, hours, endorsed in (
        CPDActivity.objects.filter(
            AnyOf(F("trainer_id"), list(years)), date__gte=first_day, date__lte=on
        )
        .values_list("trainer_id", "date", "hours", "endorsed")
        .order_by()
    ):
        for year in years[trainer_id]:
            if year.start <= day <= year.end:
                sums = totals.setdefault((trainer_id, year.start), [ZERO, ZERO])
                sums[0 if endorsed else 1] += hours
    return totals


class AnyOf(Lookup[Any]):
    """`lhs = ANY('{1,2,3}'::bigint[])` on PostgreSQL: a roster's thousand ids as one array
    literal (as a thousand placeholders, or a list psycopg adapts item by item, they cost more
    to send than the query takes); IN elsewhere. The ids are integers: nothing to escape."""

    lookup_name = "any_of"  # used as an expression, never registered on a field
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return [int(i) for i in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*params, _array(self.rhs))
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)


def _array(ids: Sequence[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def _type_label(name: str, level: int | None) -> str:
    # As QualificationType.__str__ writes it.
    return f"Level {level} {name}" if level and not name.startswith("Level") else name


def load_facts(
    trainer_ids: Sequence[int], *, on: dt.date, definition: Definition | None = None
) -> dict[int, TrainerFacts]:
    """The facts of each trainer found, by id, for evaluating `on`; QUERIES queries.

    `definition` (the rules in force; the defaults when not given) bounds the CPD and
    meetings read.
    """
    ids = list(dict.fromkeys(trainer_ids))
    if not ids:
        return {}
    hours_from, meetings_from = loading_window(definition or DEFAULT_DEFINITION, on)

    # 1. The trainers.
    trainers = list(
        TrainerProfile.objects.filter(AnyOf(F("pk"), ids))
        .values_list("pk", "public_id", "user__name", "user__email", "status", "cpd_year_start")
        .order_by()
    )
    if not trainers:
        return {}

    # 2-3. Qualifications, with the areas their types cover.
    type_areas: dict[int, set[int]] = defaultdict(set)
    for type_id, area_id in (
        QualificationType.condition_areas.through.objects.filter(
            AnyOf(F("qualificationtype__awards__trainer_id"), ids)
        )
        .values_list("qualificationtype_id", "conditionarea_id")
        .distinct()
        .order_by()
    ):
        type_areas[type_id].add(area_id)
    qualifications: dict[int, list[QualificationFact]] = defaultdict(list)
    for (
        trainer_id,
        public_id,
        type_id,
        type_name,
        kind,
        level,
        validity,
        status,
        awarded_on,
        expires_on,
    ) in (
        TrainerQualification.objects.filter(AnyOf(F("trainer_id"), ids))
        .values_list(
            "trainer_id",
            "public_id",
            "qualification_type_id",
            "qualification_type__name",
            "qualification_type__kind",
            "qualification_type__level",
            "qualification_type__validity_months",
            "status",
            "awarded_on",
            "expires_on",
        )
        .order_by()
    ):
        qualifications[trainer_id].append(
            QualificationFact(
                public_id=public_id,
                name=_type_label(type_name, level),
                kind=kind,
                level=level,
                area_ids=frozenset(type_areas.get(type_id, ())),
                status=status,
                awarded_on=awarded_on,
                expires_on=qualification_expiry(awarded_on, expires_on, validity),
            )
        )

    # 4. Insurance.
    insurances: dict[int, list[RecordFact]] = defaultdict(list)
    for trainer_id, public_id, insurer, number, status, starts_on, expires_on in (
        Insurance.objects.filter(AnyOf(F("trainer_id"), ids))
        .values_list(
            "trainer_id",
            "public_id",
            "insurer",
            "policy_number",
            "status",
            "starts_on",
            "expires_on",
        )
        .order_by()
    ):
        insurances[trainer_id].append(
            RecordFact(
                public_id, f"insurance with {insurer} ({number})", status, starts_on, expires_on
            )
        )

    # 5. DBS checks; the recheck rule of DBSCheck.expiry_date over values.
    recheck = relativedelta(months=settings.DBS_RECHECK_MONTHS)
    levels = dict(DBSCheck.Level.choices)
    dbs: dict[int, list[RecordFact]] = defaultdict(list)
    for trainer_id, public_id, dbs_level, number, status, issued_on, subscribed, consent in (
        DBSCheck.objects.filter(AnyOf(F("trainer_id"), ids))
        .values_list(
            "trainer_id",
            "public_id",
            "level",
            "certificate_number",
            "status",
            "issued_on",
            "update_service_subscribed",
            "update_service_consent",
        )
        .order_by()
    ):
        dbs[trainer_id].append(
            RecordFact(
                public_id,
                f"{levels.get(dbs_level, dbs_level).lower()} DBS check ({number})",
                status,
                issued_on,
                None if subscribed and consent else issued_on + recheck,
                level=dbs_level,
            )
        )

    # 6. CPD points: the hours of each trainer's current and last complete CPD year, summed
    # (the evaluator needs the sums, not the activities).
    years = {pk: _two_years(anchor, on) for pk, *_rest, anchor in trainers}
    totals = _cpd_year_sums(years, on)
    # 7. The activities tagged with a condition area in the CPD-hours window, one row per area.
    cpd: dict[int, list[CPDFact]] = defaultdict(list)
    tagged: dict[uuid.UUID, tuple[int, dt.date, Decimal, bool, set[int]]] = {}
    for trainer_id, public_id, day, hours, endorsed, area_id in (
        CPDActivity.condition_areas.through.objects.filter(
            AnyOf(F("cpdactivity__trainer_id"), ids),
            cpdactivity__date__gt=hours_from,
            cpdactivity__date__lte=on,
        )
        .values_list(
            "cpdactivity__trainer_id",
            "cpdactivity__public_id",
            "cpdactivity__date",
            "cpdactivity__hours",
            "cpdactivity__endorsed",
            "conditionarea_id",
        )
        .order_by()
    ):
        row = tagged.setdefault(public_id, (trainer_id, day, hours, endorsed, set()))
        row[4].add(area_id)
    for public_id, (trainer_id, day, hours, endorsed, area_ids) in tagged.items():
        cpd[trainer_id].append(CPDFact(public_id, day, hours, endorsed, frozenset(area_ids)))

    # 8. Supervised sessions, counted (as mentorship.progress does).
    sessions: dict[int, list[SessionCount]] = defaultdict(list)
    for trainer_id, area_id, level, status, n in (
        SupervisedSession.objects.filter(AnyOf(F("trainer_id"), ids))
        .exclude(status=SessionStatus.DRAFT)
        .values_list("trainer_id", "condition_area_id", "complexity", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        sessions[trainer_id].append(SessionCount(area_id, level, status, n))

    # 9. Confirmed meetings in the look-back (with any mentor).
    meetings: dict[int, list[MeetingFact]] = defaultdict(list)
    for trainer_id, public_id, day in (
        SupervisionMeeting.objects.filter(
            AnyOf(F("assignment__trainer_id"), ids),
            status=MeetingStatus.CONFIRMED,
            meeting_date__gte=meetings_from,
            meeting_date__lte=on,
        )
        .values_list("assignment__trainer_id", "public_id", "meeting_date")
        .order_by()
    ):
        meetings[trainer_id].append(MeetingFact(public_id, day))

    # 10. Assignments in force on the day, their focus areas aggregated in the same query.
    assignments: dict[int, list[AssignmentFact]] = defaultdict(list)
    focus: dict[int, set[int]] = defaultdict(set)
    rows = list(
        current_assignments(on)
        .filter(AnyOf(F("trainer_id"), ids))
        .values_list(
            "pk",
            "trainer_id",
            "public_id",
            "mentor__user__name",
            "mentor__user__email",
            "starts_on",
            "ends_on",
            "focus_areas",
        )
        .order_by()
    )
    for pk, *_rest, area_id in rows:
        if area_id is not None:
            focus[pk].add(area_id)
    seen: set[int] = set()
    for pk, trainer_id, public_id, name, email, starts_on, ends_on, _area in rows:
        if pk in seen:
            continue
        seen.add(pk)
        assignments[trainer_id].append(
            AssignmentFact(public_id, name or email, starts_on, ends_on, frozenset(focus[pk]))
        )

    # 11. Declarations holding on the day, with their areas (one row per area).
    declarations: dict[int, list[DeclarationFact]] = defaultdict(list)
    declared: dict[int, set[int]] = defaultdict(set)
    holding = list(
        valid_declarations(on)
        .filter(AnyOf(F("trainer_id"), ids))
        .values_list(  # type: ignore[misc]  # superseded_until: valid_declarations annotates it
            "pk",
            "trainer_id",
            "public_id",
            "statement__version",
            "signed_on",
            "expires_on",
            "superseded_until",
            "areas",
        )
        .order_by("-signed_on", "-pk")
    )
    for pk, *_rest, area_id in holding:
        if area_id is not None:
            declared[pk].add(area_id)
    seen = set()
    for pk, trainer_id, public_id, version, signed_on, expires_on, superseded, _area in holding:
        if pk in seen:
            continue
        seen.add(pk)
        declarations[trainer_id].append(
            DeclarationFact(
                public_id=public_id,
                statement_version=version,
                area_ids=frozenset(declared[pk]),
                signed_on=signed_on,
                valid_until=min(expires_on, superseded) if superseded else expires_on,
            )
        )

    return {
        pk: TrainerFacts(
            trainer_id=pk,
            public_id=public_id,
            name=name or email,
            suspended=status == TrainerProfile.Status.SUSPENDED,
            cpd_year_start=cpd_year_start,
            qualifications=tuple(qualifications.get(pk, ())),
            insurances=tuple(insurances.get(pk, ())),
            dbs_checks=tuple(dbs.get(pk, ())),
            cpd=tuple(cpd.get(pk, ())),
            cpd_years=tuple(
                CPDYearTotal(year.start, year.end, *totals.get((pk, year.start), (ZERO, ZERO)))
                for year in years[pk]
            ),
            sessions=tuple(sessions.get(pk, ())),
            meetings=tuple(meetings.get(pk, ())),
            assignments=tuple(assignments.get(pk, ())),
            declarations=tuple(declarations.get(pk, ())),
        )
        for pk, public_id, name, email, status, cpd_year_start in trainers
    }
