"""The roster's order, filters and counts (pure: a computed roster, no database)."""

import datetime as dt

from mentorship.progress import Area
from programme.eligibility.roster import Roster, RosterCell, RosterTrainer, roster_view
from programme.pathway.results import Status

ON = dt.date(2026, 6, 1)
STROKE, PARKINSONS = Area(1, "stroke", "Stroke"), Area(2, "parkinsons", "Parkinson's")
E, S, N = Status.ELIGIBLE, Status.SUPERVISED_ONLY, Status.NOT_ELIGIBLE


def _trainer(name, stroke, parkinsons, *, until=(None, None), suspended=False):
    cells = {
        STROKE.id: RosterCell(STROKE.id, STROKE.name, stroke, until[0]),
        PARKINSONS.id: RosterCell(PARKINSONS.id, PARKINSONS.name, parkinsons, until[1]),
    }
    return RosterTrainer(public_id=name, name=name, suspended=suspended, cells=cells)


def _roster(*trainers):
    return Roster(
        clinic_id=1,
        on=ON,
        as_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
        rules_version=1,
        areas=(STROKE, PARKINSONS),
        trainers=trainers,
    )


def _names(view):
    return [row.trainer.name for row in view.rows]


ROSTER = _roster(
    _trainer("Eli Eligible", E, N, until=(dt.date(2027, 1, 1), None)),
    _trainer("Nia None", N, N),
    _trainer("Sam Supervised", S, N, until=(dt.date(2026, 12, 1), None)),
    _trainer("Lou Lapsing", E, E, until=(dt.date(2026, 6, 20), dt.date(2027, 3, 1))),
    _trainer("Ann Also-none", N, N, suspended=True),
    _trainer("Ed Earlier", E, S, until=(dt.date(2026, 9, 1), dt.date(2026, 8, 1))),
    _trainer("Una Unending", E, N),
)


def test_the_roster_puts_what_needs_attention_first():
    # Not eligible anywhere (by name), lapsing within 30 days, supervised only, eligible
    # (the soonest to lapse first; an answer with no end last).
    assert _names(roster_view(ROSTER)) == [
        "Ann Also-none",
        "Nia None",
        "Lou Lapsing",
        "Sam Supervised",
        "Ed Earlier",
        "Eli Eligible",
        "Una Unending",
    ]


def test_one_area_sorts_by_that_area_alone():
    view = roster_view(ROSTER, area_id=PARKINSONS.id)

    assert view.areas == (PARKINSONS,)
    assert _names(view)[:5] == [
        "Ann Also-none",
        "Eli Eligible",
        "Nia None",
        "Sam Supervised",
        "Una Unending",
    ]
    assert _names(view)[5:] == ["Ed Earlier", "Lou Lapsing"]


def test_a_status_filter_keeps_trainers_with_that_answer_in_an_area_shown():
    assert _names(roster_view(ROSTER, status=S)) == ["Sam Supervised", "Ed Earlier"]
    assert _names(roster_view(ROSTER, area_id=STROKE.id, status=S)) == ["Sam Supervised"]


def test_the_counts_cover_every_trainer_whatever_the_status_filter():
    view = roster_view(ROSTER, status=E)

    assert view.counts[STROKE.id] == {E: 4, S: 1, N: 2}
    assert view.counts[PARKINSONS.id] == {E: 1, S: 1, N: 5}
    assert view.summary()[0] == (STROKE, {"eligible": 4, "supervised_only": 1, "not_eligible": 2})


def test_a_trainer_with_no_answer_for_an_area_reads_not_eligible_there():
    lone = RosterTrainer(public_id="x", name="X", suspended=False, cells={})

    row = roster_view(_roster(lone)).rows[0]

    assert [c.status for c in row.cells] == [N, N]
    assert row.attention == 0
