"""The insurance expiry reminder: each milestone once, the catch-up rule, what is skipped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rehabpath.ledger import deliver
from rehabpath.models import Delivery
from rehabpath.reminders import sweep
from tests.factories import DBSCheckFactory, InsuranceFactory, TrainerProfileFactory
from trainers.models import TrainerProfile, VerificationStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
EXPIRES = dt.date(2027, 5, 31)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def run(day: dt.date, **kwargs) -> int:
    return sweep(now=noon(day), only=["expiry.insurance"], **kwargs).new


def reminders() -> list[str]:
    rows = Delivery.objects.filter(kind="expiry.insurance").order_by("created_at", "id")
    return list(rows.values_list("milestone", flat=True))


def verified_insurance(**fields) -> object:
    return InsuranceFactory(status=VerificationStatus.VERIFIED, **fields)


def test_each_milestone_is_recorded_once_on_its_day(settings):
    settings.REMINDER_EXPIRY_DAYS = [90, 30, 7, 0]
    insurance = verified_insurance(expires_on=EXPIRES)
    for days_before in range(100, -3, -1):
        day = EXPIRES - dt.timedelta(days=days_before)
        run(day)
        run(day)  # a second beat the same day
    assert reminders() == [f"2027-05-31:{m}d" for m in (90, 30, 7, 0)]
    row = Delivery.objects.filter(kind="expiry.insurance").first()
    assert row.recipient_id == insurance.trainer.user_id
    assert row.subject_key == f"insurance:{insurance.public_id}"
    assert row.status == Delivery.Status.PENDING
    assert row.path == reverse("trainers:insurance_detail", args=[insurance.public_id])


def test_nothing_before_the_first_milestone_or_after_the_day():
    verified_insurance(expires_on=EXPIRES)
    assert run(EXPIRES - dt.timedelta(days=91)) == 0
    assert run(EXPIRES + dt.timedelta(days=1)) == 0
    assert reminders() == []


def test_a_missed_week_sends_the_milestone_reached_once_and_no_earlier_one():
    verified_insurance(expires_on=EXPIRES)
    run(EXPIRES - dt.timedelta(days=40))  # 90d
    # The sweep stops for a fortnight across the 30-day and 7-day milestones' days.
    run(EXPIRES - dt.timedelta(days=5))
    run(EXPIRES - dt.timedelta(days=4))
    assert reminders() == ["2027-05-31:90d", "2027-05-31:7d"]


def test_the_milestones_are_settings(settings):
    settings.REMINDER_EXPIRY_DAYS = [14, 1]
    verified_insurance(expires_on=EXPIRES)
    for days_before in range(20, -1, -1):
        run(EXPIRES - dt.timedelta(days=days_before))
    assert reminders() == ["2027-05-31:14d", "2027-05-31:1d"]


def test_a_corrected_expiry_date_gets_its_own_reminders():
    insurance = verified_insurance(expires_on=EXPIRES)
    run(EXPIRES - dt.timedelta(days=30))
    insurance.expires_on = EXPIRES + dt.timedelta(days=10)
    insurance.save()
    run(EXPIRES - dt.timedelta(days=29))
    assert reminders() == ["2027-05-31:30d", "2027-06-10:90d"]


def test_a_renewed_policy_silences_the_old_one_until_the_new_one_is_due():
    old = verified_insurance(expires_on=EXPIRES)
    verified_insurance(
        trainer=old.trainer, starts_on=EXPIRES, expires_on=EXPIRES + dt.timedelta(days=365)
    )
    run(EXPIRES - dt.timedelta(days=30))
    assert reminders() == []


def test_a_pending_renewal_does_not_silence_the_current_policy():
    old = verified_insurance(expires_on=EXPIRES)
    InsuranceFactory(
        trainer=old.trainer, starts_on=EXPIRES, expires_on=EXPIRES + dt.timedelta(days=365)
    )
    run(EXPIRES - dt.timedelta(days=30))
    assert reminders() == ["2027-05-31:30d"]


def test_rejected_policies_get_no_expiry_reminder():
    InsuranceFactory(status=VerificationStatus.REJECTED, expires_on=EXPIRES)
    run(EXPIRES - dt.timedelta(days=30))
    assert reminders() == []


def test_a_pending_policy_is_reminded_like_a_verified_one():
    """The trainer who corrects an expiry date sends the record back to staff; the date is
    still theirs to act on (the issue's check: move the demo insurance to 30 days ahead)."""
    InsuranceFactory(status=VerificationStatus.PENDING, expires_on=EXPIRES)
    run(EXPIRES - dt.timedelta(days=30))
    assert reminders() == ["2027-05-31:30d"]


def test_suspended_trainers_and_deactivated_accounts_get_none_until_reinstated():
    suspended = verified_insurance(
        expires_on=EXPIRES, trainer=TrainerProfileFactory(status=TrainerProfile.Status.SUSPENDED)
    )
    inactive = verified_insurance(expires_on=EXPIRES)
    inactive.trainer.user.is_active = False
    inactive.trainer.user.save()
    run(EXPIRES - dt.timedelta(days=30))
    assert reminders() == []
    TrainerProfile.objects.filter(pk=suspended.trainer.pk).update(
        status=TrainerProfile.Status.ACTIVE
    )
    run(EXPIRES - dt.timedelta(days=20))  # the milestone reached, not the 90-day one missed
    assert reminders() == ["2027-05-31:30d"]


def test_the_mail_says_when_and_links_to_the_record(settings):
    insurance = verified_insurance(expires_on=EXPIRES)
    run(EXPIRES - dt.timedelta(days=30))
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.to == [insurance.trainer.user.email]
    assert message.subject.endswith("Your insurance expires on 31 May 2027")
    path = reverse("trainers:insurance_detail", args=[insurance.public_id])
    link = f"{settings.SITE_URL}{path}"
    assert "in 30 days" in message.body
    assert link in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert escape(insurance.trainer.user.get_short_name()) in html


def test_on_the_day_the_mail_says_today():
    verified_insurance(expires_on=EXPIRES)
    run(EXPIRES)
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.subject.endswith("Your insurance expires today")
    assert "today, 31 May 2027" in message.body


PER_BATCH = 3


def _sweep_queries(django_assert_num_queries, count: int, expected: int) -> None:
    for _ in range(count):
        verified_insurance(expires_on=EXPIRES)
    with django_assert_num_queries(expected):
        run(EXPIRES - dt.timedelta(days=30), batch_size=50)


@pytest.mark.parametrize("count", [3, 40])
def test_one_batch_takes_the_same_queries_whatever_its_size(django_assert_num_queries, count):
    # Per batch: one keyset page, the recipients' preferences, one INSERT ... ON CONFLICT.
    _sweep_queries(django_assert_num_queries, count, PER_BATCH)


@pytest.mark.parametrize(("count", "expected"), [(60, 2 * PER_BATCH), (110, 3 * PER_BATCH)])
def test_queries_grow_with_batches_not_trainers(django_assert_num_queries, count, expected):
    # Batches of 50: 60 policies are two batches, 110 three.
    _sweep_queries(django_assert_num_queries, count, expected)


# --- expiry.dbs -----------------------------------------------------------------------------

ISSUED = dt.date(2024, 8, 31)  # recheck due 31 Aug 2027 with DBS_RECHECK_MONTHS = 36
RECHECK = dt.date(2027, 8, 31)


def dbs_reminders() -> list[str]:
    rows = Delivery.objects.filter(kind="expiry.dbs").order_by("created_at", "id")
    return list(rows.values_list("milestone", flat=True))


def run_dbs(day: dt.date, **kwargs) -> int:
    return sweep(now=noon(day), only=["expiry.dbs"], **kwargs).new


def test_a_dbs_recheck_is_reminded_at_each_milestone_once(settings):
    settings.DBS_RECHECK_MONTHS = 36
    check = DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=ISSUED)
    for days_before in range(95, -3, -1):
        run_dbs(RECHECK - dt.timedelta(days=days_before))
        run_dbs(RECHECK - dt.timedelta(days=days_before))
    assert dbs_reminders() == [f"2027-08-31:{m}d" for m in (90, 30, 7, 0)]
    row = Delivery.objects.get(kind="expiry.dbs", milestone="2027-08-31:0d")
    assert row.subject_key == f"dbs:{check.public_id}"
    assert row.path == reverse("trainers:dbs_detail", args=[check.public_id])


