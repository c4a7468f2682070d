"""manage.py time_roster: how long a clinic's roster takes to compute, without the page.

Times `eligibility_for` over the trainers sharing with a clinic (the bench clinic of
`generate_programme` by default: 1,000 trainers), `--runs` times, and prints the median with
its parts: loading the facts (SQL) and evaluating and deciding (pure Python). `make bench`
runs it and reports the median against issue 8's target (under 300 ms for 1,000 trainers).
"""

import json
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme.clinics.access import shared_trainers
from programme.eligibility.decide import decide
from programme.eligibility.selectors import eligibility_for
from programme.generate import PERSONAS
from programme.pathway.evaluate import evaluate
from programme.pathway.loading import condition_areas, load_facts
from programme.pathway.selectors import current_rules
from qualifications.selectors import active_rules
from trainers.models import Clinic


class Command(BaseCommand):
    help = "Time the eligibility of a clinic's whole roster (median of several runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="The clinic's public id (default: the bench one).")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--json", action="store_true", help="One line of JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.all()
        if options["clinic"]:
            clinic = clinics.filter(public_id=options["clinic"]).first()
        else:
            clinic = clinics.filter(memberships__user__email=PERSONAS["clinic"]).first()
        if clinic is None:
            raise CommandError("No such clinic: generate the programme, or give --clinic.")
        ids = list(shared_trainers(clinic).order_by("id").values_list("id", flat=True))
        day = timezone.localdate()
        eligibility_for(ids, on=day)  # warm: the first call pays for imports and caches
        totals, loads, evaluations, counts = [], [], [], []
        for _ in range(max(1, options["runs"])):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                answers = eligibility_for(ids, on=day)
                totals.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
            # The same work in its two halves, to say where the time goes.
            rules = current_rules()
            started = time.perf_counter()
            facts = load_facts(ids, on=day, definition=rules.definition)
            loaded = time.perf_counter()
            areas, cpd, as_at = condition_areas(), active_rules(), timezone.now()
            for trainer in facts.values():
                decide(
                    trainer,
                    evaluate(trainer, rules, areas, on=day, cpd_rules=cpd),
                    rules=rules,
                    as_at=as_at,
                )
            loads.append((loaded - started) * 1000)
            evaluations.append((time.perf_counter() - loaded) * 1000)
        statuses: dict[str, int] = {}
        for by_area in answers.values():
            for answer in by_area.values():
                statuses[answer.status.value] = statuses.get(answer.status.value, 0) + 1
        result = {
            "clinic": clinic.name,
            "trainers": len(ids),
            "runs": len(totals),
            "median_ms": round(statistics.median(totals), 1),
            "min_ms": round(min(totals), 1),
            "max_ms": round(max(totals), 1),
            "load_ms": round(statistics.median(loads), 1),
            "evaluate_ms": round(statistics.median(evaluations), 1),
            "queries": counts[-1],
            "answers": statuses,
        }
        if options["json"]:
            self.stdout.write("TIME_ROSTER " + json.dumps(result))
            return
        self.stdout.write(
            f"{result['trainers']:,} trainers of {clinic.name}: median {result['median_ms']} ms "
            f"of {result['runs']} runs (min {result['min_ms']}, max {result['max_ms']}); "
            f"loading {result['load_ms']} ms, evaluating {result['evaluate_ms']} ms; "
            f"{result['queries']} queries; answers {statuses}"
        )
