"""The pathway evaluator, rule by rule, on hand-made facts: no database."""

import dataclasses
import datetime as dt
import importlib
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from programme.pathway.evaluate import last_counting_day, month_end
from programme.pathway.results import EvidenceKind, Outcome
from programme.pathway.rules import (
    DEFAULT_DEFINITION,
    DEFAULTS,
    Definition,
    Kind,
    Requirement,
    RuleSet,
    Stage,
    from_json,
    to_json,
)
from tests.programme.facts_builders import (
    ANCHOR,
    ON,
    PARKINSONS,
    STROKE,
    assignment,
    cpd,
    dbs,
    declaration,
    facts,
    first_aid,
    insurance,
    meeting,
    qualification,
    recognised_facts,
    requirement,
    run,
    sessions,
    supervised_facts,
)

FIRST_AID = "compliance.first_aid"
INSURANCE = "compliance.insurance"
DBS = "compliance.dbs"
CPD = "compliance.cpd"
PT = "foundation.personal_training"
SPECIALIST = "specialist_in_training.specialist"
HOURS = "specialist_in_training.cpd_hours"
SESSIONS = "supervised_practice.sessions"
MEETINGS = "supervised_practice.meetings"
SCOPE = "recognised.scope"


def without(trainer, kind):
    return dataclasses.replace(
        trainer, qualifications=tuple(q for q in trainer.qualifications if q.kind != kind)
    )


def with_quals(trainer, *extra, drop=()):
    kept = tuple(q for q in trainer.qualifications if q.kind not in drop)
    return dataclasses.replace(trainer, qualifications=kept + extra)


# --- The whole pathway --------------------------------------------------------------------


def test_a_recognised_trainer_meets_everything_in_their_area():
    result = run(recognised_facts())
    stroke = result.area(STROKE.id)
    assert stroke.recognised and stroke.reached == 5
    assert all(r.outcome == Outcome.MET for s in stroke.stages for r in s.requirements)
    assert all(r.outcome == Outcome.MET for r in stroke.compliance)
    assert stroke.next_steps == ()
    assert result.rules_version == 0 and result.on == ON and not result.suspended
    # Parkinson's: the foundations hold, the area's own requirements do not.
    parkinsons = result.area(PARKINSONS.id)
    assert parkinsons.reached == 2
    assert parkinsons.current_stage.stage.key == "specialist_in_training"
    assert parkinsons.next_steps[0] == (
        "Upload your neuro specialist qualification covering Parkinson's, or ask programme "
        "staff for a mentor for Parkinson's."
    )


def test_area_independent_requirements_are_evaluated_once():
    result = run(recognised_facts())
    stroke, parkinsons = result.areas
    assert all(a is b for a, b in zip(stroke.compliance, parkinsons.compliance, strict=True))
    assert stroke.stages[0].requirements[0] is parkinsons.stages[0].requirements[0]


def test_reached_needs_every_stage_before_it():
    # Everything of stages 3-5 but no exercise referral: stage 1 reached, not more.
    result = run(without(recognised_facts(), "exercise_referral"))
    stroke = result.area(STROKE.id)
    assert stroke.reached == 1
    assert [s.complete for s in stroke.stages] == [True, False, True, True, True]
    assert stroke.holds_until is None  # Personal Training does not expire


def test_no_records_at_all():
    stroke = run(facts()).area(STROKE.id)
    assert stroke.reached == 0
    assert stroke.reached_stage is None
    assert stroke.next_steps[0] == "Upload your Level 3 Personal Training qualification."
    assert all(r.outcome == Outcome.UNMET for r in stroke.compliance[:3])
    # No CPD year ended before the anniversary of 2023: no CPD is due... the last one is.
    assert requirement(run(facts()), CPD).outcome == Outcome.UNMET


def test_the_stage_reached_holds_until_its_earliest_lapse():
    trainer = recognised_facts()
    stroke = run(trainer).area(STROKE.id)
    earliest = min(r.holds_until for s in stroke.stages for r in s.requirements if r.holds_until)
    assert stroke.holds_until == earliest


# --- Qualifications -----------------------------------------------------------------------


