"""Eligibility decided from the pathway, on hand-made facts (no database), and its properties
over dates with hypothesis: an answer never claims to hold past an expiry it rests on, and
moving any expiry earlier never makes the answer better."""

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from programme.eligibility.decide import STATUS_ORDER, decide
from programme.pathway.results import Status
from programme.pathway.rules import DEFAULTS
from tests.programme.facts_builders import (
    AREAS,
    ON,
    PARKINSONS,
    STROKE,
    assignment,
    cpd,
    dbs,
    declaration,
    first_aid,
    insurance,
    qualification,
    recognised_facts,
    run,
    sessions,
    supervised_facts,
)

AS_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def answers(trainer, *, on=ON, rules=DEFAULTS):
    return decide(trainer, run(trainer, on=on, rules=rules), rules=rules, as_at=AS_AT)


def answer(trainer, area=STROKE, **kwargs):
    return answers(trainer, **kwargs)[area.id]


def test_a_recognised_trainer_with_current_compliance_is_eligible():
    trainer = recognised_facts()
    result = answer(trainer)
    assert result.status == Status.ELIGIBLE
    assert result.reasons[0] == "Recognised for Stroke: every stage of the pathway complete"
    assert "Verified First Aid at Work, current until 1 Dec 2028" in result.reasons
    assert result.as_at == AS_AT and result.on == ON and result.rules_version == 0
    assert result.mentor_name == ""
    assert result.area == STROKE
    assert result.pathway is not None and result.pathway.recognised
    # The earliest lapse of all it rests on: the insurance.
    assert result.holds_until == trainer.insurances[0].expires_on


def test_answers_for_every_area_evaluated():
    result = answers(recognised_facts())
    assert list(result) == [a.id for a in AREAS]
    assert result[PARKINSONS.id].status == Status.NOT_ELIGIBLE


def test_a_suspended_trainer_is_never_eligible():
    trainer = dataclasses.replace(recognised_facts(), suspended=True)
    result = answer(trainer)
    assert result.status == Status.NOT_ELIGIBLE
    assert result.reasons == ("Suspended by programme staff",)
    assert result.holds_until is None
    supervised = dataclasses.replace(supervised_facts(), suspended=True)
    assert answer(supervised).status == Status.NOT_ELIGIBLE


def test_not_eligible_gives_every_reason():
    trainer = dataclasses.replace(
        recognised_facts(),
        qualifications=tuple(q for q in recognised_facts().qualifications if q.kind != "first_aid"),
        insurances=(insurance(status="pending"),),
        declarations=(),
    )
    result = answer(trainer)
    assert result.status == Status.NOT_ELIGIBLE
    assert result.reasons == (
        "No current scope of practice declaration",
        "insurance with Hiscox (PL-1) waiting for verification",
        "No verified first aid certificate",
        "No current mentor for Stroke, so not under supervision either",
    )
    assert result.holds_until is None


def test_supervised_only_under_a_current_mentor():
    ends = ON + dt.timedelta(days=60)
    trainer = dataclasses.replace(supervised_facts(), assignments=(assignment(ends_on=ends),))
    result = answer(trainer)
    assert result.status == Status.SUPERVISED_ONLY
    assert result.mentor_name == "Priya Shah"
    assert result.reasons[:2] == (
        "Referral-ready for Stroke, not yet recognised (stage reached: Neuro specialist in "
        "training, 3 of 5)",
        "Works under the supervision of mentor Priya Shah until 30 Jan 2027",
    )
    assert "Not yet: No current scope of practice declaration" in result.reasons
    assert result.holds_until == ends  # the assignment ends before any record lapses


def test_supervised_only_rests_on_the_compliance_it_asks_for():
    trainer = supervised_facts()
    result = answer(trainer)
    assert result.status == Status.SUPERVISED_ONLY
    assert result.holds_until == trainer.insurances[0].expires_on
    # CPD is not asked of a trainer under supervision.
    missed = dataclasses.replace(trainer, cpd=())
    assert answer(missed).status == Status.SUPERVISED_ONLY
    # First aid is.
    no_first_aid = dataclasses.replace(
        trainer, qualifications=tuple(q for q in trainer.qualifications if q.kind != "first_aid")
    )
    result = answer(no_first_aid)
    assert result.status == Status.NOT_ELIGIBLE
    assert "No verified first aid certificate" in result.reasons


