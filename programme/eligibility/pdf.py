"""A stored check as a PDF verification record (WeasyPrint), to keep as pre-employment evidence.

Rendered on demand from the stored rows (never recomputed), so the file says exactly what the
clinic was told, however often it is downloaded. One check of one trainer fits one page; a
check of several trainers (an API roster call) is one table, up to `PDF_MAX_TRAINERS`.
"""

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from programme.eligibility.records import TrainerAnswers
from programme.models import EligibilityCheck

# WeasyPrint lays out a roster of 1,000 trainers (5,000 answers) in minutes, too long for a
# request: a check of more trainers than this is read on its page (and in the API's answer),
# and each trainer's own check on the check page has its PDF.
PDF_MAX_TRAINERS = 50


def check_pdf_filename(check: EligibilityCheck, groups: list[TrainerAnswers]) -> str:
    who = slugify(groups[0].trainer_name) if len(groups) == 1 else f"{len(groups)}-trainers"
    return f"eligibility-check-{who or 'trainer'}-{check.on_date.isoformat()}.pdf"


def render_check_pdf(
    check: EligibilityCheck, groups: list[TrainerAnswers], *, generated_at: dt.datetime
) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "pdf/eligibility_check.html",
        {
            "check": check,
            "groups": groups,
            "checked_at_utc": check.checked_at.astimezone(dt.UTC),
            "checked_at_local": timezone.localtime(check.checked_at),
            "generated_at": timezone.localtime(generated_at),
            "local_zone": timezone.get_current_timezone_name(),
        },
    )
    # The template is self-contained: refuse to fetch anything from the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