def test_a_verified_current_qualification_is_met_with_its_evidence():
    trainer = recognised_facts()
    result = requirement(run(trainer), PT)
    record = trainer.qualifications[0]
    assert result.outcome == Outcome.MET
    assert result.holds_until is None
    (evidence,) = result.evidence
    assert evidence.kind == EvidenceKind.QUALIFICATION
    assert evidence.public_id == record.public_id
    assert evidence.date_label == "awarded 1 Jun 2024, does not expire"
    assert result.reason == "Verified Level 3 Personal Training, current, with no expiry"
    assert result.next_step == ""


@pytest.mark.parametrize(
    ("status", "explanation", "next_step", "reason"),
    [
        (
            "pending",
            "Your First Aid at Work is waiting for verification by programme staff.",
            "Wait for programme staff to verify your First Aid at Work: nothing else to do.",
            "First Aid at Work waiting for verification",
        ),
        (
            "rejected",
            "Your First Aid at Work was rejected by programme staff.",
            "Read why on the record, and upload a corrected first aid certificate.",
            "First Aid at Work rejected at verification",
        ),
    ],
)
def test_unverified_records_do_not_count(status, explanation, next_step, reason):
    trainer = with_quals(recognised_facts(), first_aid(status=status), drop=("first_aid",))
    result = requirement(run(trainer), FIRST_AID)
    assert result.outcome == Outcome.UNMET
    assert (result.explanation, result.next_step, result.reason) == (
        explanation,
        next_step,
        reason,
    )
    assert result.holds_until is None
    assert result.evidence == ()


def test_an_expired_record_says_when_it_expired():
    trainer = with_quals(
        recognised_facts(), first_aid(expires_on=ON - dt.timedelta(days=1)), drop=("first_aid",)
    )
    result = requirement(run(trainer), FIRST_AID)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == "Your First Aid at Work expired on 30 Nov 2026."
    assert result.next_step == "Upload your renewed first aid certificate."
    assert result.reason == "First Aid at Work expired on 30 Nov 2026"


def test_a_record_counts_on_its_last_day():
    trainer = with_quals(recognised_facts(), first_aid(expires_on=ON), drop=("first_aid",))
    result = requirement(run(trainer), FIRST_AID)
    assert result.outcome == Outcome.EXPIRING
    assert result.holds_until == ON


def test_no_first_aid_certificate():
    result = requirement(run(without(recognised_facts(), "first_aid")), FIRST_AID)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == "There is no first aid certificate on your record."
    assert result.next_step == "Upload your first aid certificate."
    assert result.reason == "No verified first aid certificate"


def test_expiring_within_the_window_and_not_beyond():
    soon = with_quals(
        recognised_facts(), first_aid(expires_on=ON + dt.timedelta(days=90)), drop=("first_aid",)
    )
    later = with_quals(
        recognised_facts(), first_aid(expires_on=ON + dt.timedelta(days=91)), drop=("first_aid",)
    )
    result = requirement(run(soon), FIRST_AID)
    assert result.outcome == Outcome.EXPIRING
    assert result.met
    assert result.next_step == "Upload your renewed first aid certificate before 1 Mar 2027."
    assert requirement(run(later), FIRST_AID).outcome == Outcome.MET
    assert run(soon).area(STROKE.id).expiring() == [result]


def test_the_longest_lasting_record_is_the_evidence():
    short = first_aid(expires_on=ON + dt.timedelta(days=10))
    long = first_aid(expires_on=ON + dt.timedelta(days=500))
    pending = first_aid(expires_on=ON + dt.timedelta(days=900), status="pending")
    trainer = with_quals(recognised_facts(), short, long, pending, drop=("first_aid",))
    result = requirement(run(trainer), FIRST_AID)
    assert result.outcome == Outcome.MET
    assert result.holds_until == long.expires_on
    assert [e.public_id for e in result.evidence] == [long.public_id]


def test_a_qualification_awarded_after_the_day_does_not_count_yet():
    late = qualification("personal_training", awarded_on=ON + dt.timedelta(days=3))
    trainer = with_quals(recognised_facts(), late, drop=("personal_training",))
    result = requirement(run(trainer), PT)
    assert result.outcome == Outcome.UNMET
    assert "only starts on 4 Dec 2026" in result.explanation


