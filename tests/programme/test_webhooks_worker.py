"""Clinic webhooks with real processes: a Celery worker and beat (tests/reliability's) deliver
to a receiver on 127.0.0.1 that fails twice, then accepts.

Marked `worker`, and skipped (saying why) where REDIS_URL, redis-server or PostgreSQL is
missing, as the other reliability tests.
"""

import os

import pytest
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from programme.models import WebhookAttempt, WebhookEndpoint
from programme.webhooks import events
from programme.webhooks.services import new_secret, webhook_emit
from rehabpath.models import Delivery
from tests import factories
from tests.programme.webhook_receiver import local_receiver
from tests.reliability.conftest import (  # noqa: F401 - fixtures
    REDIS_SERVER,
    processes,
    redis_server,
    smtp,
    wait_until,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL")
        or REDIS_SERVER is None
        or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="worker tests need REDIS_URL, redis-server and PostgreSQL",
    ),
]


def test_a_receiver_failing_twice_gets_one_accepted_delivery_from_a_real_worker(
    processes,  # noqa: F811 - the fixture imported above
):
    processes.env.update({"WEBHOOKS_ALLOW_LOCAL": "true", "WEBHOOK_RETRY_DELAYS": "1,1,1"})
    clinic = factories.ClinicFactory()
    secret = new_secret()
    with local_receiver([503, 503, 200]) as receiver:
        WebhookEndpoint.objects.create(
            clinic=clinic, url=receiver.url, events=[events.TRAINER_SUSPENDED], secret=secret
        )
        # Recorded with no broker of the workers' to publish to: the ledger tick finds it.
        assert (
            webhook_emit(
                clinic_ids=[clinic.pk],
                event=events.TRAINER_SUSPENDED,
                subject_key="trainer:t1",
                milestone="suspended",
                payload={"trainer": {"id": "t1"}},
            )
            == 1
        )
        row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
        processes.worker("w1")
        processes.beat("beat")

        def accepted() -> bool:
            row.refresh_from_db()
            return row.status == Delivery.Status.SENT

        wait_until(accepted, timeout=60, what="the webhook to be accepted", logs=processes)
        processes.stop_all()

    assert row.attempts == 3
    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(row.public_id)}
    last = receiver.received[-1]
    assert Webhook(secret).verify(last.body, last.headers)["data"] == {"trainer": {"id": "t1"}}
    assert list(
        WebhookAttempt.objects.filter(delivery=row).values_list("number", "status_code")
    ) == [(1, 503), (2, 503), (3, 200)]
