"""Who qualifies for a certificate of attendance: the one rule, in two forms.

`registration_qualification` decides for one registration and says why in words an organiser
reads; `registrations_qualifying` is the same rule as a queryset, for the bulk run and the
counts on the certificates page. tests/registrations/test_qualification.py runs both over one
table of cases so they cannot drift apart.

The facts are what was recorded: the registration's status, a check-in at the door
(`checked_in_at`) and the minutes online from an imported attendance report. "Attended" without
minutes (a report with only a Yes/No column) is not enough online: the seminar's rule is in
minutes or a share of its length, so it needs minutes.
"""

import math
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from seminar.models import Seminar

from .models import Registration

Status = Registration.Status
MINUTES = "minutes"
PERCENT = "percent"


class Qualification(NamedTuple):
    qualifies: bool
    reason: str


def online_minutes_required(*, seminar: Seminar) -> int:
    """Minutes online that qualify at this seminar: the minimum itself, or that per cent of the
    seminar's length rounded up (so exactly N % qualifies and a minute less does not)."""
    minimum = seminar.certificate_online_minimum
    if seminar.certificate_online_unit == MINUTES:
        return minimum
    length = int(seminar.duration.total_seconds() // 60)
    return math.ceil(minimum * length / 100)


def certificates_offered(*, seminar: Seminar) -> bool:
    """Whether the seminar gives certificates at all: switched on, and not cancelled."""
    return seminar.certificates_enabled and seminar.status != Seminar.Status.CANCELLED


def registration_qualification(*, registration: Registration) -> Qualification:
    """Whether this registration qualifies for a certificate, and the reason in the active
    language. Reads the registration's seminar (select_related it for many)."""
    seminar = registration.seminar
    if not seminar.certificates_enabled:
        return Qualification(False, gettext("Certificates are off for this seminar."))
    if seminar.status == Seminar.Status.CANCELLED:
        return Qualification(False, gettext("The seminar was cancelled."))
    if registration.anonymised_at is not None:
        return Qualification(False, gettext("Personal data removed."))
    if registration.status != Status.CONFIRMED:
        return Qualification(
            False,
            gettext("Not confirmed (%(status)s).") % {"status": registration.get_status_display()},
        )
    if registration.checked_in_at is not None:
        at = timezone.localtime(registration.checked_in_at)
        return Qualification(
            True, gettext("Checked in at the door at %(time)s.") % {"time": f"{at:%H:%M}"}
        )
    required = online_minutes_required(seminar=seminar)
    minutes = registration.minutes_online
    if minutes is not None and minutes >= required:
        return Qualification(
            True,
            gettext("%(minutes)d minutes online (%(required)d needed).")
            % {"minutes": minutes, "required": required},
        )
    if minutes is not None:
        return Qualification(
            False,
            gettext("Only %(minutes)d minutes online; %(required)d needed.")
            % {"minutes": minutes, "required": required},
        )
    if registration.attended:
        return Qualification(
            False,
            gettext(
                "Marked as attended, but with no minutes online and no check-in: import the "
                "minutes or check them in."
            ),
        )
    return Qualification(False, gettext("No check-in at the door and no minutes online."))


def registrations_qualifying(*, seminar: Seminar) -> QuerySet[Registration]:
    """The seminar's registrations that qualify, as registration_qualification decides."""
    if not certificates_offered(seminar=seminar):
        return Registration.objects.none()
    required = online_minutes_required(seminar=seminar)
    return Registration.objects.filter(
        seminar=seminar, status=Status.CONFIRMED, anonymised_at__isnull=True
    ).filter(Q(checked_in_at__isnull=False) | Q(minutes_online__gte=required))
