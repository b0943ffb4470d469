"""The dashboard's comparison of an edition with the one before it in its series: the same
headcount selector for both, so the figures mean the same on each side. While this edition is
still to come, attendance is not compared (nobody could have attended yet) and registrations
are also compared at the same point before each start."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar
from seminar.selectors import edition_previous
from seminar.templatetags.seminar_tags import hkt_year

from .models import Registration
from .selectors import Headcounts, seminar_headcounts

NOT_YET = "—"


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


def _count_row(key: str, label: str, current: int | None, previous: int) -> ComparisonRow:
    """`current` None: not known yet (attendance before the seminar has ended)."""
    if current is None:
        return ComparisonRow(key, label, NOT_YET, str(previous), NOT_YET)
    difference = f"{current - previous:+d}"
    if previous:
        difference += f" ({round(100 * (current - previous) / previous):+d}%)"
    return ComparisonRow(key, label, str(current), str(previous), difference)


def _rate_row(current: float | None, previous: float | None) -> ComparisonRow:
    def shown(rate: float | None) -> str:
        return NOT_YET if rate is None else f"{rate}%"

    difference = NOT_YET
    if current is not None and previous is not None:
        difference = gettext("%(points)s percentage points") % {
            "points": f"{current - previous:+.1f}"
        }
    return ComparisonRow(
        "attendance_rate", gettext("Attendance rate"), shown(current), shown(previous), difference
    )


ATTENDED_LABEL = _("Attended (checked in or in the attendance report)")


def _same_point_row(
    *, seminar: Seminar, previous: Seminar, confirmed: int, now: datetime
) -> ComparisonRow:
    """This edition's confirmed registrations now against the previous edition's confirmed
    registrations that had been made as long before its own start. One aggregate query."""
    ahead = seminar.starts_at - now
    before = Registration.objects.filter(
        seminar=previous,
        status=Registration.Status.CONFIRMED,
        created_at__lte=previous.starts_at - ahead,
    ).count()
    label = ngettext(
        "Confirmed at the same point before the start (%(days)d day before)",
        "Confirmed at the same point before the start (%(days)d days before)",
        ahead.days,
    ) % {"days": ahead.days}
    return _count_row("confirmed_same_point", label, confirmed, before)


def edition_comparison(
    *, seminar: Seminar, headcounts: Headcounts, now: datetime | None = None
) -> EditionComparison | None:
    """This edition (its `headcounts`, already counted for the dashboard) against the previous
    edition of its series; None when there is none. Two queries, however many registrations,
    and one more while this edition is still to come."""
    previous = edition_previous(seminar=seminar)
    if previous is None:
        return None
    now = now or timezone.now()
    before = seminar_headcounts(seminar=previous)
    ended = seminar.ends_at <= now
    rows = [_count_row("confirmed", gettext("Confirmed"), headcounts.confirmed, before.confirmed)]
    if seminar.starts_at > now:
        rows.append(
            _same_point_row(
                seminar=seminar, previous=previous, confirmed=headcounts.confirmed, now=now
            )
        )
    rows += [
        _count_row(
            "attended",
            str(ATTENDED_LABEL),
            headcounts.attended if ended else None,
            before.attended,
        ),
        _rate_row(headcounts.attendance_rate if ended else None, before.attendance_rate),
        _count_row("waitlisted", gettext("Waitlisted"), headcounts.waitlisted, before.waitlisted),
    ]
    return EditionComparison(previous=previous, year=hkt_year(previous.starts_at), rows=rows)
