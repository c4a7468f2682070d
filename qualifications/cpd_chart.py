"""Geometry of the month-by-month CPD hours chart, rendered as SVG by a template.

Twelve equal slots, one per month of the CPD year, each a stacked bar (endorsed hours at the
bottom, other hours on top); every gap of CPD is drawn as a shaded band across the months it
covers. All numbers are in the SVG's user units (see NARROW and WIDE).
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from qualifications.scoring import CPDSummary, MonthHours, fmt_number

LEFT, RIGHT, TOP, BOTTOM = 30, 6, 36, 28
BAR_SHARE = 0.62  # of a month's slot
# Two drawings of the same chart: a phone-sized one (text stays legible when the chart is
# ~320 px wide) and a desk-sized one; CSS shows one of them.
NARROW = (320, 220)
WIDE = (640, 260)


@dataclass(frozen=True)
class Bar:
    month: MonthHours
    x: float
    width: float
    label_x: float
    endorsed_y: float
    endorsed_height: float
    other_y: float
    other_height: float
    value_y: float
    value: str  # "" when nothing was logged


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label_x: float


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    bands: tuple[Band, ...]
    width: int
    height: int

    left: int = LEFT
    top: int = TOP
    # A gap is a faint area over the months it covers and a labelled strip above the plot.
    strip_top: int = 2
    strip_height: int = 15
    strip_label_y: int = 13

    @property
    def right_edge(self) -> int:
        return self.width - RIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def label_y(self) -> int:
        return self.height - BOTTOM + 17

    @property
    def plot_height(self) -> int:
        return self.baseline - TOP


def _scale_max(largest: Decimal) -> tuple[int, int]:
    """A round top for the axis and its step: 4 -> (4, 1), 7 -> (8, 2), 23 -> (25, 5)."""
    most = max(float(largest), 1.0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        top = math.ceil(most / step) * step
        if top / step <= 5:
            return top, step
    step = 10 ** math.ceil(math.log10(most / 5))
    return math.ceil(most / step) * step, step


def _x_of(
    day: dt.date, months: tuple[MonthHours, ...], slot: float, end: bool, plot_width: float
) -> float:
    """Where a day falls on the axis: its month's slot plus the share of the month gone."""
    for i, month in enumerate(months):
        if month.start <= day <= month.end:
            days = (month.end - month.start).days + 1
            done = (day - month.start).days + (1 if end else 0)
            return LEFT + slot * (i + done / days)
    return LEFT if day < months[0].start else LEFT + plot_width


def month_chart(summary: CPDSummary, size: tuple[int, int] = WIDE) -> Chart:
    width_units, height_units = size
    plot_width = width_units - LEFT - RIGHT
    plot_height = height_units - TOP - BOTTOM
    months = summary.months
    top, step = _scale_max(max((m.total for m in months), default=Decimal(0)))
    per_hour = plot_height / top
    baseline = TOP + plot_height
    slot = plot_width / len(months)
    bars = []
    for i, month in enumerate(months):
        width = slot * BAR_SHARE
        x = LEFT + slot * i + (slot - width) / 2
        endorsed_h = float(month.endorsed_hours) * per_hour
        other_h = float(month.other_hours) * per_hour
        bars.append(
            Bar(
                month=month,
                x=round(x, 2),
                width=round(width, 2),
                label_x=round(x + width / 2, 2),
                endorsed_y=round(baseline - endorsed_h, 2),
                endorsed_height=round(endorsed_h, 2),
                other_y=round(baseline - endorsed_h - other_h, 2),
                other_height=round(other_h, 2),
                value_y=round(baseline - endorsed_h - other_h - 4, 2),
                value=fmt_number(month.total) if month.total else "",
            )
        )
    ticks = tuple(
        Tick(y=round(baseline - value * per_hour, 2), label=str(value))
        for value in range(0, top + 1, step)
    )
    bands = []
    for gap in summary.gaps:
        x0 = _x_of(gap.start, months, slot, end=False, plot_width=plot_width)
        x1 = _x_of(gap.end, months, slot, end=True, plot_width=plot_width)
        bands.append(Band(x=round(x0, 2), width=round(x1 - x0, 2), label_x=round(x0 + 5, 2)))
    return Chart(
        bars=tuple(bars), ticks=ticks, bands=tuple(bands), width=width_units, height=height_units
    )