def test_a_level_below_the_minimum_does_not_count():
    level_2 = qualification("personal_training", level=2, name="Level 2 Gym Instructing")
    trainer = with_quals(recognised_facts(), level_2, drop=("personal_training",))
    result = requirement(run(trainer), PT)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == (
        "Your Level 2 Gym Instructing is not at level 3: a Level 3 Personal Training "
        "qualification is needed."
    )
    assert result.reason == "No verified Level 3 Personal Training qualification"


def test_either_kind_of_referral_qualification_counts():
    ltc = qualification("long_term_conditions", name="Level 3 Long-Term Conditions")
    trainer = with_quals(recognised_facts(), ltc, drop=("exercise_referral",))
    result = requirement(run(trainer), "referral_ready.exercise_referral")
    assert result.outcome == Outcome.MET
    assert result.evidence[0].public_id == ltc.public_id
    missing = requirement(
        run(without(recognised_facts(), "exercise_referral")), result.requirement.key
    )
    assert missing.next_step == (
        "Upload your Level 3 Exercise Referral or Long-Term Conditions qualification."
    )


def test_a_specialist_qualification_must_cover_the_area():
    result = run(recognised_facts())
    assert requirement(result, SPECIALIST, STROKE).outcome == Outcome.MET
    other = requirement(result, SPECIALIST, PARKINSONS)
    assert other.outcome == Outcome.UNMET
    assert other.explanation == (
        "Your Neuro specialist (stroke) does not cover Parkinson's: a neuro specialist "
        "qualification covering Parkinson's is needed."
    )


def test_a_current_mentor_stands_in_for_the_specialist_qualification():
    ends = ON + dt.timedelta(days=200)
    trainer = dataclasses.replace(
        without(recognised_facts(), "neuro_specialist"),
        assignments=(assignment(ends_on=ends, mentor="Priya Shah"),),
    )
    result = run(trainer)
    stroke = requirement(result, SPECIALIST, STROKE)
    assert stroke.outcome == Outcome.MET
    assert (
        stroke.explanation == "Enrolled with your mentor Priya Shah for Stroke until 19 Jun 2027."
    )
    assert stroke.holds_until == ends
    assert stroke.evidence[0].kind == EvidenceKind.ASSIGNMENT
    # The assignment names stroke only.
    assert requirement(result, SPECIALIST, PARKINSONS).outcome == Outcome.UNMET


def test_an_assignment_naming_no_area_covers_every_area():
    trainer = dataclasses.replace(
        without(recognised_facts(), "neuro_specialist"),
        assignments=(assignment(areas=frozenset()),),
    )
    result = run(trainer)
    assert requirement(result, SPECIALIST, PARKINSONS).outcome == Outcome.MET
    assert requirement(result, SPECIALIST, PARKINSONS).holds_until is None


def test_an_assignment_not_yet_started_or_ended_does_not_stand_in():
    for a in (
        assignment(starts_on=ON + dt.timedelta(days=1)),
        assignment(starts_on=ON - dt.timedelta(days=90), ends_on=ON - dt.timedelta(days=1)),
    ):
        trainer = dataclasses.replace(
            without(recognised_facts(), "neuro_specialist"), assignments=(a,)
        )
        assert requirement(run(trainer), SPECIALIST).outcome == Outcome.UNMET


def test_the_qualification_wins_when_it_lasts_longer_than_the_assignment():
    trainer = dataclasses.replace(
        recognised_facts(), assignments=(assignment(ends_on=ON + dt.timedelta(days=30)),)
    )
    result = requirement(run(trainer), SPECIALIST)
    assert result.evidence[0].kind == EvidenceKind.QUALIFICATION
    assert result.holds_until is None
    # And the assignment when the qualification lapses first.
    lapsing = qualification(
        "neuro_specialist",
        level=4,
        areas=frozenset({STROKE.id}),
        expires_on=ON + dt.timedelta(days=5),
    )
    trainer = dataclasses.replace(
        with_quals(recognised_facts(), lapsing, drop=("neuro_specialist",)),
        assignments=(assignment(ends_on=ON + dt.timedelta(days=30)),),
    )
    result = requirement(run(trainer), SPECIALIST)
    assert result.evidence[0].kind == EvidenceKind.ASSIGNMENT
    assert result.holds_until == ON + dt.timedelta(days=30)
    assert result.outcome == Outcome.EXPIRING


