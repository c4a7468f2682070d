"""programme/generate_reminders.py: the reminder sweep benchmark's lean programme."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from mentorship.models import (
    MentorAssignment,
    ScopeDeclaration,
    SupervisedSession,
    SupervisionMeeting,
)
from programme.generate import empty_tables
from programme.generate_reminders import (
    SWEEP_CPD_HISTORY_DAYS,
    SWEEP_CPD_PER_TRAINER,
    generate_for_sweep,
)
from qualifications.models import CPDActivity, TrainerQualification
from rehabpath.models import AuditEvent
from trainers.models import DBSCheck, EvidenceFile, Insurance, TrainerProfile

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY"
    ),
    pytest.mark.django_db,
]

TRAINERS = 600


def _current_insurance_expiries() -> list[dt.date]:
    latest = Insurance.objects.values("trainer").annotate(last=Max("expires_on"))
    return sorted(row["last"] for row in latest)


def test_the_records_reminders_read_are_made_and_the_history_is_not():
    generate_for_sweep(TRAINERS)

    assert TrainerProfile.objects.count() == TRAINERS
    assert DBSCheck.objects.count() == TRAINERS
    assert TRAINERS <= Insurance.objects.count() <= 2 * TRAINERS
    assert TrainerQualification.objects.filter(
        qualification_type__slug="emergency-first-aid-at-work"
    ).exists()
    assert ScopeDeclaration.objects.exists()
    assert MentorAssignment.objects.filter(ended_at=None).exists()
    assert SupervisedSession.objects.exists()
    # Not what a sweep reads: the web benchmark's audit log and evidence files.
    assert not AuditEvent.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_about_a_twelfth_of_the_renewals_fall_in_a_30_day_window():
    today = timezone.localdate()
    generate_for_sweep(TRAINERS, today=today)

    expiries = _current_insurance_expiries()
    within_30 = sum(1 for day in expiries if today <= day <= today + dt.timedelta(days=30))
    # Uniform over 320 days from 35 days ahead: 0 within 30 days; 30 days later, about 1/11.
    assert within_30 == 0
    later = today + dt.timedelta(days=60)
    window = sum(1 for day in expiries if later <= day <= later + dt.timedelta(days=30))
    assert len(expiries) / 20 < window < len(expiries) / 6


def test_cpd_spreads_over_the_last_400_days_so_some_trainers_are_behind():
    today = timezone.localdate()
    generate_for_sweep(TRAINERS, today=today)

    oldest = CPDActivity.objects.order_by("date").values_list("date", flat=True).first()
    assert oldest is not None
    assert oldest >= today - dt.timedelta(days=SWEEP_CPD_HISTORY_DAYS)
    counts = (
        CPDActivity.objects.exclude(trainer__user__email__startswith="bench-")
        .values("trainer")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    low, high = SWEEP_CPD_PER_TRAINER
    assert low <= min(counts) and max(counts) <= high


@pytest.mark.django_db(transaction=True)  # TRUNCATE between the runs
def test_the_same_seed_makes_the_same_dates():
    today = timezone.localdate()
    generate_for_sweep(200, today=today)
    first = _current_insurance_expiries()
    empty_tables()
    generate_for_sweep(200, today=today)

    assert _current_insurance_expiries() == first


def test_first_aid_expires_across_its_validity_and_some_supervision_is_overdue():
    today = timezone.localdate()
    generate_for_sweep(TRAINERS, today=today)

    first_aid = TrainerQualification.objects.filter(
        qualification_type__slug="emergency-first-aid-at-work"
    ).values_list("awarded_on", flat=True)
    expiries = [awarded + relativedelta(months=36) for awarded in first_aid]
    assert any(today <= day <= today + dt.timedelta(days=90) for day in expiries)
    current = MentorAssignment.objects.filter(ended_at=None, starts_on__lte=today)
    last = dict(
        SupervisionMeeting.objects.values("assignment")
        .annotate(last=Max("meeting_date"))
        .values_list("assignment", "last")
    )
    overdue = sum(1 for a in current if (today - last.get(a.pk, a.starts_on)).days > 31)
    assert 0 < overdue < current.count() / 3
