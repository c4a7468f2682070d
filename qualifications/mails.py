"""The mails trainers get about their CPD (sent once, through the ledger in rehabpath/mail.py)."""

from typing import Any

from django.urls import reverse

from qualifications.models import PortfolioExport
from rehabpath.formats import day_label
from rehabpath.mail import context_builder
from rehabpath.models import Delivery
from rehabpath.notifications import notify


def mail_portfolio_export(*, export: PortfolioExport) -> None:
    """Tell the trainer that the portfolio they asked for is ready (or could not be made).

    One mail per export and outcome: a retried task never sends a second one.
    """
    notify(
        recipient=export.trainer.user,
        subject_key=f"portfolio_export:{export.public_id}",
        milestone=export.status,
        kind="portfolio.export",
        # The status is stored too: the subject (the notification list's title) renders from
        # the row alone.
        context={
            "export_id": str(export.public_id),
            "ready": export.status == PortfolioExport.Status.READY,
        },
        path=reverse("qualifications:cpd_export_status", args=[export.public_id]),
    )


@context_builder("portfolio_export")
def _portfolio_export_context(delivery: Delivery) -> dict[str, Any]:
    # Built at send time from the row, so the mail says what is true when it leaves.
    export = PortfolioExport.objects.filter(public_id=delivery.context["export_id"]).first()
    if export is None:
        return {"export": None}
    return {
        "export": export,
        "ready": export.status == PortfolioExport.Status.READY,
        "period": f"{day_label(export.start)} to {day_label(export.end)}",
        "format_label": export.get_format_display(),
        "export_path": reverse("qualifications:cpd_export_status", args=[export.public_id]),
    }