def test_a_dbs_recheck_at_a_month_end_is_found(settings):
    # 29 Feb 2024 + 36 months is 28 Feb 2027 (clamped): the issue-date range allows for it.
    settings.DBS_RECHECK_MONTHS = 36
    DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=dt.date(2024, 2, 29))
    run_dbs(dt.date(2027, 2, 28))
    assert dbs_reminders() == ["2027-02-28:0d"]


def test_the_update_service_with_consent_needs_no_recheck():
    DBSCheckFactory(
        status=VerificationStatus.VERIFIED,
        issued_on=ISSUED,
        update_service_subscribed=True,
        update_service_consent=True,
    )
    DBSCheckFactory(
        status=VerificationStatus.VERIFIED, issued_on=ISSUED, update_service_subscribed=True
    )  # subscribed without consent: staff cannot check, the recheck is due
    run_dbs(RECHECK - dt.timedelta(days=30))
    assert dbs_reminders() == ["2027-08-31:30d"]


def test_a_newer_verified_dbs_check_supersedes_the_old_one():
    old = DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=ISSUED)
    DBSCheckFactory(
        trainer=old.trainer, status=VerificationStatus.VERIFIED, issued_on=dt.date(2027, 6, 1)
    )
    DBSCheckFactory(status=VerificationStatus.REJECTED, issued_on=ISSUED)
    run_dbs(RECHECK - dt.timedelta(days=30))
    assert dbs_reminders() == []


