"""Background work of the programme's readers: the compliance dashboard's snapshot."""

from celery import shared_task
from django.core.cache import cache

# Celery's autodiscovery imports `<app>.tasks` only: without this a worker does not know the
# certificates' tasks and drops their messages (KeyError on the task name), so no PDF renders.
from programme.certificates import tasks as certificate_tasks  # noqa: F401


@shared_task
def refresh_compliance_snapshot() -> int:
    """Evaluate every trainer and store the dashboard's counts (beat: every 15 minutes; staff's
    "Recompute now"). Takes nothing: it always reads the programme as it is when it runs."""
    from programme.compliance.snapshot import snapshot_refresh

    try:
        return snapshot_refresh().trainers
    finally:
        # Staff may ask again once this one is done (programme.compliance.snapshot).
        cache.delete("compliance-snapshot-queued")