# --- Insurance and DBS --------------------------------------------------------------------


def test_insurance_in_force():
    trainer = recognised_facts()
    result = requirement(run(trainer), INSURANCE)
    assert result.outcome == Outcome.MET
    assert result.holds_until == trainer.insurances[0].expires_on
    assert result.evidence[0].kind == EvidenceKind.INSURANCE
    assert result.evidence[0].date_label == "expires 27 Sep 2027"


def test_insurance_not_started_yet_does_not_count():
    trainer = dataclasses.replace(
        recognised_facts(), insurances=(insurance(starts_on=ON + dt.timedelta(days=1)),)
    )
    result = requirement(run(trainer), INSURANCE)
    assert result.outcome == Outcome.UNMET
    assert result.reason == "insurance with Hiscox (PL-1) not in force until 2 Dec 2026"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (insurance(status="pending"), "insurance with Hiscox (PL-1) waiting for verification"),
        (
            insurance(expires_on=ON - dt.timedelta(days=2)),
            "insurance with Hiscox (PL-1) expired on 29 Nov 2026",
        ),
        (None, "No verified insurance certificate"),
    ],
)
def test_insurance_missing(record, reason):
    trainer = dataclasses.replace(recognised_facts(), insurances=(record,) if record else ())
    result = requirement(run(trainer), INSURANCE)
    assert result.outcome == Outcome.UNMET
    assert result.reason == reason


def test_dbs_must_be_of_a_level_asked_for():
    trainer = dataclasses.replace(recognised_facts(), dbs_checks=(dbs(level="basic"),))
    result = requirement(run(trainer), DBS)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == (
        "Your basic DBS check (001) is not enhanced: an enhanced DBS certificate is needed."
    )
    assert result.reason == "No verified enhanced DBS certificate"


def test_dbs_on_the_update_service_never_lapses():
    trainer = dataclasses.replace(recognised_facts(), dbs_checks=(dbs(expires_on=None),))
    result = requirement(run(trainer), DBS)
    assert result.outcome == Outcome.MET
    assert result.holds_until is None
    assert "on the DBS Update Service" in result.explanation


def test_dbs_due_for_its_recheck():
    trainer = dataclasses.replace(
        recognised_facts(), dbs_checks=(dbs(expires_on=ON - dt.timedelta(days=1)),)
    )
    assert requirement(run(trainer), DBS).outcome == Outcome.UNMET


def test_dbs_of_any_level_when_none_is_named():
    definition = dataclasses.replace(
        DEFAULT_DEFINITION,
        compliance=(Requirement(key="any.dbs", kind=Kind.DBS, label="A DBS check"),),
    )
    trainer = dataclasses.replace(recognised_facts(), dbs_checks=(dbs(level="basic"),))
    result = run(trainer, rules=RuleSet(3, definition))
    assert result.rules_version == 3
    assert result.area(STROKE.id).compliance[0].outcome == Outcome.MET


# --- CPD hours in the area ----------------------------------------------------------------


def hours_facts(*activities):
    return dataclasses.replace(recognised_facts(), cpd=activities)


def test_cpd_hours_count_the_area_in_the_window():
    trainer = hours_facts(
        cpd(ON, "1", areas=frozenset({STROKE.id})),
        cpd(ON - relativedelta(months=12) + dt.timedelta(days=1), "1", areas=frozenset({1})),
        cpd(ON - relativedelta(months=12), "5", areas=frozenset({1})),  # just outside
        cpd(ON - dt.timedelta(days=5), "5", areas=frozenset({PARKINSONS.id})),
        cpd(ON + dt.timedelta(days=1), "5", areas=frozenset({1})),  # after the day
    )
    result = requirement(run(trainer), HOURS)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == "You have 2 of 3 hours of CPD about Stroke in the last 12 months."
    assert result.next_step == "Log 1 more hour of CPD about Stroke."
    assert len(result.evidence) == 2
    assert requirement(run(trainer), HOURS, PARKINSONS).outcome == Outcome.MET


