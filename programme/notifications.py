"""The notification kinds, reminder sources and channels of programme (rehabpath.notifications).

Autodiscovery imports only this module of the app: sub-packages register from here. Add your
lines; do not rewrite others'.
"""

from programme.webhooks import channel as _webhook_channel  # noqa: F401 - registers "webhook"
from programme.webhooks.events import EVENT_TYPES, TEST_EVENT
from rehabpath.notifications import Kind, register_kind

# Clinic webhooks: one kind per event type, with no roles (on no one's preferences page).
for _event in (*EVENT_TYPES, TEST_EVENT):
    register_kind(
        Kind(
            _event.key,
            _event.label,
            _event.description,
            frozenset(),
            in_app=False,
            template="webhook",
        )
    )

# Eligibility watch (the kind "eligibility.changed", its tasks after a change and once a day,
# the subscribers of the trainers' events), the weekly digest (its kind, the source
# "digest.weekly", its send-time context builder), and competency certificates
# ("certificate.issued" and "certificate.revocation" to the trainer; the services subscribe to
# "trainer.suspended" and "trainer.reinstated"; the reminders module registers
# "expiry.certificate" and the sweep's sources of it and of the clinics' certificate.expired).
from programme import digest as _digest  # noqa: E402, F401
from programme.certificates import notifications as _certificates  # noqa: E402, F401
from programme.certificates import reminders as _certificate_reminders  # noqa: E402, F401
from programme.certificates import services as _certificate_services  # noqa: E402, F401
from programme.eligibility import watch as _eligibility_watch  # noqa: E402, F401
