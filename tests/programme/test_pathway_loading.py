"""The loader (a fixed number of queries), the selectors over it, and the test builders."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from programme.eligibility.selectors import eligibility_for
from programme.models import PathwayRules
from programme.pathway.loading import QUERIES, condition_areas, load_facts
from programme.pathway.results import Outcome, Status
from programme.pathway.rules import DEFAULT_DEFINITION, to_json
from programme.pathway.selectors import current_rules, pathway_for, pathways_for
from tests import factories
from tests import pathway_builders as build

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_builders_give_each_state():
    area = build.stroke()
    recognised = build.recognised_trainer(area, today=TODAY)
    supervised = build.supervised_trainer(area, today=TODAY)
    missing = build.not_eligible_trainer(area, today=TODAY)
    answers = eligibility_for([recognised.pk, supervised.pk, missing.pk], on=TODAY)

    assert answers[recognised.pk][area.pk].status == Status.ELIGIBLE, answers[recognised.pk][
        area.pk
    ].reasons
    answer = answers[supervised.pk][area.pk]
    assert answer.status == Status.SUPERVISED_ONLY, answer.reasons
    assert answer.mentor_name == str(supervised.mentor_assignments.get().mentor.user.name)
    answer = answers[missing.pk][area.pk]
    assert answer.status == Status.NOT_ELIGIBLE
    assert "No verified first aid certificate" in answer.reasons


def test_builders_leave_nothing_expiring():
    area = build.stroke()
    trainer = build.recognised_trainer(area, today=TODAY)
    pathway = pathway_for(trainer, on=TODAY).area(area.pk)
    assert pathway.recognised
    assert pathway.expiring() == []
    assert all(r.outcome == Outcome.MET for r in pathway.compliance)


def _roster(n, area):
    trainers = []
    for i in range(n):
        maker = (build.recognised_trainer, build.supervised_trainer, build.not_eligible_trainer)[
            i % 3
        ]
        trainers.append(maker(area, today=TODAY))
    return [t.pk for t in trainers]


@pytest.mark.parametrize("n", [2, 20])
def test_load_facts_makes_a_fixed_number_of_queries(n, django_assert_num_queries):
    area = build.stroke()
    ids = _roster(n, area)
    with django_assert_num_queries(QUERIES):
        facts = load_facts(ids, on=TODAY)
    assert set(facts) == set(ids)


@pytest.mark.parametrize("n", [2, 20])
def test_eligibility_for_makes_a_fixed_number_of_queries(n, django_assert_num_queries):
    area = build.stroke()
    ids = _roster(n, area)
    current_rules()  # the rules row exists (the seeding migration, or this)
    # rules, the loader, the areas, the CPD policy
    with django_assert_num_queries(1 + QUERIES + 2):
        answers = eligibility_for(ids, on=TODAY)
    assert len(answers) == n


def test_load_facts_of_nobody_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert load_facts([], on=TODAY) == {}


def test_facts_hold_what_the_evaluator_reads():
    area = build.stroke()
    other = factories.ConditionAreaFactory(slug="parkinsons", name="Parkinson's")
    trainer = build.supervised_trainer(area, today=TODAY)
    old = factories.CPDActivityFactory(trainer=trainer, date=TODAY - relativedelta(years=3))
    build.give_scope(trainer, [area, other], today=TODAY)
    facts = load_facts([trainer.pk], on=TODAY)[trainer.pk]

    assert facts.name == trainer.user.name
    assert not facts.suspended
    assert {q.kind for q in facts.qualifications} == {
        "personal_training",
        "exercise_referral",
        "first_aid",
    }
    first_aid = next(q for q in facts.qualifications if q.kind == "first_aid")
    assert first_aid.expires_on == TODAY + relativedelta(years=2)
    assert first_aid.status == "verified"
    assert [i.expires_on for i in facts.insurances] == [TODAY + relativedelta(months=11)]
    assert [d.expires_on for d in facts.dbs_checks] == [
        TODAY - relativedelta(months=6) + relativedelta(months=36)
    ]
    # Only the activities tagged with an area in the hours window, one fact per activity.
    (tagged,) = facts.cpd
    assert (tagged.hours, tagged.endorsed, tagged.area_ids) == (6, True, {area.pk})
    assert old.public_id != tagged.public_id
    # The points of the last complete and the current CPD year, summed.
    last, current = facts.cpd_years
    assert (last.endorsed_hours, last.other_hours) == (6, 8)
    assert (current.endorsed_hours, current.other_hours) == (0, 0)
    assert current.start == last.end + dt.timedelta(days=1) <= TODAY <= current.end
    assert sum(s.count for s in facts.sessions) == 5
    assert len(facts.meetings) == 3
    (assignment,) = facts.assignments
    assert assignment.focus_area_ids == {area.pk}
    assert assignment.mentor_name == trainer.mentor_assignments.get().mentor.user.name
    (declaration,) = facts.declarations
    assert declaration.area_ids == {area.pk, other.pk}
    assert declaration.valid_until == TODAY - relativedelta(months=1) + relativedelta(months=12)


def test_dbs_on_the_update_service_has_no_recheck_date():
    trainer = build.new_trainer(today=TODAY)
    build.give_dbs(
        trainer, today=TODAY, update_service_subscribed=True, update_service_consent=True
    )
    (check,) = load_facts([trainer.pk], on=TODAY)[trainer.pk].dbs_checks
    assert check.expires_on is None


def test_a_later_statement_shortens_the_declaration():
    area = build.stroke()
    trainer = build.recognised_trainer(area, today=TODAY)
    factories.published_scope_statement(areas=[area], effective_on=TODAY, grace_days=10)
    (declaration,) = load_facts([trainer.pk], on=TODAY)[trainer.pk].declarations
    assert declaration.valid_until == TODAY + dt.timedelta(days=10)


def test_assignments_and_meetings_follow_the_day():
    area = build.stroke()
    trainer = build.supervised_trainer(area, today=TODAY)
    before = TODAY - relativedelta(months=3)
    facts = load_facts([trainer.pk], on=before)[trainer.pk]
    assert facts.assignments == ()
    assert facts.meetings == ()


def test_condition_areas_in_catalogue_order():
    factories.ConditionAreaFactory(slug="b", name="B", position=2)
    factories.ConditionAreaFactory(slug="a", name="A", position=3)
    factories.ConditionAreaFactory(slug="c", name="C", position=1)
    assert [a.slug for a in condition_areas()] == ["c", "b", "a"]


def test_current_rules_stores_the_defaults_when_there_are_none():
    PathwayRules.objects.all().delete()
    rules = current_rules()
    assert rules.version == 1
    assert rules.definition == DEFAULT_DEFINITION
    assert PathwayRules.objects.get().definition == to_json(DEFAULT_DEFINITION)
    assert current_rules().pk == rules.pk


def test_current_rules_reads_the_newest_version():
    current_rules()
    PathwayRules.objects.create(version=7, definition=to_json(DEFAULT_DEFINITION))
    assert current_rules().version == 7


def test_pathways_for_every_area_and_suspension():
    area = build.stroke()
    factories.ConditionAreaFactory(slug="mnd", name="Motor neurone disease", position=9)
    trainer = build.recognised_trainer(area, today=TODAY, status="suspended")
    result = pathways_for([trainer.pk], on=TODAY)[trainer.pk]
    assert [a.area.slug for a in result.areas] == ["stroke", "mnd"]
    assert result.suspended
    answer = eligibility_for([trainer.pk], on=TODAY, area_ids=[area.pk])[trainer.pk]
    assert list(answer) == [area.pk]
    assert answer[area.pk].status == Status.NOT_ELIGIBLE
    assert answer[area.pk].reasons[0] == "Suspended by programme staff"


def test_the_portable_queries_load_the_same_facts(monkeypatch):
    """Off PostgreSQL the loader sends IN lists and sums CPD years in Python: same facts."""
    from django.db import connection

    area = build.stroke()
    ids = _roster(3, area)
    build.give_cpd(build.new_trainer(today=TODAY), today=TODAY)
    fast = load_facts(ids, on=TODAY)
    monkeypatch.setattr(connection, "vendor", "portable")
    assert load_facts(ids, on=TODAY) == fast


def test_builders_live_alongside_the_catalogue():
    from qualifications.catalogue import load_catalogue

    load_catalogue()
    area = build.stroke()
    trainer = build.recognised_trainer(area, today=TODAY)
    assert eligibility_for([trainer.pk], on=TODAY)[trainer.pk][area.pk].status == Status.ELIGIBLE


def test_the_collector_resumes_after_a_roster():
    import gc

    from programme.pathway.selectors import without_cycle_collection

    assert gc.isenabled()
    with without_cycle_collection():
        assert not gc.isenabled()
        with without_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(ValueError), without_cycle_collection():
        raise ValueError
    assert gc.isenabled()