def test_cpd_hours_with_none_logged():
    result = requirement(run(hours_facts()), HOURS)
    assert result.outcome == Outcome.UNMET
    assert result.next_step == "Log 3 more hours of CPD about Stroke."
    assert result.reason == "0 of 3 hours of CPD about Stroke in the last 12 months"


def test_cpd_hours_hold_until_the_window_drops_below_the_target():
    a = cpd(dt.date(2026, 3, 31), "2", areas=frozenset({1}))
    b = cpd(dt.date(2026, 6, 15), "1.5", areas=frozenset({1}))
    c = cpd(dt.date(2026, 11, 20), "0.5", areas=frozenset({1}))
    trainer = hours_facts(a, b, c)
    result = requirement(run(trainer), HOURS)
    # a lies in (D - 12 months, D] until 30 Mar 2027; with it gone 2 hours remain.
    assert result.holds_until == dt.date(2027, 3, 30)
    assert result.outcome == Outcome.MET
    on_the_day = requirement(run(trainer, on=result.holds_until), HOURS)
    the_day_after = requirement(run(trainer, on=result.holds_until + dt.timedelta(days=1)), HOURS)
    assert on_the_day.met and not the_day_after.met


def test_cpd_hours_expiring_say_how_much_to_log_by_when():
    trainer = hours_facts(
        cpd(dt.date(2026, 1, 10), "2", areas=frozenset({1})),
        cpd(dt.date(2026, 7, 1), "1.5", areas=frozenset({1})),
    )
    result = requirement(run(trainer), HOURS)
    assert result.holds_until == dt.date(2027, 1, 9)
    assert result.outcome == Outcome.EXPIRING
    assert result.next_step == "Log 1.5 more hours of CPD about Stroke by 9 Jan 2027."


@pytest.mark.parametrize(
    ("day", "months", "last"),
    [
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 3, 31), 12, dt.date(2027, 3, 30)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 30), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 1, dt.date(2026, 2, 14)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2027, 2, 28), 12, dt.date(2028, 2, 27)),
    ],
)
def test_last_counting_day(day, months, last):
    assert last_counting_day(day, months) == last
    # Exact: in the window on that day, out of it the next.
    assert last - relativedelta(months=months) < day
    assert (last + dt.timedelta(days=1)) - relativedelta(months=months) >= day


def test_month_end():
    assert month_end(dt.date(2028, 2, 3)) == dt.date(2028, 2, 29)
    assert month_end(dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)


# --- Supervised sessions ------------------------------------------------------------------


def test_sessions_every_level_signed_off():
    result = requirement(run(recognised_facts()), SESSIONS)
    assert result.outcome == Outcome.MET
    assert result.holds_until is None
    assert result.evidence[0].label == "12 supervised sessions signed off in Stroke"


def test_sessions_missing_waiting_and_returned():
    counts = (
        *sessions(per_level=(6, 3, 0)),
        *sessions(per_level=(0, 0, 2), status="submitted"),
        *sessions(per_level=(1, 0, 0), status="returned"),
        *sessions(per_level=(5, 5, 5), status="draft"),
        *sessions(PARKINSONS, per_level=(6, 4, 2)),
    )
    trainer = dataclasses.replace(recognised_facts(), sessions=counts)
    result = requirement(run(trainer), SESSIONS)
    assert result.outcome == Outcome.UNMET
    assert (
        "Level 3: 0 of 2 signed off, 2 more needed; 2 waiting for sign-off." in result.explanation
    )
    assert "returned to the trainer" in result.explanation
    assert result.next_step == (
        "Log supervised sessions in Stroke for sign-off: 1 at level 2 and 2 at level 3 still "
        "needed. Correct and resubmit the 1 returned to you. 2 are waiting for your mentor's "
        "sign-off."
    )
    assert result.reason == (
        "Supervised sessions in Stroke: 1 at level 2 and 2 at level 3 still to be signed off"
    )