def test_supervised_only_needs_the_mentor_for_the_area():
    trainer = dataclasses.replace(
        supervised_facts(), assignments=(assignment(areas=frozenset({PARKINSONS.id})),)
    )
    result = answer(trainer)
    assert result.status == Status.NOT_ELIGIBLE
    assert "No current mentor for Stroke, so not under supervision either" in result.reasons
    assert answer(trainer, PARKINSONS).status == Status.SUPERVISED_ONLY


def test_supervised_only_needs_referral_ready():
    trainer = dataclasses.replace(
        supervised_facts(),
        qualifications=(qualification("personal_training"), first_aid()),
    )
    result = answer(trainer)
    assert result.status == Status.NOT_ELIGIBLE
    assert "No verified Level 3 Exercise Referral or Long-Term Conditions qualification" in (
        result.reasons
    )


def test_a_recognised_trainer_behind_on_cpd_with_a_mentor_works_under_supervision():
    short = (cpd(dt.date(2026, 10, 1), "4", areas=frozenset({STROKE.id})),)  # 4 of 10 points
    trainer = dataclasses.replace(recognised_facts(), cpd=short, assignments=(assignment(),))
    result = answer(trainer)
    assert result.status == Status.SUPERVISED_ONLY
    assert result.reasons[0].startswith("Recognised for Stroke, but not every compliance")
    assert "Not yet: CPD target not met in the CPD year 1 Nov 2025 to 31 Oct 2026" in (
        result.reasons
    )
    # Without the mentor: not eligible, the CPD named.
    result = answer(dataclasses.replace(trainer, assignments=()))
    assert result.status == Status.NOT_ELIGIBLE
    assert result.reasons[0] == "CPD target not met in the CPD year 1 Nov 2025 to 31 Oct 2026"


def test_missing_or_unverified_data_never_reads_eligible():
    for status in ("pending", "rejected"):
        trainer = dataclasses.replace(
            recognised_facts(), declarations=(declaration(),), dbs_checks=(dbs(status=status),)
        )
        assert answer(trainer).status == Status.NOT_ELIGIBLE


def test_eligible_in_a_plan_for_a_later_day():
    trainer = recognised_facts()
    later = trainer.insurances[0].expires_on + dt.timedelta(days=1)
    result = answer(trainer, on=later)
    assert result.status == Status.NOT_ELIGIBLE
    assert result.on == later
    assert any("expired" in reason for reason in result.reasons)


# --- Properties over dates ----------------------------------------------------------------

# Mostly current (an answer worth testing is rarely all lapsed), sometimes lapsed, sometimes
# never lapsing.
current = st.integers(min_value=0, max_value=1500)
offsets = st.one_of(st.none(), current, current, current, st.integers(min_value=-60, max_value=120))


def on_or_none(offset):
    return None if offset is None else ON + dt.timedelta(days=offset)


@st.composite
def trainers(draw):
    """A trainer near recognition for stroke, with every expiry drawn."""
    qualifications = [
        qualification("personal_training", expires_on=on_or_none(draw(offsets))),
        qualification("exercise_referral", expires_on=on_or_none(draw(offsets))),
    ]
    if draw(st.integers(0, 2)):
        qualifications.append(
            qualification(
                "neuro_specialist",
                level=4,
                areas=frozenset({STROKE.id}),
                expires_on=on_or_none(draw(offsets)),
            )
        )
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2]))):
        qualifications.append(first_aid(expires_on=on_or_none(draw(offsets))))
    insurances = [
        insurance(
            starts_on=ON - dt.timedelta(days=draw(st.integers(-20, 400))),
            expires_on=ON + dt.timedelta(days=draw(st.integers(-30, 700))),
        )
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2])))
    ]
    checks = [
        dbs(expires_on=on_or_none(draw(offsets)))
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1])))
    ]
    assignments = []
    if draw(st.integers(0, 2)):
        starts = ON - dt.timedelta(days=draw(st.integers(0, 200)))
        assignments.append(
            assignment(
                starts_on=starts,
                ends_on=on_or_none(draw(st.one_of(st.none(), st.integers(0, 500)))),
                areas=draw(st.sampled_from([frozenset(), frozenset({STROKE.id})])),
            )
        )
    declarations = []
    if draw(st.integers(0, 2)):
        declarations.append(
            declaration(valid_until=ON + dt.timedelta(days=draw(st.integers(0, 400))))
        )
    complete = draw(st.booleans())
    base = supervised_facts() if not complete else recognised_facts()
    return dataclasses.replace(
        base,
        qualifications=tuple(qualifications),
        insurances=tuple(insurances),
        dbs_checks=tuple(checks),
        assignments=tuple(assignments),
        declarations=tuple(declarations),
        sessions=sessions() if complete else sessions(per_level=(3, 2, 0)),
    )


