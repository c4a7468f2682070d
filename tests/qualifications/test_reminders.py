"""Qualification and first aid expiry reminders: stated and derived expiry, each milestone
once, renewals and unverified records skipped, queries per batch."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from qualifications.models import QualificationType
from rehabpath.ledger import deliver
from rehabpath.models import Delivery
from rehabpath.reminders import sweep
from tests.factories import (
    CPDActivityFactory,
    QualificationTypeFactory,
    TrainerProfileFactory,
    TrainerQualificationFactory,
)
from trainers.models import VerificationStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SOURCES = ["expiry.qualification", "expiry.first_aid"]


def run(day: dt.date, **kwargs) -> int:
    now = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
    return sweep(now=now, only=SOURCES, **kwargs).new


def reminders() -> list[tuple[str, str]]:
    rows = Delivery.objects.filter(kind__in=SOURCES).order_by("created_at", "id")
    return list(rows.values_list("kind", "milestone"))


@pytest.fixture
def first_aid():
    return QualificationTypeFactory(
        slug="first-aid-test", kind=QualificationType.Kind.FIRST_AID, validity_months=36
    )


@pytest.fixture
def referral():
    return QualificationTypeFactory(
        slug="referral-test", kind=QualificationType.Kind.EXERCISE_REFERRAL
    )


def verified(**fields):
    return TrainerQualificationFactory(status=VerificationStatus.VERIFIED, **fields)


def test_a_stated_expiry_is_reminded_at_each_milestone_once(referral):
    award = verified(qualification_type=referral, expires_on=dt.date(2027, 3, 31))
    for days_before in range(95, -3, -1):
        run(dt.date(2027, 3, 31) - dt.timedelta(days=days_before))
        run(dt.date(2027, 3, 31) - dt.timedelta(days=days_before))
    assert reminders() == [("expiry.qualification", f"2027-03-31:{m}d") for m in (90, 30, 7, 0)]
    row = Delivery.objects.get(milestone="2027-03-31:0d")
    assert row.subject_key == f"qualification:{award.public_id}"
    assert row.recipient_id == award.trainer.user_id
    assert row.path == reverse("qualifications:qualification_detail", args=[award.public_id])


def test_first_aid_expires_its_validity_after_the_award_and_has_its_own_kind(first_aid):
    verified(qualification_type=first_aid, awarded_on=dt.date(2024, 5, 31))  # to 31 May 2027
    for days_before in range(95, -3, -1):
        run(dt.date(2027, 5, 31) - dt.timedelta(days=days_before))
    assert reminders() == [("expiry.first_aid", f"2027-05-31:{m}d") for m in (90, 30, 7, 0)]


def test_a_derived_expiry_at_a_month_end_is_found():
    short = QualificationTypeFactory(slug="short-test", validity_months=12)
    verified(qualification_type=short, awarded_on=dt.date(2024, 2, 29))  # to 28 Feb 2025
    run(dt.date(2025, 2, 28))
    assert reminders() == [("expiry.qualification", "2025-02-28:0d")]


def test_a_qualification_that_never_expires_is_never_reminded(referral):
    verified(qualification_type=referral, awarded_on=dt.date(2024, 5, 31))
    run(dt.date(2027, 5, 1))
    assert reminders() == []


def test_a_renewed_certificate_silences_the_old_one(first_aid):
    old = verified(qualification_type=first_aid, awarded_on=dt.date(2024, 5, 31))
    verified(trainer=old.trainer, qualification_type=first_aid, awarded_on=dt.date(2027, 5, 1))
    # A pending or rejected renewal does not.
    other = verified(qualification_type=first_aid, awarded_on=dt.date(2024, 5, 31))
    TrainerQualificationFactory(
        trainer=other.trainer, qualification_type=first_aid, awarded_on=dt.date(2027, 5, 1)
    )
    TrainerQualificationFactory(
        status=VerificationStatus.REJECTED,
        qualification_type=first_aid,
        awarded_on=dt.date(2024, 5, 31),
    )
    run(dt.date(2027, 5, 24))
    assert reminders() == [("expiry.first_aid", "2027-05-31:7d")]
    assert Delivery.objects.get().recipient_id == other.trainer.user_id


@pytest.mark.parametrize("count", [2, 30])
def test_queries_grow_with_batches_not_trainers(django_assert_num_queries, first_aid, count):
    for _ in range(count):
        verified(qualification_type=first_aid, awarded_on=dt.date(2024, 5, 31))
        verified(qualification_type=first_aid, expires_on=dt.date(2027, 5, 30))
    # Each source reads the types (first aid is the only one here). First aid's two ranges
    # (stated expiry; 36 months after the award) each take a keyset page, the renewals of the
    # page, the recipients' preferences and one INSERT.
    with django_assert_num_queries(2 + 2 * 4):
        run(dt.date(2027, 5, 1), batch_size=100)
    assert len(reminders()) == 2 * count


# --- cpd.behind_target ----------------------------------------------------------------------


def cpd_rows() -> list[tuple[int, str]]:
    rows = Delivery.objects.filter(kind="cpd.behind_target").order_by("created_at", "id")
    return list(rows.values_list("recipient_id", "milestone"))


def run_cpd(day: dt.date, **kwargs) -> int:
    now = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
    return sweep(now=now, only=["cpd.behind_target"], **kwargs).new


def test_a_trainer_behind_target_is_reminded_60_and_30_days_before_the_year_ends(settings):
    settings.REMINDER_CPD_BEHIND_DAYS = [60, 30]
    trainer = TrainerProfileFactory(cpd_year_start=dt.date(2025, 4, 1))  # years end 31 March
    CPDActivityFactory(
        trainer=trainer, date=dt.date(2026, 5, 1), hours=Decimal("4"), endorsed=False
    )
    for days_before in range(70, -3, -1):
        run_cpd(dt.date(2027, 3, 31) - dt.timedelta(days=days_before))
        run_cpd(dt.date(2027, 3, 31) - dt.timedelta(days=days_before))
    assert cpd_rows() == [
        (trainer.user_id, "2027-03-31:60d"),
        (trainer.user_id, "2027-03-31:30d"),
    ]
    row = Delivery.objects.filter(kind="cpd.behind_target").first()
    assert row.context["points"] == "2"  # 4 hours not endorsed, at 0.5 a point
    assert row.path == reverse("qualifications:cpd_progress")


def test_a_trainer_on_target_gets_none_and_last_years_points_do_not_count():
    on_target = TrainerProfileFactory(cpd_year_start=dt.date(2025, 4, 1))
    CPDActivityFactory(
        trainer=on_target, date=dt.date(2026, 5, 1), hours=Decimal("10"), endorsed=True
    )
    last_year = TrainerProfileFactory(cpd_year_start=dt.date(2025, 4, 1))
    CPDActivityFactory(
        trainer=last_year, date=dt.date(2026, 3, 31), hours=Decimal("10"), endorsed=True
    )
    run_cpd(dt.date(2027, 2, 1))
    assert cpd_rows() == [(last_year.user_id, "2027-03-31:60d")]


def test_a_year_ending_in_january_is_found_across_the_new_year():
    trainer = TrainerProfileFactory(cpd_year_start=dt.date(2025, 1, 15))  # ends 14 January
    run_cpd(dt.date(2026, 12, 10))
    assert cpd_rows() == [(trainer.user_id, "2027-01-14:60d")]


def test_a_29_february_anchor_ends_its_year_on_27_february_in_common_years():
    trainer = TrainerProfileFactory(cpd_year_start=dt.date(2024, 2, 29))
    run_cpd(dt.date(2027, 1, 28))  # 30 days before 27 Feb 2027
    assert cpd_rows() == [(trainer.user_id, "2027-02-27:30d")]


def test_the_cpd_mail_says_how_far_behind(settings):
    trainer = TrainerProfileFactory(cpd_year_start=dt.date(2025, 4, 1))
    CPDActivityFactory(trainer=trainer, date=dt.date(2026, 5, 1), hours=Decimal("3"), endorsed=True)
    run_cpd(dt.date(2027, 3, 1))
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.subject.endswith("Your CPD is behind target, with 30 days of your CPD year left")
    assert "points: 3 of 10, 7 still to go" in message.body
    assert "endorsed points: 3 of 5, 2 still to go" in message.body
    assert f"{settings.SITE_URL}{reverse('qualifications:cpd_progress')}" in message.body


@pytest.mark.parametrize("count", [2, 25])
def test_cpd_queries_grow_with_batches_not_trainers(django_assert_num_queries, count):
    for _ in range(count):
        trainer = TrainerProfileFactory(cpd_year_start=dt.date(2025, 4, 1))
        CPDActivityFactory(trainer=trainer, date=dt.date(2026, 5, 1), hours=Decimal("1"))
    # The policy; per batch: the page, its points (one aggregate), preferences, one INSERT.
    with django_assert_num_queries(1 + 4):
        run_cpd(dt.date(2027, 3, 1), batch_size=50)
    assert len(cpd_rows()) == count
