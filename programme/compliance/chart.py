"""Geometry of the dashboard's chart: one stacked bar per condition area, rendered as SVG.

Each bar is the area's trainers split into eligible, supervised only and not eligible, as
shares of the bar's full width (every area counts the same trainers). The area's name sits
above its bar so that the chart reads at phone width as well; the page puts the same figures
in a table beside it (the chart is never the only way to read them).
"""

from dataclasses import dataclass

from programme.compliance.snapshot import AreaCounts
from programme.pathway.results import Status

LEFT, RIGHT, TOP = 4, 4, 4
ROW = 44  # an area's label and bar
BAR_HEIGHT = 20
LABEL_GAP = 16  # from the row's top to the label's baseline
# Narrow on purpose: the chart is drawn at 300-450 px, so its text stays legible.
WIDTH = 360
SEGMENT_CLASSES = {
    Status.ELIGIBLE: "bar-eligible",
    Status.SUPERVISED_ONLY: "bar-supervised",
    Status.NOT_ELIGIBLE: "bar-not-eligible",
}
MIN_LABEL_SHARE = 0.07  # a segment this narrow carries no figure (the table has it)


@dataclass(frozen=True)
class Segment:
    status: Status
    css: str
    x: float
    width: float
    count: int
    label_x: float
    show_count: bool


@dataclass(frozen=True)
class AreaBar:
    name: str
    label_y: float
    bar_y: float
    count_y: float
    segments: tuple[Segment, ...]
    summary: str  # for the text alternative: "Stroke: 12 eligible, 30 supervised only, ..."


@dataclass(frozen=True)
class StatusChart:
    bars: tuple[AreaBar, ...]
    width: int
    height: int
    left: int = LEFT
    bar_height: int = BAR_HEIGHT


def status_chart(areas: list[AreaCounts], width: int = WIDTH) -> StatusChart:
    plot = width - LEFT - RIGHT
    bars = []
    for n, area in enumerate(areas):
        top = TOP + n * ROW
        total = area.total
        x = float(LEFT)
        segments = []
        for status in Status:
            count = area.count(status)
            share = count / total if total else 0.0
            w = plot * share
            segments.append(
                Segment(
                    status=status,
                    css=SEGMENT_CLASSES[status],
                    x=round(x, 2),
                    width=round(w, 2),
                    count=count,
                    label_x=round(x + w / 2, 2),
                    show_count=share >= MIN_LABEL_SHARE,
                )
            )
            x += w
        summary = f"{area.name}: " + ", ".join(
            f"{area.count(s):,} {s.label.lower()}" for s in Status
        )
        bars.append(
            AreaBar(
                name=area.name,
                label_y=top + LABEL_GAP - 2,
                bar_y=top + LABEL_GAP + 4,
                count_y=top + LABEL_GAP + 4 + BAR_HEIGHT / 2,
                segments=tuple(segments),
                summary=summary,
            )
        )
    return StatusChart(bars=tuple(bars), width=width, height=TOP * 2 + ROW * len(areas))
