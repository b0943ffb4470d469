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
SHARE_ROW_HEIGHT = 36  # room for a label on two lines
SHARE_LABEL_CHARACTERS = 30  # per line, in 12px text within SHARE_LABEL_WIDTH
SHARE_LABEL_LINES = 2
WIDE_FROM = 0x2E80  # CJK radicals onwards: a character takes about two Latin ones' width


@dataclass(frozen=True)
class ShareBar:
    lines: list[str]  # the label on up to two lines; the table beside the chart has it whole
    percent: float
    count: int
    y: float
    width: float
    text_x: float

    @property
    def label(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class ShareChart:
    bars: list[ShareBar]
    width: int = SHARE_WIDTH
    height: int = 0
    label_width: int = SHARE_LABEL_WIDTH
    bar_height: int = SHARE_ROW_HEIGHT - 16


def label_lines(label: str, width: int = SHARE_LABEL_CHARACTERS) -> list[str]:
    """The label on at most SHARE_LABEL_LINES lines of `width` characters, broken between words
    where there are spaces (anywhere in Chinese), with "…" when even that is too short."""
    lines, rest = [], " ".join(label.split())
    if any(ord(character) >= WIDE_FROM for character in rest):
        width = width // 2  # Chinese characters are about twice as wide
    while rest and len(lines) < SHARE_LABEL_LINES:
        if len(rest) <= width:
            lines.append(rest)
            rest = ""
            break
        cut = rest.rfind(" ", 0, width + 1)
        cut = cut if cut > 0 else width
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


def share_chart(rows) -> ShareChart:
    """Horizontal bars for rows with `label`, `count` and `percent` (of 100, or None when
    nobody answered): one row each, the bar's length its share."""
    bars = []
    for index, row in enumerate(rows):
        percent = row.percent or 0.0
        width = round(SHARE_BAR_SPACE * percent / 100, 1)
        bars.append(
            ShareBar(
                lines=label_lines(row.label),
                percent=percent,
                count=row.count,
                y=index * SHARE_ROW_HEIGHT + 8,
                width=width,
                text_x=round(SHARE_LABEL_WIDTH + width + 6, 1),
            )
        )
    return ShareChart(bars=bars, height=len(bars) * SHARE_ROW_HEIGHT + 8)
