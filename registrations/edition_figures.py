"""The dashboard's comparison of an edition with the one before it in its series: the same
headcount selector for both, so the figures mean the same on each side."""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar
from seminar.selectors import edition_previous
from seminar.templatetags.seminar_tags import hkt_year

from .selectors import Headcounts, seminar_headcounts


@dataclass(frozen=True)
class ComparisonRow:
    key: str
    label: str
    current: str
    previous: str
    difference: str


@dataclass(frozen=True)
class EditionComparison:
    previous: Seminar
    year: str
    rows: list[ComparisonRow]


def _attendance_rate(headcounts: Headcounts) -> float | None:
    """Present (checked in or in the report) as a share of confirmed, once any was recorded."""
    if not (headcounts.attendance_known or headcounts.present) or not headcounts.confirmed:
        return None
    return round(100 * headcounts.present / headcounts.confirmed, 1)


def _count_row(key: str, label: str, current: int, previous: int) -> ComparisonRow:
    difference = f"{current - previous:+d}"
    if previous:
        difference += f" ({round(100 * (current - previous) / previous):+d}%)"
    return ComparisonRow(key, label, str(current), str(previous), difference)


def _rate_row(current: float | None, previous: float | None) -> ComparisonRow:
    def shown(rate: float | None) -> str:
        return "—" if rate is None else f"{rate}%"

    difference = "—"
    if current is not None and previous is not None:
        difference = gettext("%(points)s percentage points") % {
            "points": f"{current - previous:+.1f}"
        }
    return ComparisonRow(
        "attendance_rate", gettext("Attendance rate"), shown(current), shown(previous), difference
    )


ROWS = (
    ("confirmed", _("Confirmed")),
    ("present", _("Attended (checked in or in the attendance report)")),
    ("waitlisted", _("Waitlisted")),
)


def edition_comparison(*, seminar: Seminar, headcounts: Headcounts) -> EditionComparison | None:
    """This edition (its `headcounts`, already counted for the dashboard) against the previous
    edition of its series; None when there is none. Two queries, however many registrations."""
    previous = edition_previous(seminar=seminar)
    if previous is None:
        return None
    before = seminar_headcounts(seminar=previous)
    rows = [
        _count_row(key, str(label), getattr(headcounts, key), getattr(before, key))
        for key, label in ROWS
    ]
    rows.insert(2, _rate_row(_attendance_rate(headcounts), _attendance_rate(before)))
    return EditionComparison(previous=previous, year=hkt_year(previous.starts_at), rows=rows)