def test_the_dbs_mail_says_recheck(settings):
    DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=ISSUED)
    run_dbs(RECHECK - dt.timedelta(days=7))
    deliver(Delivery.objects.values_list("id", flat=True))
    (message,) = mail.outbox
    assert message.subject.endswith("Your DBS check is due for a recheck on 31 Aug 2027")


@pytest.mark.parametrize("count", [3, 40])
def test_the_dbs_source_takes_the_same_queries_whatever_the_batch_size(
    django_assert_num_queries, count
):
    for _ in range(count):
        DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=ISSUED)
    with django_assert_num_queries(PER_BATCH):
        run_dbs(RECHECK - dt.timedelta(days=30), batch_size=50)


# --- evidence.waiting -------------------------------------------------------------------------


def waiting_since(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def test_staff_get_one_roll_up_a_day_while_records_wait_too_long(settings, staff_user):
    settings.REMINDER_EVIDENCE_WAITING_DAYS = 5
    InsuranceFactory(submitted_at=waiting_since(dt.date(2026, 6, 1)))
    DBSCheckFactory(submitted_at=waiting_since(dt.date(2026, 6, 3)))
    DBSCheckFactory(submitted_at=waiting_since(dt.date(2026, 6, 4)))
    DBSCheckFactory(
        status=VerificationStatus.VERIFIED, submitted_at=waiting_since(dt.date(2026, 5, 1))
    )

    def run_waiting(day: dt.date) -> int:
        return sweep(now=noon(day), only=["evidence.waiting"]).new

    assert run_waiting(dt.date(2026, 6, 6)) == 0  # five days: not more
    assert run_waiting(dt.date(2026, 6, 7)) == 1
    assert run_waiting(dt.date(2026, 6, 7)) == 0
    assert run_waiting(dt.date(2026, 6, 9)) == 1
    rows = Delivery.objects.filter(kind="evidence.waiting").order_by("id")
    assert [(r.recipient_id, r.milestone) for r in rows] == [
        (staff_user.pk, "2026-06-07"),
        (staff_user.pk, "2026-06-09"),
    ]
    assert rows[0].context["total"] == 1 and rows[1].context["total"] == 2
    deliver([rows[1].pk])
    (message,) = mail.outbox
    assert message.subject.endswith("2 records waiting more than 5 days for verification")
    assert "Insurance: 1" in message.body and "DBS check: 1" in message.body
    assert f"{settings.SITE_URL}{reverse('trainers:verification_queue')}" in message.body


def test_no_roll_up_when_nothing_waits_too_long(staff_user):
    InsuranceFactory(submitted_at=waiting_since(dt.date(2026, 6, 5)))
    assert sweep(now=noon(dt.date(2026, 6, 7)), only=["evidence.waiting"]).new == 0


@pytest.mark.parametrize("records", [1, 20])
def test_the_roll_up_takes_the_same_queries_whatever_the_backlog(
    django_assert_num_queries, staff_user, records
):
    for _ in range(records):
        InsuranceFactory(submitted_at=waiting_since(dt.date(2026, 5, 1)))
    # One aggregate per record kind (insurance, DBS, qualifications), the staff, preferences,
    # one INSERT.
    with django_assert_num_queries(3 + 3):
        sweep(now=noon(dt.date(2026, 6, 7)), only=["evidence.waiting"])


def _month_ends() -> st.SearchStrategy[dt.date]:
    return st.builds(
        lambda year, month: (
            (dt.date(year, month, 1) + relativedelta(months=1)) - dt.timedelta(days=1)
        ),
        st.integers(2023, 2026),
        st.integers(1, 12),
    )


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    issued_on=st.one_of(_month_ends(), st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))),
    months=st.sampled_from([12, 36, 37]),
)
def test_a_derived_recheck_date_is_found_on_each_milestone_day(settings, issued_on, months):
    """Month ends included (29 Feb, 31 Jan + 1 month): the issue-date range, a few days wider
    than the window, finds every check on each milestone's day, and nothing the day before
    the first."""
    settings.DBS_RECHECK_MONTHS = months
    recheck = issued_on + relativedelta(months=months)
    with transaction.atomic():
        DBSCheckFactory(status=VerificationStatus.VERIFIED, issued_on=issued_on)
        assert run_dbs(recheck - dt.timedelta(days=91)) == 0
        for milestone in (90, 30, 7, 0):
            assert run_dbs(recheck - dt.timedelta(days=milestone)) == 1
        assert dbs_reminders() == [f"{recheck.isoformat()}:{m}d" for m in (90, 30, 7, 0)]
        transaction.set_rollback(True)
