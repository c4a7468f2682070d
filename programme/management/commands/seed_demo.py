"""Demo data for `make run`: four accounts, two clinics, the catalogue, a trainer's history
and their supervised sessions with the demo mentor, and the demo clinic's roster (trainers
without logins in each eligibility state, sharing with it with the demo trainer).

Idempotent: running it twice changes nothing the second time.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mentorship.models import MentorProfile
from programme.demo import (
    load_demo_mentoring,
    load_demo_records,
    load_demo_scope,
    load_demo_sessions,
)
from programme.demo_certificates import load_demo_certificates
from programme.demo_meetings import load_demo_meetings
from programme.demo_notifications import load_demo_notifications
from programme.demo_roster import load_demo_roster, share_demo_trainer
from programme.eligibility.watch import eligibility_watch_daily
from qualifications.catalogue import load_catalogue
from rehabpath.models import User
from rehabpath.reminders import sweep
from trainers.models import Clinic, ClinicMembership, TrainerProfile

DEMO_PASSWORD = "rehabpath-demo"  # noqa: S105 - published demo credential, refused without DEBUG
DEMO_ACCOUNTS = [
    ("trainer@example.com", "Tara Trainer", "trainer"),
    ("mentor@example.com", "Morgan Mentor", "mentor"),
    ("clinic@example.com", "Chris Clinic", "clinic"),
    ("staff@example.com", "Sam Staff", "staff"),
]
CLINICS = [("Riverside Neuro Rehab", "Bristol"), ("Northgate Stroke Clinic", "Leeds")]


class Command(BaseCommand):
    help = (
        "Create the demo accounts, clinics and catalogue (idempotent; DEBUG only unless --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with a published password while DEBUG is off. "
                "Use --force if you really mean it."
            )
        load_catalogue()
        clinics = [
            Clinic.objects.get_or_create(name=n, defaults={"city": c})[0] for n, c in CLINICS
        ]
        for email, name, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_demo = True
            user.is_staff = role == "staff"
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if role in {"trainer", "mentor"}:
                # The mentor is an experienced trainer too: one person, several roles.
                TrainerProfile.objects.get_or_create(user=user)
            if role == "mentor":
                MentorProfile.objects.get_or_create(user=user, defaults={"capacity": 4})
            if role == "clinic":
                ClinicMembership.objects.get_or_create(user=user, clinic=clinics[0])
        load_demo_records(
            trainer=User.objects.get(email="trainer@example.com"),
            staff=User.objects.get(email="staff@example.com"),
        )
        load_demo_mentoring(
            mentor=User.objects.get(email="mentor@example.com"),
            trainer=User.objects.get(email="trainer@example.com"),
            staff=User.objects.get(email="staff@example.com"),
        )
        load_demo_scope(
            trainer=User.objects.get(email="trainer@example.com"),
            staff=User.objects.get(email="staff@example.com"),
        )
        load_demo_meetings(
            mentor=User.objects.get(email="mentor@example.com"),
            trainer=User.objects.get(email="trainer@example.com"),
        )
        load_demo_sessions(
            mentor=User.objects.get(email="mentor@example.com"),
            trainer=User.objects.get(email="trainer@example.com"),
        )
        # The demo clinic's roster: the demo trainer shares with it, with a handful of trainers
        # (no logins) in each eligibility state for stroke.
        share_demo_trainer(trainer=User.objects.get(email="trainer@example.com"), clinic=clinics[0])
        load_demo_roster(clinic=clinics[0], staff=User.objects.get(email="staff@example.com"))
        # A certificate for one recognised roster trainer; another is left for staff to issue.
        load_demo_certificates(staff=User.objects.get(email="staff@example.com"))
        # Today's reminders, as beat's sweep would record them (a first aid certificate due
        # soon, ...), and every shared trainer's first eligibility state, kept silently: the
        # first change after this is one a clinic hears of.
        sweep()
        eligibility_watch_daily()
        # Last: every loader above recorded its news in the ledger (rehabpath.notifications).
        load_demo_notifications(users=list(User.objects.filter(is_demo=True)))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for email, _name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<8} {email} / {DEMO_PASSWORD}")