def test_a_higher_level_does_not_stand_in_for_a_lower_one():
    trainer = dataclasses.replace(recognised_facts(), sessions=sessions(per_level=(0, 4, 12)))
    assert requirement(run(trainer), SESSIONS).outcome == Outcome.UNMET


def test_sessions_counts_come_from_the_rules():
    stages = list(DEFAULT_DEFINITION.stages)
    practice = stages[3]
    stages[3] = dataclasses.replace(
        practice,
        requirements=(
            dataclasses.replace(practice.requirements[0], per_level=(1, 0, 0)),
            practice.requirements[1],
        ),
    )
    rules = RuleSet(2, dataclasses.replace(DEFAULT_DEFINITION, stages=tuple(stages)))
    trainer = dataclasses.replace(recognised_facts(), sessions=sessions(per_level=(1, 0, 0)))
    assert requirement(run(trainer, rules=rules), SESSIONS).outcome == Outcome.MET


# --- Supervision meetings -----------------------------------------------------------------


def test_meetings_every_month_of_the_assignment():
    result = requirement(run(supervised_facts()), MEETINGS)
    assert result.outcome == Outcome.MET
    assert result.holds_until == dt.date(2027, 1, 31)  # next month still counts as met
    assert result.next_step == ""
    assert [e.date for e in result.evidence] == [
        dt.date(2026, 12, 1),
        dt.date(2026, 11, 10),
        dt.date(2026, 10, 10),
        dt.date(2026, 9, 10),
    ]


def test_meetings_this_month_still_to_be_held():
    trainer = supervised_facts()
    trainer = dataclasses.replace(trainer, meetings=trainer.meetings[:3])
    result = requirement(run(trainer), MEETINGS)
    assert result.outcome == Outcome.EXPIRING
    assert result.holds_until == dt.date(2026, 12, 31)
    assert result.next_step == (
        "Hold a confirmed supervision meeting with Priya Shah by 31 Dec 2026 and ask them to "
        "confirm it."
    )


def test_a_missed_month_is_unmet():
    trainer = supervised_facts()
    trainer = dataclasses.replace(
        trainer, meetings=tuple(m for m in trainer.meetings if m.date.month != 10)
    )
    result = requirement(run(trainer), MEETINGS)
    assert result.outcome == Outcome.UNMET
    assert result.explanation == "No confirmed supervision meeting in October 2026."
    assert "stops counting against you after 31 Jan 2027" in result.next_step
    assert result.reason == "Supervision meetings missed in October 2026"


def test_only_complete_months_of_the_assignment_are_asked_for():
    # Started on 10 November: November is not a complete month of it.
    trainer = dataclasses.replace(
        supervised_facts(),
        assignments=(assignment(starts_on=dt.date(2026, 11, 10)),),
        meetings=(),
    )
    result = requirement(run(trainer), MEETINGS)
    assert result.outcome == Outcome.EXPIRING
    assert result.holds_until == dt.date(2026, 12, 31)


def test_only_the_look_back_is_asked_for():
    # Started long ago; nothing before September matters with a three-month look-back.
    trainer = dataclasses.replace(
        supervised_facts(), assignments=(assignment(starts_on=dt.date(2025, 1, 1)),)
    )
    assert requirement(run(trainer), MEETINGS).outcome == Outcome.MET


def test_meetings_hold_no_longer_than_the_assignment():
    trainer = dataclasses.replace(
        supervised_facts(), assignments=(assignment(ends_on=dt.date(2026, 12, 20)),)
    )
    result = requirement(run(trainer), MEETINGS)
    assert result.holds_until == dt.date(2026, 12, 20)


def test_meetings_without_a_current_mentor():
    trainer = dataclasses.replace(supervised_facts(), assignments=())
    result = requirement(run(trainer), MEETINGS)
    assert result.outcome == Outcome.UNMET
    assert result.next_step == "Ask programme staff to assign you a mentor."
    assert result.reason == "No current mentor for supervision"


