"""The CPD portfolio export: asked for on the page, rendered by the worker, downloaded later.

1. `portfolio_export_request` (the view): checks what the trainer asked for, saves the practice
   summary, stores a `PortfolioExport` row, audits `cpd.export` and enqueues the rendering
   after commit. It renders nothing: a year of CPD takes far longer than a request may.
2. `portfolio_export_render` (the task): claims the row with a conditional UPDATE, loads fresh
   rows, renders the PDF or CSV, stores the file in the private storage, marks the row ready
   (or failed, with a message fit for the trainer) and mails the trainer through the ledger.
3. `portfolio_export_download` (the view): audits each download of a ready file.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from qualifications.mails import mail_portfolio_export
from qualifications.models import CPDActivity, PortfolioExport
from qualifications.portfolio import build_portfolio, portfolio_activities, render_portfolio
from qualifications.services.cpd import _save_practice_summary
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from rehabpath.tasks import TRANSIENT_ERRORS
from trainers.access import is_owner
from trainers.models import TrainerProfile
from trainers.rules import check_date

logger = logging.getLogger(__name__)

# HCPC's assessors: "Choose four to six CPD activities" for the statement. More would only
# lengthen the document an auditor reads; the dated list always holds every activity.
MAX_REFLECTIONS = 6
MAX_PERIOD_DAYS = 366 * 10
# Failures worth another try: the database or the storage being briefly away. Anything else
# (a template or WeasyPrint error) fails the export at once: trying again would not help.
TRANSIENT_EXPORT_ERRORS = TRANSIENT_ERRORS
# Whatever stops the file being stored: any half-written file is removed (transient ones retry).
SAVE_RETRY_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, OSError)
RENDER_FAILED = (
    "Your portfolio could not be made. Nothing was sent to anyone. Ask for it again; if the "
    "PDF fails again, ask for the CSV, which holds the same activities."
)
SYSTEM = "portfolio export"


PERIOD_DAYS = {"start": "The first day of the period", "end": "The last day of the period"}


def _check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    if start > end:
        raise DomainError(
            f"The period must start on or before it ends ({day_label(start)} is after "
            f"{day_label(end)}).",
            field="start",
        )
    if start > today:
        raise DomainError("The period cannot start in the future.", field="start")
    for day, field in ((start, "start"), (end, "end")):
        if error := check_date(day, PERIOD_DAYS[field]):
            raise DomainError(" ".join(error.messages), field=field)
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError("Choose a period of at most 10 years.", field="start")


def _check_reflections(
    reflections: Sequence[CPDActivity], profile: TrainerProfile, start: dt.date, end: dt.date
) -> None:
    if len(reflections) > MAX_REFLECTIONS:
        raise DomainError(
            f"Choose at most {MAX_REFLECTIONS} reflections (you chose {len(reflections)}): "
            "HCPC asks for four to six. Untick the ones you want to leave out.",
            field="reflections",
        )
    if any(activity.trainer_id != profile.pk for activity in reflections):
        raise DomainError("Choose reflections from your own CPD log.", field="reflections")
    outside = sorted((a for a in reflections if not start <= a.date <= end), key=lambda a: a.date)
    if outside:
        names = " and ".join(f"“{a.title}” ({day_label(a.date)})" for a in outside)
        verb, pronoun = ("is", "it") if len(outside) == 1 else ("are", "them")
        raise DomainError(
            f"{names} {verb} outside the period {day_label(start)} to {day_label(end)}: "
            f"untick {pronoun} or widen the period.",
            field="reflections",
        )


def portfolio_export_request(
    *,
    actor: Actor,
    profile: TrainerProfile,
    start: dt.date,
    end: dt.date,
    fmt: str,
    reflections: Sequence[CPDActivity],
    practice_summary: str,
) -> PortfolioExport:
    """Ask for a portfolio of exactly this period and these reflections; rendered later."""
    if not is_owner(actor.user, profile):
        raise DomainError("Only the trainer can export their CPD portfolio.")
    if fmt not in PortfolioExport.Format.values:
        raise DomainError("Choose a PDF or a CSV.", field="format")
    _check_period(start, end, timezone.localdate())
    reflections = list(dict.fromkeys(reflections))
    _check_reflections(reflections, profile, start, end)
    with transaction.atomic():
        profile = _save_practice_summary(actor=actor, profile=profile, text=practice_summary)
        export = PortfolioExport.objects.create(
            trainer=profile,
            requested_by=actor.person(),
            start=start,
            end=end,
            format=fmt,
            practice_summary=profile.practice_summary,
        )
        export.reflections.set(reflections)
        activities = CPDActivity.objects.filter(trainer=profile, date__gte=start, date__lte=end)
        record_event(
            actor=actor,
            action="cpd.export",
            target=export,
            target_label=f"CPD portfolio of {profile}",
            after={
                "format": fmt,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "activities": activities.count(),
                "reflections": len(reflections),
            },
        )
        from qualifications.tasks import render_portfolio_export

        render_portfolio_export.delay_on_commit(export.pk)
    return export


def claim_lease() -> dt.timedelta:
    """A claim older than the hard time limit belongs to a worker that died mid-render."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def portfolio_export_render(*, export_id: int) -> PortfolioExport | None:
    """Render one export unless another worker holds it or it is done (then None).

    Transient errors put the row back in the queue and propagate, for the task to retry.
    """
    now = timezone.now()
    claimable = Q(status=PortfolioExport.Status.QUEUED) | Q(
        status=PortfolioExport.Status.RENDERING, started_at__lt=now - claim_lease()
    )
    claimed = PortfolioExport.objects.filter(claimable, pk=export_id).update(
        status=PortfolioExport.Status.RENDERING, started_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    export = PortfolioExport.objects.select_related("trainer__user").get(pk=export_id)
    try:
        portfolio = build_portfolio(
            profile=export.trainer,
            start=export.start,
            end=export.end,
            reflection_ids=set(export.reflections.values_list("public_id", flat=True)),
            practice_summary=export.practice_summary,
            activities=portfolio_activities(export.trainer, export.start, export.end),
        )
        rendered = render_portfolio(portfolio, export.format)
    except TRANSIENT_EXPORT_ERRORS:
        _requeue(export_id)
        raise
    except Exception as error:  # WeasyPrint can fail in many ways; the trainer can ask again
        logger.exception("CPD portfolio export %s failed", export.public_id)
        return _fail(export, f"{type(error).__name__}: {error}")

    try:
        name = f"portfolio.{export.format}"
        export.file.save(name, ContentFile(rendered.content), save=False)
        with transaction.atomic():
            updated = PortfolioExport.objects.filter(
                pk=export.pk, status=PortfolioExport.Status.RENDERING
            ).update(
                status=PortfolioExport.Status.READY,
                file=export.file.name,
                size=len(rendered.content),
                pages=rendered.pages,
                activity_count=len(portfolio.rows),
                reflection_count=len(portfolio.reflections),
                gap_count=len(portfolio.gaps),
                finished_at=timezone.now(),
                error="",
            )
            export.refresh_from_db()
            if updated:
                record_event(
                    actor=Actor.system(SYSTEM),
                    action="cpd.export.ready",
                    target=export,
                    target_label=f"CPD portfolio of {export.trainer}",
                    after={
                        "format": export.format,
                        "from": export.start.isoformat(),
                        "to": export.end.isoformat(),
                        "activities": export.activity_count,
                        "reflections": export.reflection_count,
                        "gaps": export.gap_count,
                        "pages": export.pages,
                        "bytes": export.size,
                        "sha256": hashlib.sha256(rendered.content).hexdigest(),
                    },
                )
                mail_portfolio_export(export=export)
    except SAVE_RETRY_ERRORS:
        _delete_quietly(export.file.name or "")
        _requeue(export_id)
        raise
    return export


def _requeue(export_id: int) -> None:
    try:
        PortfolioExport.objects.filter(
            pk=export_id, status=PortfolioExport.Status.RENDERING
        ).update(status=PortfolioExport.Status.QUEUED)
    except DatabaseError:  # the database is what went away; the lease frees the row later
        logger.warning("Could not put export %s back in the queue", export_id)


def _delete_quietly(name: str) -> None:
    if not name:
        return
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:  # pragma: no cover - logged for the operator
        logger.exception("Could not delete portfolio file %s", name)


def _fail(export: PortfolioExport, detail: str) -> PortfolioExport:
    with transaction.atomic():
        updated = PortfolioExport.objects.filter(
            pk=export.pk,
            status__in=[PortfolioExport.Status.QUEUED, PortfolioExport.Status.RENDERING],
        ).update(
            status=PortfolioExport.Status.FAILED, error=RENDER_FAILED, finished_at=timezone.now()
        )
        export.refresh_from_db()
        if updated:
            record_event(
                actor=Actor.system(SYSTEM),
                action="cpd.export.failed",
                target=export,
                target_label=f"CPD portfolio of {export.trainer}",
                after={"format": export.format, "error": detail[:200]},
            )
            mail_portfolio_export(export=export)
    return export


def portfolio_export_held(*, export_id: int) -> bool:
    """Whether a worker is rendering this export now (its claim not yet run out)."""
    return PortfolioExport.objects.filter(
        pk=export_id, status=PortfolioExport.Status.RENDERING
    ).exists()


def portfolio_export_give_up(*, export_id: int) -> None:
    """After the last retry of a transient failure: the export fails, visibly."""
    export = PortfolioExport.objects.select_related("trainer__user").filter(pk=export_id).first()
    if export is not None and export.is_pending:
        _fail(export, "gave up after retries")


def portfolio_export_download(*, actor: Actor, export: PortfolioExport) -> PortfolioExport:
    """Record that a ready portfolio file left the system, and who took it."""
    if export.status != PortfolioExport.Status.READY or not export.file:
        raise DomainError("This portfolio is not ready to download.")
    with transaction.atomic():
        record_event(
            actor=actor,
            action="cpd.export.download",
            target=export,
            target_label=f"CPD portfolio of {export.trainer}",
            after={
                "format": export.format,
                "from": export.start.isoformat(),
                "to": export.end.isoformat(),
            },
        )
    return export