def expiries(trainer):
    """Every expiry of the trainer's evidence, by the record's public id (None: no end)."""
    found = {q.public_id: q.expires_on for q in trainer.qualifications}
    found |= {r.public_id: r.expires_on for r in (*trainer.insurances, *trainer.dbs_checks)}
    found |= {a.public_id: a.ends_on for a in trainer.assignments}
    found |= {d.public_id: d.valid_until for d in trainer.declarations}
    return found


def rested_on(result):
    """The requirement results an answer rests on (as decide documents it)."""
    pathway = result.pathway
    if result.status == Status.ELIGIBLE:
        return [r for s in pathway.stages for r in s.requirements] + list(pathway.compliance)
    if result.status == Status.SUPERVISED_ONLY:
        index = DEFAULTS.definition.stage_index(DEFAULTS.definition.supervised_from)
        return [r for s in pathway.stages[:index] for r in s.requirements] + [
            r for r in pathway.compliance if r.requirement.for_supervised
        ]
    return []


def later(a, b):
    """a after b, None being no end."""
    if a is None:
        return b is not None
    return b is not None and a > b


# About one answer in five is eligible or supervised-only: more examples to see enough of them.
@settings(max_examples=300)
@given(trainers())
def test_an_answer_never_holds_past_an_expiry_it_rests_on(trainer):
    result = answer(trainer)
    known = expiries(trainer)
    for requirement in rested_on(result):
        for evidence in requirement.evidence:
            if evidence.public_id in known:
                assert not later(result.holds_until, known[evidence.public_id])
        assert not later(result.holds_until, requirement.holds_until)
    if result.status == Status.SUPERVISED_ONLY:
        (current,) = [a for a in trainer.assignments if a.mentor_name == result.mentor_name]
        assert not later(result.holds_until, current.ends_on)
    # Nothing known changes before then: the answer is at least as good on its last day.
    if result.holds_until is not None and result.status != Status.NOT_ELIGIBLE:
        last_day = answer(trainer, on=result.holds_until)
        assert STATUS_ORDER[last_day.status] >= STATUS_ORDER[result.status]


def earlier(trainer, public_id, days):
    """The trainer with the record `public_id` lapsing `days` days earlier (or, when it never
    lapsed, `days` days after ON)."""

    def move(day):
        return ON + dt.timedelta(days=days) if day is None else day - dt.timedelta(days=days)

    return dataclasses.replace(
        trainer,
        qualifications=tuple(
            dataclasses.replace(q, expires_on=move(q.expires_on)) if q.public_id == public_id else q
            for q in trainer.qualifications
        ),
        insurances=tuple(
            dataclasses.replace(r, expires_on=move(r.expires_on)) if r.public_id == public_id else r
            for r in trainer.insurances
        ),
        dbs_checks=tuple(
            dataclasses.replace(r, expires_on=move(r.expires_on)) if r.public_id == public_id else r
            for r in trainer.dbs_checks
        ),
        assignments=tuple(
            dataclasses.replace(a, ends_on=move(a.ends_on)) if a.public_id == public_id else a
            for a in trainer.assignments
        ),
        declarations=tuple(
            dataclasses.replace(d, valid_until=move(d.valid_until))
            if d.public_id == public_id
            else d
            for d in trainer.declarations
        ),
    )


@settings(max_examples=300)
@given(trainers(), st.data(), st.integers(min_value=1, max_value=800))
def test_moving_an_expiry_earlier_never_makes_the_answer_better(trainer, data, days):
    known = sorted(expiries(trainer), key=str)
    if not known:
        return
    public_id = data.draw(st.sampled_from(known))
    before = answers(trainer)
    after = answers(earlier(trainer, public_id, days))
    for area_id, old in before.items():
        new = after[area_id]
        assert STATUS_ORDER[new.status] <= STATUS_ORDER[old.status]
        if new.status == old.status:
            assert not later(new.holds_until, old.holds_until)
        # The pathway itself never gets further either.
        assert new.pathway.reached <= old.pathway.reached