def test_meetings_are_not_asked_for_once_supervised_practice_is_complete():
    trainer = recognised_facts()  # no mentor, every session signed off in stroke
    result = run(trainer)
    done = requirement(result, MEETINGS, STROKE)
    assert done.outcome == Outcome.MET
    assert done.holds_until is None
    assert "no longer asked for" in done.explanation
    # Parkinson's: supervised practice not complete, and no mentor.
    assert requirement(result, MEETINGS, PARKINSONS).outcome == Outcome.UNMET


def test_two_meetings_a_month():
    stages = list(DEFAULT_DEFINITION.stages)
    practice = stages[3]
    stages[3] = dataclasses.replace(
        practice,
        requirements=(
            practice.requirements[0],
            dataclasses.replace(practice.requirements[1], per_month=2, months=1),
        ),
    )
    rules = RuleSet(2, dataclasses.replace(DEFAULT_DEFINITION, stages=tuple(stages)))
    trainer = supervised_facts()
    assert requirement(run(trainer, rules=rules), MEETINGS).outcome == Outcome.UNMET
    trainer = dataclasses.replace(
        trainer, meetings=(*trainer.meetings, meeting(dt.date(2026, 11, 20)))
    )
    assert requirement(run(trainer, rules=rules), MEETINGS).outcome == Outcome.EXPIRING


# --- Scope of practice --------------------------------------------------------------------


def test_scope_declaration_covering_the_area():
    trainer = recognised_facts()
    result = run(trainer)
    stroke = requirement(result, SCOPE, STROKE)
    assert stroke.outcome == Outcome.MET
    assert stroke.holds_until == trainer.declarations[0].valid_until
    assert stroke.evidence[0].public_id == trainer.declarations[0].public_id
    other = requirement(result, SCOPE, PARKINSONS)
    assert other.outcome == Outcome.UNMET
    assert other.reason == "Scope of practice declaration does not include Parkinson's"


def test_no_scope_declaration():
    trainer = dataclasses.replace(recognised_facts(), declarations=())
    result = requirement(run(trainer), SCOPE)
    assert result.outcome == Outcome.UNMET
    assert result.next_step == "Read and sign the scope of practice statement, including Stroke."


def test_scope_declaration_lapsing_or_not_yet_signed():
    soon = declaration(valid_until=ON + dt.timedelta(days=20))
    result = requirement(run(dataclasses.replace(recognised_facts(), declarations=(soon,))), SCOPE)
    assert result.outcome == Outcome.EXPIRING
    assert result.next_step == "Sign the scope of practice statement again before 21 Dec 2026."
    later = declaration(signed_on=ON + dt.timedelta(days=1))
    result = requirement(run(dataclasses.replace(recognised_facts(), declarations=(later,))), SCOPE)
    assert result.outcome == Outcome.UNMET


# --- CPD current --------------------------------------------------------------------------


def test_cpd_target_met_last_year():
    result = requirement(run(recognised_facts()), CPD)
    assert result.outcome == Outcome.MET
    assert result.reason == "CPD target met in the CPD year 1 Nov 2025 to 31 Oct 2026"
    # This year is behind: it holds until this year's end.
    assert result.holds_until == dt.date(2027, 10, 31)
    assert result.evidence[0].date_label == "10 points, 6 endorsed"


def test_cpd_holds_a_year_longer_once_this_year_is_met():
    trainer = recognised_facts()
    trainer = dataclasses.replace(
        trainer,
        cpd=(*trainer.cpd, cpd(dt.date(2026, 11, 20), "10", endorsed=True)),
    )
    assert requirement(run(trainer), CPD).holds_until == dt.date(2028, 10, 31)


def test_cpd_expiring_when_the_year_ends_soon_behind_target():
    on = dt.date(2027, 9, 1)
    trainer = dataclasses.replace(
        recognised_facts(), cpd=(cpd(dt.date(2026, 5, 1), "12"), cpd(on, "2", endorsed=False))
    )
    result = requirement(run(trainer, on=on), CPD)
    assert result.outcome == Outcome.EXPIRING
    assert result.holds_until == dt.date(2027, 10, 31)
    assert result.next_step == (
        "Reach 10 points (5 endorsed) by 31 Oct 2027: you have 1 point so far, 0 endorsed."
    )


