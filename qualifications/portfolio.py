"""The CPD portfolio for an audit: what goes in it (in a fixed number of queries), and its
PDF (WeasyPrint) and CSV renderings.

The portfolio follows what an HCPC-style CPD audit asks for: a dated list of every activity,
what was learnt and how it benefited service users for the four to six activities the trainer
chooses (never every reflection: a year of daily CPD would run to hundreds of pages), a summary
of the evidence, and the trainer's explanation of each gap of three months or more.

The worker renders it (`qualifications.services.portfolio`); nothing here writes.
"""

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from qualifications.models import CPDActivity
from qualifications.scoring import (
    ZERO,
    CPDSummary,
    ExplainedGap,
    Rules,
    cpd_years_between,
    find_gaps,
    score_cpd_year,
)
from qualifications.selectors import active_rules, cpd_activities, entry_of, gap_explanations
from rehabpath.formats import period_label
from trainers.filetypes import EVIDENCE_TYPES
from trainers.models import TrainerProfile

SHA_SHORT = 12


@dataclass(frozen=True)
class EvidenceLine:
    name: str
    kind: str
    size: int
    sha256: str

    @property
    def sha256_short(self) -> str:
        return self.sha256[:SHA_SHORT]


@dataclass(frozen=True)
class PortfolioRow:
    activity: CPDActivity
    points: Decimal
    areas: tuple[str, ...]
    evidence: tuple[EvidenceLine, ...]
    with_reflection: bool


@dataclass(frozen=True)
class YearLine:
    summary: CPDSummary
    partial: bool  # the period covers only part of this CPD year


@dataclass(frozen=True)
class Portfolio:
    profile: TrainerProfile
    start: dt.date
    end: dt.date
    generated_on: dt.date
    rules: Rules
    rows: tuple[PortfolioRow, ...]
    years: tuple[YearLine, ...]
    gaps: tuple[ExplainedGap, ...]
    practice_summary: str = ""

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)

    @property
    def hours(self) -> Decimal:
        return sum((r.activity.hours for r in self.rows), ZERO)

    @property
    def endorsed_hours(self) -> Decimal:
        return sum((r.activity.hours for r in self.rows if r.activity.endorsed), ZERO)

    @property
    def points(self) -> Decimal:
        return sum((r.points for r in self.rows), ZERO)

    @property
    def endorsed_points(self) -> Decimal:
        return sum((r.points for r in self.rows if r.activity.endorsed), ZERO)

    @property
    def reflections(self) -> list[PortfolioRow]:
        return [r for r in self.rows if r.with_reflection]

    @property
    def gaps_explained(self) -> int:
        return sum(1 for g in self.gaps if g.explained)

    @property
    def evidence_count(self) -> int:
        return sum(len(r.evidence) for r in self.rows)

    @property
    def filename_stem(self) -> str:
        return f"cpd-portfolio-{self.start:%Y%m%d}-{self.end:%Y%m%d}"


KIND_LABELS = {mime: kind.label for mime, kind in EVIDENCE_TYPES.items()}


def portfolio_activities(
    profile: TrainerProfile, start: dt.date, end: dt.date
) -> QuerySet[CPDActivity]:
    """The activities of a period, oldest first, with areas and evidence (3 queries)."""
    return cpd_activities(profile).filter(date__gte=start, date__lte=end).order_by("date", "id")


