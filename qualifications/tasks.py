"""Background work of the qualifications app: rendering CPD portfolios."""

from typing import Any

from celery import shared_task

from qualifications.services.portfolio import (
    claim_lease,
    portfolio_export_give_up,
    portfolio_export_held,
    portfolio_export_render,
)
from rehabpath.tasks import BaseTask


class PortfolioExportTask(BaseTask):
    """Marks the export failed once Celery gives up on it (retries used up, or an error no
    retry can help), so that no trainer waits for ever on a page that says "preparing"."""

    max_retries = 4
    retry_backoff = 10
    retry_backoff_max = 5 * 60

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        portfolio_export_give_up(export_id=args[0] if args else kwargs["export_id"])


@shared_task(bind=True, base=PortfolioExportTask)
def render_portfolio_export(self: PortfolioExportTask, export_id: int) -> str:
    """Render one portfolio export: takes the row's pk, the service loads fresh rows."""
    export = portfolio_export_render(export_id=export_id)
    if export is not None:
        return export.status
    if portfolio_export_held(export_id=export_id):
        # Another worker is rendering it, or died doing so: look again when its lease is over.
        raise self.retry(countdown=int(claim_lease().total_seconds()))
    return "done before"