def test_cpd_target_missed_last_year():
    trainer = dataclasses.replace(
        recognised_facts(),
        cpd=(cpd(dt.date(2026, 10, 1), "4"), cpd(dt.date(2026, 10, 2), "20", endorsed=False)),
    )
    result = requirement(run(trainer), CPD)
    assert result.outcome == Outcome.UNMET  # 14 points, but only 4 endorsed
    assert result.reason == "CPD target not met in the CPD year 1 Nov 2025 to 31 Oct 2026"
    assert result.next_step.startswith(
        "Reach 10 points (5 endorsed) in this CPD year, by 31 Oct 2027"
    )


def test_first_cpd_year_not_yet_due():
    trainer = dataclasses.replace(recognised_facts(), cpd_year_start=dt.date(2026, 6, 1), cpd=())
    result = requirement(run(trainer), CPD)
    assert result.outcome == Outcome.MET
    assert result.reason == "First CPD year, not yet due"
    assert result.holds_until == dt.date(2027, 5, 31)
    # Its end within the expiring window, behind target: expiring.
    trainer = dataclasses.replace(trainer, cpd_year_start=dt.date(2026, 3, 1))
    result = requirement(run(trainer), CPD)
    assert result.outcome == Outcome.EXPIRING
    assert result.holds_until == dt.date(2027, 2, 28)
    # Before the first anniversary too.
    trainer = dataclasses.replace(trainer, cpd_year_start=dt.date(2027, 1, 10))
    assert requirement(run(trainer), CPD).reason == "First CPD year, not yet due"


def test_cpd_points_from_the_loaders_sums():
    from programme.pathway.facts import CPDYearTotal

    trainer = dataclasses.replace(
        recognised_facts(),
        cpd=(),
        cpd_years=(
            CPDYearTotal(dt.date(2025, 11, 1), dt.date(2026, 10, 31), Decimal(5), Decimal(10)),
            CPDYearTotal(dt.date(2026, 11, 1), dt.date(2027, 10, 31), Decimal(0), Decimal(0)),
        ),
    )
    assert requirement(run(trainer), CPD).outcome == Outcome.MET
    short = dataclasses.replace(
        trainer,
        cpd_years=(
            CPDYearTotal(dt.date(2025, 11, 1), dt.date(2026, 10, 31), Decimal(5), Decimal(9)),
        ),
    )
    assert requirement(run(short), CPD).outcome == Outcome.UNMET
    assert ANCHOR.month == 11


# --- The rules as data --------------------------------------------------------------------


def test_rules_json_round_trip():
    assert from_json(to_json(DEFAULT_DEFINITION)) == DEFAULT_DEFINITION
    assert DEFAULTS.definition is DEFAULT_DEFINITION


def test_migration_0003_seeds_the_defaults():
    migration = importlib.import_module("programme.migrations.0003_seed_pathway_rules")
    assert migration.VERSION_1 == to_json(DEFAULT_DEFINITION)


def test_unreadable_rules_are_refused():
    with pytest.raises(ValueError, match="not readable"):
        from_json({"stages": [{"key": "x"}]})
    with pytest.raises(ValueError, match="not readable"):
        from_json({"stages": [{"key": "x", "name": "X", "requirements": [{"kind": "nope"}]}]})


def test_an_unknown_kind_in_a_one_stage_definition():
    definition = Definition(
        stages=(
            Stage(
                key="only",
                name="Only",
                description="",
                requirements=(
                    Requirement(
                        key="only.scope", kind=Kind.SCOPE_DECLARATION, label="Any declaration"
                    ),
                ),
            ),
        ),
        compliance=(),
        supervised_from="only",
    )
    trainer = dataclasses.replace(
        recognised_facts(), declarations=(declaration(areas=frozenset()),)
    )
    result = run(trainer, rules=RuleSet(9, definition))
    assert result.area(STROKE.id).recognised
    assert result.area(STROKE.id).compliance == ()
