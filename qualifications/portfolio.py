"""The CPD portfolio for an audit: what goes in it (in a fixed number of queries), and its
PDF (WeasyPrint) and CSV renderings.

The portfolio follows what an HCPC-style CPD audit asks for: a dated list of activities, what
was learnt and how it benefited service users, a summary of the evidence, and a place to
explain each gap of three months or more.
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
    Gap,
    Rules,
    cpd_years_between,
    find_gaps,
    score_cpd_year,
)
from qualifications.selectors import active_rules, cpd_activities, entry_of
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
    gaps: tuple[Gap, ...]

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
    def evidence_rows(self) -> list[PortfolioRow]:
        return [r for r in self.rows if r.evidence]

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
    reflection_ids: set[uuid.UUID] | None = None,
    today: dt.date | None = None,
    activities: Iterable[CPDActivity] | None = None,
) -> Portfolio:
    """Everything the portfolio shows. `reflection_ids`: public ids whose reflections go in
    (None: all of them). Runs 4 queries (3 when `activities` are given)."""
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
            with_reflection=reflection_ids is None or a.public_id in reflection_ids,
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
        profile=profile,
        start=start,
        end=end,
        generated_on=today,
        rules=rules,
        rows=rows,
        years=years,
        gaps=gaps,
    )


def render_portfolio_pdf(portfolio: Portfolio) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("pdf/cpd_portfolio.html", {"p": portfolio})
    # The template is self-contained: refuse to fetch anything from the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


CSV_HEADER = [
    "date",
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
]


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def render_portfolio_csv(portfolio: Portfolio) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in portfolio.rows:
        a = row.activity
        reflection = (
            (a.what_i_did, a.what_i_learnt, a.how_it_benefits) if row.with_reflection else ("",) * 3
        )
        writer.writerow(
            [
                _cell(v)
                for v in (
                    a.date.isoformat(),
                    a.title,
                    a.provider,
                    a.get_activity_type_display(),
                    f"{a.hours.normalize():f}",
                    "yes" if a.endorsed else "no",
                    f"{row.points.normalize():f}",
                    "; ".join(row.areas),
                    *reflection,
                    "; ".join(e.name for e in row.evidence),
                    "; ".join(e.sha256 for e in row.evidence),
                )
            ]
        )
    return buffer.getvalue()
