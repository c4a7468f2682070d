"""Generate a realistic programme in bulk for the load benchmark (PostgreSQL only).

    manage.py generate_programme                  # 10,000 trainers, ~1,000,000 CPD activities
    manage.py generate_programme --trainers 300   # everything scaled to 300 trainers

At 10,000 trainers: 300 mentors and about 200,000 supervised sessions (issue 7).

Refuses a database that already has accounts, CPD or audit events unless --force, which
empties the generated tables first. See programme/generate.py for the proportions and the
personas (`make bench` signs in as them).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from programme.generate import (
    PERSONA_PASSWORD,
    PERSONAS,
    Generator,
    Sizes,
    empty_tables,
    is_empty,
)


class Command(BaseCommand):
    help = "Generate a programme of N trainers (default 10,000) in bulk, for the benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trainers", type=int, default=10_000, help="Default 10,000.")
        parser.add_argument(
            "--pending",
            type=int,
            default=None,
            help="Records waiting for verification (default: 1 for every 5 trainers).",
        )
        parser.add_argument(
            "--audit-events",
            type=int,
            default=None,
            help="Audit events (default: 50 a trainer).",
        )
        parser.add_argument(
            "--sessions",
            type=int,
            default=None,
            help="Supervised sessions (default: 20 a trainer).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Empty the accounts, records, CPD and audit tables first if they hold rows.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_programme writes with COPY: it needs PostgreSQL.")
        trainers: int = options["trainers"]
        if trainers < 1:
            raise CommandError("--trainers must be at least 1.")
        sizes = Sizes.for_trainers(trainers)
        overrides = {
            name: options[name]
            for name in ("pending", "audit_events", "sessions")
            if options[name] is not None
        }
        if overrides:
            sizes = Sizes(**{**sizes.__dict__, **overrides})
        if not is_empty():
            if not options["force"]:
                raise CommandError(
                    "This database already has accounts, CPD or audit events. Use a fresh "
                    "database, or --force to empty those tables first (everything in them goes)."
                )
            self.stdout.write("Emptying the generated tables (--force).")
            empty_tables()

        started = time.perf_counter()
        report = Generator(sizes, seed=options["seed"]).run()
        for step, seconds in report.seconds.items():
            rows = report.rows.get(step)
            count = f"{rows:>10,} rows" if rows is not None else " " * 15
            self.stdout.write(f"  {step:<32}{count}  {seconds:7.1f} s")
        total = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Generated {trainers:,} trainers in {total:.1f} s."))
        self.stdout.write(f"Personas (password {PERSONA_PASSWORD}):")
        for role, email in PERSONAS.items():
            self.stdout.write(f"  {role:<8} {email}")
