"""What the daily sweep does about certificates as they near and pass their expiry.

- `expiry.certificate` (to the trainer, in the app and by e-mail, always: compliance-critical):
  at each of REMINDER_EXPIRY_DAYS (90, 30 and 7 days before, and on the day) before a
  certificate's `expires_on`, with what to do: a certificate does not renew itself, programme
  staff issue a new one while the trainer is Recognised, so the trainer keeps their records
  current. The rules are the other expiry reminders' (trainers.reminders): a range of dates
  read a keyset page at a time, the milestone reached sent once (the ledger's key holds the
  date counted to), suspended trainers and closed accounts skipped. Never reminded: revoked
  and replaced certificates (they read so to any verifier already), and a certificate that a
  newer current one for the same area outlasts (staff issued the next one in time).
- `certificate.expired` (to clinics' webhook endpoints): from the day after `expires_on`
  (London), once per endpoint, to the clinics the trainer shares with whose endpoints chose
  it. A source of the sweep rather than a job of its own: it is a date passing, exactly what
  the sweep finds, in one indexed query a batch; its ledger rows are the webhook channel's
  (programme.webhooks.services.webhook_items). A certificate that expired up to
  EXPIRED_CATCH_UP_DAYS ago is still found, so a sweep that stopped for a few days sends the
  event when it resumes; a revoked certificate gets no "expired" (its clinics were told of the
  revocation, and it never reads expired).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from programme.certificates.payloads import certificate_payload
from programme.models import Certificate
from programme.webhooks.events import CERTIFICATE_EXPIRED
from programme.webhooks.services import webhook_items
from rehabpath.notifications import Item, Kind, register_kind
from rehabpath.reminders import SweepDay, reminder_source
from rehabpath.roles import Role
from trainers.models import ClinicShare
from trainers.reminders import (
    ExpiryNotice,
    expiry_items,
    expiry_window,
    keyset_pages,
    practising,
)

EXPIRING_KIND = "expiry.certificate"
# Critical, so always e-mailed: an expired certificate reads so to every clinic that scans it,
# and a trainer who muted the reminder would learn it from them.
register_kind(
    Kind(
        EXPIRING_KIND,
        "Competency certificate about to expire",
        "90, 30 and 7 days before a competency certificate of yours expires, and on the day.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="certificate_expiring",
    )
)
EXPIRED_EVENT_MILESTONE = "expired"
# How long after its expiry a certificate's "expired" webhook is still sent (a stopped sweep).
EXPIRED_CATCH_UP_DAYS = 7

CERTIFICATE_ADVICE = (
    "A certificate does not renew itself: programme staff issue a new one while you are"
    " Recognised for the area. Keep your records current (insurance, first aid, DBS, CPD and"
    " your scope of practice declaration) so that they can re-issue it before this one expires."
)


def subject_key(certificate_public_id: object) -> str:
    """The ledger subject of a certificate: its reminders and its clinics' webhooks."""
    return f"certificate:{certificate_public_id}"


def current() -> QuerySet[Certificate]:
    """Certificates neither revoked nor replaced (replacement revokes)."""
    return Certificate.objects.filter(revoked_at__isnull=True)


@reminder_source(EXPIRING_KIND)
def certificates_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """Current certificates ending within REMINDER_EXPIRY_DAYS, to their trainer."""
    milestones = settings.REMINDER_EXPIRY_DAYS
    first, last = expiry_window(day, milestones)
    outlasted = Certificate.objects.filter(
        trainer_id=OuterRef("trainer_id"),
        condition_area_id=OuterRef("condition_area_id"),
        revoked_at__isnull=True,
        expires_on__gt=OuterRef("expires_on"),
    )
    rows = (
        current()
        .filter(practising(), expires_on__gte=first, expires_on__lte=last)
        .filter(~Exists(outlasted))
        .values("id", "public_id", "expires_on", "area_name", "code", "trainer__user_id")
    )
    notice = ExpiryNotice(
        kind=EXPIRING_KIND,
        subject="certificate",
        what="your competency certificate",
        verb="expires",
        advice=CERTIFICATE_ADVICE,
        label=lambda row: f"{row['area_name']} (code {row['code']})",
        # Reversed when the sweep runs, not at import: the URLconf is not loaded then.
        path=lambda row: reverse("programme:my_certificates"),
    )
    pages = keyset_pages(rows, date_field="expires_on", batch_size=day.batch_size)
    yield from expiry_items(
        pages, day=day, milestones=milestones, due=lambda row: row["expires_on"], notice=notice
    )


@reminder_source("webhook.certificate_expired")
def certificates_expired(day: SweepDay) -> Iterator[list[Item]]:
    """`certificate.expired` to the sharing clinics' endpoints, from the day after expiry.

    Per batch of certificates: one query for the page, one for the trainers' open shares, one
    for the clinics' endpoints (webhook_items); the sweep records the rows.
    """
    first = day.today - dt.timedelta(days=EXPIRED_CATCH_UP_DAYS)
    last = day.today - dt.timedelta(days=1)
    ids = current().filter(expires_on__gte=first, expires_on__lte=last).values("id", "expires_on")
    for page in keyset_pages(ids, date_field="expires_on", batch_size=day.batch_size):
        certificates = list(
            Certificate.objects.filter(pk__in=[row["id"] for row in page])
            .select_related("trainer", "condition_area")
            .order_by("expires_on", "id")
        )
        clinics: dict[int, set[int]] = defaultdict(set)
        for trainer_id, clinic_id in ClinicShare.objects.filter(
            trainer_id__in={c.trainer_id for c in certificates}, ended_at__isnull=True
        ).values_list("trainer_id", "clinic_id"):
            clinics[trainer_id].add(clinic_id)
        events = [
            (
                clinics[c.trainer_id],
                subject_key(c.public_id),
                EXPIRED_EVENT_MILESTONE,
                certificate_payload(c, today=day.today),
            )
            for c in certificates
            if clinics[c.trainer_id]
        ]
        items = webhook_items(event=CERTIFICATE_EXPIRED, events=events, now=day.now)
        if items:
            yield items