def build_portfolio(
    *,
    profile: TrainerProfile,
    start: dt.date,
    end: dt.date,
    reflection_ids: set[uuid.UUID],
    practice_summary: str = "",
    today: dt.date | None = None,
    activities: Iterable[CPDActivity] | None = None,
) -> Portfolio:
    """Everything the portfolio shows. `reflection_ids`: the public ids of the activities whose
    reflections go in. Runs 5 queries (4 when `activities` are given; 4 without gaps)."""
    today = today or timezone.localdate()
    rules = active_rules()
    if activities is None:
        activities = portfolio_activities(profile, start, end)
    activities = list(activities)
    rows = tuple(
        PortfolioRow(
            activity=a,
            points=rules.points_for(a.hours, a.endorsed),
            areas=tuple(area.name for area in a.condition_areas.all()),
            evidence=tuple(
                EvidenceLine(
                    name=e.original_name,
                    kind=KIND_LABELS.get(e.mime_type, e.mime_type),
                    size=e.size,
                    sha256=e.sha256,
                )
                for e in a.evidence.all()
            ),
            with_reflection=a.public_id in reflection_ids,
        )
        for a in activities
    )
    entries = [entry_of(a) for a in activities]
    years = tuple(
        YearLine(
            summary=score_cpd_year(
                rules=rules,
                anchor=profile.cpd_year_start,
                entries=entries,
                areas=[],
                as_of=today,
                year_start=year.start,
            ),
            partial=year.start < start or year.end > end,
        )
        for year in cpd_years_between(profile.cpd_year_start, start, min(end, today))
    )
    gaps = find_gaps(
        entries, start=start, end=min(end, today), gap_months=rules.gap_months, today=today
    )
    return Portfolio(
        practice_summary=practice_summary.strip(),
        profile=profile,
        start=start,
        end=end,
        generated_on=today,
        rules=rules,
        rows=rows,
        years=years,
        gaps=gap_explanations(profile, gaps),
    )


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    pages: int | None = None  # PDF only


def render_portfolio_pdf(portfolio: Portfolio) -> Rendered:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("pdf/cpd_portfolio.html", {"p": portfolio})
    # The template is self-contained: refuse to fetch anything from the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher).render()
    return Rendered(document.write_pdf(), "application/pdf", pages=len(document.pages))


# One table a spreadsheet can sort and filter: the first column says what a row is. The
# "period" row states what the file covers; one "activity" row per activity of the period (its
# reflection only when chosen); one "gap" row per gap of 3 months or more, with its explanation.
CSV_HEADER = [
    "record",
    "date",
    "end_date",
    "title",
    "provider",
    "type",
    "hours",
    "endorsed",
    "points",
    "condition_areas",
    "what_i_did",
    "what_i_learnt",
    "how_it_benefits",
    "evidence_files",
    "evidence_sha256",
    "explanation",
]


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _line(**values: object) -> list[str]:
    return [_cell(values.get(column, "")) for column in CSV_HEADER]


def render_portfolio_csv(portfolio: Portfolio) -> Rendered:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerow(
        _line(
            record="period",
            date=portfolio.start.isoformat(),
            end_date=portfolio.end.isoformat(),
            title=f"CPD portfolio of {portfolio.profile.user.name}",
            explanation=f"Generated by RehabPath on {portfolio.generated_on.isoformat()}; "
            f"{len(portfolio.rows)} activities, {len(portfolio.reflections)} reflections chosen.",
        )
    )
    for row in portfolio.rows:
        a = row.activity
        reflection = (
            {
                "what_i_did": a.what_i_did,
                "what_i_learnt": a.what_i_learnt,
                "how_it_benefits": a.how_it_benefits,
            }
            if row.with_reflection
            else {}
        )
        writer.writerow(
            _line(
                record="activity",
                date=a.date.isoformat(),
                title=a.title,
                provider=a.provider,
                type=a.get_activity_type_display(),
                hours=f"{a.hours.normalize():f}",
                endorsed="yes" if a.endorsed else "no",
                points=f"{row.points.normalize():f}",
                condition_areas="; ".join(row.areas),
                evidence_files="; ".join(e.name for e in row.evidence),
                evidence_sha256="; ".join(e.sha256 for e in row.evidence),
                **reflection,
            )
        )
    for item in portfolio.gaps:
        writer.writerow(
            _line(
                record="gap",
                date=item.gap.start.isoformat(),
                end_date=item.gap.end.isoformat(),
                title=f"No CPD for {item.gap.days} days"
                + (" (still going on)" if item.gap.ongoing else ""),
                explanation=item.text,
            )
        )
    # With a byte-order mark, so that Excel reads the names and dashes as UTF-8.
    return Rendered(buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8")


def render_portfolio(portfolio: Portfolio, fmt: str) -> Rendered:
    return render_portfolio_csv(portfolio) if fmt == "csv" else render_portfolio_pdf(portfolio)
