"""The demo's notification lists: the services of the other demo loaders already recorded
each person's news in the ledger; this leaves the newest few unread and the rest read, as a
list looks after a few weeks' use, so the bell shows a count and the page both states."""

from django.utils import timezone

from rehabpath.models import Delivery, User

UNREAD_LEFT = 3


def load_demo_notifications(*, users: list[User]) -> None:
    for user in users:
        rows = Delivery.objects.filter(recipient=user, in_app=True)
        if rows.filter(read_at__isnull=False).exists():
            continue  # idempotent: the demo's reading was done before (or by a person)
        older = list(rows.order_by("-created_at", "-pk").values_list("pk", flat=True)[UNREAD_LEFT:])
        Delivery.objects.filter(pk__in=older).update(read_at=timezone.now())
