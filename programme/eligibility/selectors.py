"""Eligibility of many trainers at once: the clinic roster, the check page and the API.

`eligibility_for(trainer_ids, on=day, area_ids=...)` loads the facts in a fixed number of
queries, evaluates the pathway in the areas asked for and decides each answer (pure:
programme.eligibility.decide).
"""

import datetime as dt
from collections.abc import Collection, Sequence

from django.utils import timezone

from programme.eligibility.decide import decide
from programme.pathway.evaluate import evaluate
from programme.pathway.loading import condition_areas, load_facts
from programme.pathway.results import Eligibility
from programme.pathway.rules import RuleSet
from programme.pathway.selectors import current_rules, without_cycle_collection
from qualifications.selectors import active_rules

__all__ = ["eligibility_for"]


def eligibility_for(
    trainer_ids: Sequence[int],
    *,
    on: dt.date | None = None,
    area_ids: Collection[int] | None = None,
    as_at: dt.datetime | None = None,
    rules: RuleSet | None = None,
) -> dict[int, dict[int, Eligibility]]:
    """By trainer id (those found), by area id (catalogue order; `area_ids` if given)."""
    as_at = as_at or timezone.now()
    day = on or timezone.localdate()
    rules = rules or current_rules()
    facts = load_facts(trainer_ids, on=day, definition=rules.definition)
    if not facts:
        return {}
    areas = condition_areas()
    if area_ids is not None:
        wanted = set(area_ids)
        areas = [a for a in areas if a.id in wanted]
    cpd = active_rules()
    answers = {}
    with without_cycle_collection():
        for pk, trainer in facts.items():
            pathway = evaluate(trainer, rules, areas, on=day, cpd_rules=cpd)
            answers[pk] = decide(trainer, pathway, rules=rules, as_at=as_at)
    return answers
