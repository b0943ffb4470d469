"""Server-rendered SVG bar chart geometry; the template only draws what this computes."""

from dataclasses import dataclass
from datetime import date

WIDTH = 720
HEIGHT = 200
MARGIN_BOTTOM = 24
MARGIN_TOP = 16


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - MARGIN_BOTTOM
    maximum: int = 0


def bar_chart(points: list[tuple[date, int]]) -> BarChart:
    """Bars for (day, count) points, scaled to the largest count, every nth day labelled."""
    if not points:
        return BarChart(bars=[])
    maximum = max(count for _, count in points) or 1
    slot = WIDTH / len(points)
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    label_every = max(1, len(points) // 8)
    bars = []
    for index, (day, count) in enumerate(points):
        height = plot_height * count / maximum
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(index * slot + slot * 0.1, 1),
                y=round(HEIGHT - MARGIN_BOTTOM - height, 1),
                width=round(max(slot * 0.8, 1), 1),
                height=round(height, 1),
                show_label=index % label_every == 0,
            )
        )
    return BarChart(bars=bars, maximum=maximum)


SHARE_WIDTH = 560
SHARE_LABEL_WIDTH = 200
SHARE_BAR_SPACE = 280  # the rest is for the "42.9% (3)" after each bar
SHARE_ROW_HEIGHT = 24
SHARE_LABEL_CHARACTERS = 30


@dataclass(frozen=True)
class ShareBar:
    label: str  # cut to fit; the table beside the chart has it whole
    percent: float
    count: int
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class ShareChart:
    bars: list[ShareBar]
    width: int = SHARE_WIDTH
    height: int = 0
    label_width: int = SHARE_LABEL_WIDTH
    bar_height: int = SHARE_ROW_HEIGHT - 8


def share_chart(rows) -> ShareChart:
    """Horizontal bars for rows with `label`, `count` and `percent` (of 100, or None when
    nobody answered): one row each, the bar's length its share."""
    bars = []
    for index, row in enumerate(rows):
        percent = row.percent or 0.0
        width = round(SHARE_BAR_SPACE * percent / 100, 1)
        label = (
            row.label
            if len(row.label) <= SHARE_LABEL_CHARACTERS
            else (row.label[: SHARE_LABEL_CHARACTERS - 1] + "…")
        )
        bars.append(
            ShareBar(
                label=label,
                percent=percent,
                count=row.count,
                y=index * SHARE_ROW_HEIGHT + 4,
                width=width,
                text_x=round(SHARE_LABEL_WIDTH + width + 6, 1),
            )
        )
    return ShareChart(bars=bars, height=len(bars) * SHARE_ROW_HEIGHT + 8)
