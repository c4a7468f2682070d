"""manage.py send_reminders: the sweep on demand, as a new user tries it with `make run`."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from rehabpath.models import Delivery
from tests.factories import InsuranceFactory
from trainers.models import VerificationStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)  # 09:00 in London (BST)


@pytest.fixture(autouse=True)
def _no_broker():
    """The command publishes new rows to the workers; none runs here."""
    with mock.patch("rehabpath.tasks.deliver_rows.apply_async") as publish:
        yield publish


def _run(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _insurance(days_ahead: int):
    return InsuranceFactory(
        status=VerificationStatus.VERIFIED, expires_on=TODAY + dt.timedelta(days=days_ahead)
    )


def test_a_second_run_finds_the_reminder_again_and_records_nothing_new(
    _no_broker, django_capture_on_commit_callbacks
):
    _insurance(30)

    with django_capture_on_commit_callbacks(execute=True):
        first = _run("--only", "expiry.insurance")
        second = _run("--only", "expiry.insurance")

    assert "Reminder sweep for 2026-06-01 (Europe/London)" in first
    assert "expiry.insurance: 1 due, 1 new (1 batch," in first
    assert "Ledger: 1 due now (queued for the workers)" in first
    assert "expiry.insurance: 1 due, 0 new" in second
    assert Delivery.objects.filter(kind="expiry.insurance").count() == 1
    assert _no_broker.call_count == 1  # queued once, on the first run
    assert mail.outbox == []  # a worker sends it, not the command


def test_deliver_sends_what_is_due_in_process_once():
    insurance = _insurance(30)

    out = _run("--only", "expiry.insurance", "--deliver")
    again = _run("--only", "expiry.insurance", "--deliver")

    assert "Delivered here: 1 sent, 0 to retry, 0 failed" in out
    assert "Ledger: 0 due now" in out
    assert "Delivered here: 0 sent" in again
    [message] = mail.outbox
    assert message.to == [insurance.trainer.user.email]
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_only_runs_the_sources_named():
    _insurance(30)
    out = _run("--only", "expiry.insurance")
    sources = [line.split(":")[0].strip() for line in out.splitlines() if " due, " in line]
    assert sources == ["expiry.insurance", "total"]


def test_an_unknown_source_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        _run("--only", "no.such.source")


def test_date_pretends_today_is_another_london_day_in_debug(settings):
    settings.DEBUG = True
    _insurance(37)  # 30 days ahead of 8 June

    assert "expiry.insurance: 1 due, 1 new" in _run("--only", "expiry.insurance")  # 90d
    out = _run("--only", "expiry.insurance", "--date", "2026-06-08")

    assert "Reminder sweep for 2026-06-08" in out
    assert "1 due, 1 new" in out
    milestones = Delivery.objects.order_by("id").values_list("milestone", flat=True)
    assert [m.split(":")[1] for m in milestones] == ["90d", "30d"]


def test_date_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="unless DEBUG is on"):
        _run("--date", "2026-06-08")
    assert not Delivery.objects.exists()
