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
