"""The notification list and the e-mail choices (rehabpath.inbox): every signed-in person has
their own; nobody sees anyone else's.

A notification's "open" and "mark all read" are POSTs (a GET is 405, so no link, prefetch or
crawler marks anything read). The notification opened here belongs to "trainer": everyone
else gets 404, whatever their role, not 403: its existence is not revealed.
"""

from rehabpath.models import Delivery
from tests.access_matrix import LOGIN, AccessCase

EVERYONE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 200,
    "unassigned_mentor": 200,
    "clinic_admin": 200,
    "other_clinic_admin": 200,
    "staff": 200,
}
# POSTs that redirect back to the list when done.
EVERYONE_REDIRECTED = {**EVERYONE, **dict.fromkeys(set(EVERYONE) - {"anonymous"}, 302)}
ONLY_GET = dict.fromkeys(EVERYONE, 405)
# The trainer's own notification: opened (302 to its page); anyone else: 404.
OWN_NOTIFICATION = {
    **dict.fromkeys(EVERYONE, 404),
    "anonymous": LOGIN,
    "trainer": 302,
}


def _trainers_notification(users):
    row = Delivery.objects.create(
        recipient=users["trainer"],
        kind="record.decided",
        subject_key="access-matrix",
        template="record_decision",
        context={"outcome": "verified", "kind_label": "Insurance"},
        path="/trainers/records/",
        status=Delivery.Status.SENT,
    )
    return {"public_id": row.public_id}


CASES = [
    AccessCase("notifications", EVERYONE),
    AccessCase("notification_preferences", EVERYONE),
    AccessCase("notification_preferences", EVERYONE_REDIRECTED, method="post"),
    AccessCase("notifications_read_all", EVERYONE_REDIRECTED, method="post"),
    AccessCase("notifications_read_all", {**ONLY_GET, "anonymous": 405}),
    AccessCase("notification_open", OWN_NOTIFICATION, kwargs=_trainers_notification, method="post"),
    AccessCase(
        "notification_open",
        {**ONLY_GET, "anonymous": 405},
        kwargs=_trainers_notification,
    ),
]
