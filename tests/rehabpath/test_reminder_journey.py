"""The issue's own check, end to end: a trainer moves their insurance expiry to 30 days ahead,
the sweep runs (manage.py send_reminders, as a new user would run it): one notification and
one e-mail; run again: nothing new."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from rehabpath.models import Delivery
from rehabpath.reminders import local_today
from tests import factories
from trainers.models import VerificationStatus

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _edit_form(html: str) -> dict[str, str]:
    """The edit page's fields as the browser would send them (the file input left empty)."""
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    fields.pop("evidence", None)
    return fields


@time_machine.travel(NOW, tick=False)
def test_moving_insurance_to_30_days_ahead_sends_one_reminder_once(
    client, trainer_user, staff_user
):
    insurance = factories.InsuranceFactory(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        starts_on=dt.date(2026, 6, 1),
        expires_on=dt.date(2027, 6, 1),
    )
    client.force_login(trainer_user)
    url = reverse("trainers:insurance_edit", kwargs={"public_id": insurance.public_id})
    form = _edit_form(client.get(url).content.decode())
    in_30_days = local_today() + dt.timedelta(days=30)
    form["expires_on"] = in_30_days.isoformat()
    assert client.post(url, form).status_code == 302
    mail.outbox.clear()

    # --deliver: no worker here, the command sends what is due in its own process.
    call_command("send_reminders", "--deliver", stdout=io.StringIO())

    rows = Delivery.objects.filter(recipient=trainer_user, kind="expiry.insurance")
    assert [(row.milestone, row.status) for row in rows] == [(f"{in_30_days}:30d", "sent")]
    assert len(mail.outbox) == 1
    assert "30 days" in mail.outbox[0].body
    page = client.get(reverse("notifications")).content.decode()
    # The notification links to the policy (through the view that marks it read).
    assert reverse("notification_open", kwargs={"public_id": rows.get().public_id}) in page
    opened = client.post(reverse("notification_open", kwargs={"public_id": rows.get().public_id}))
    assert opened["Location"] == reverse(
        "trainers:insurance_detail", kwargs={"public_id": insurance.public_id}
    )

    call_command("send_reminders", "--deliver", stdout=io.StringIO())

    assert rows.count() == 1
    assert len(mail.outbox) == 1
