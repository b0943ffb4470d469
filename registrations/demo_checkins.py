"""Demo check-ins: a check-in staff account, and arrivals at the past seminar in the room.

Called from demo.demo_load with one line. The 2022 reference seminar was online, so arrivals are
written only for a past seminar held in the room (in person or hybrid); the check-in account is
always created, with the demo organiser's password, to try /check-in/ on the upcoming hybrid
seminar.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from seminar.models import AttendanceMode, Seminar

from .models import Registration
from .permissions import CHECK_IN_STAFF, groups_ensure

CHECKIN_USERNAME = "checkin"


def checkin_user_load(password: str):
    groups_ensure()
    user, _ = get_user_model().objects.get_or_create(
        username=CHECKIN_USERNAME, defaults={"is_staff": True, "email": "checkin@example.com"}
    )
    user.is_staff = True  # the admin's login page lets staff in; the group allows nothing more
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=CHECK_IN_STAFF))
    return user


def checkins_demo_load(*, password: str, past: Seminar, rng: random.Random) -> list[str]:
    """The account, and for a past seminar in the room, most confirmed people checked in
    around the start (a few late); written directly, as the past registrations are."""
    user = checkin_user_load(password)
    report = [f"Demo check-in staff: {CHECKIN_USERNAME} (the organiser's password), at /check-in/"]
    if past.format == Seminar.Format.ONLINE or not past.is_over:
        return report
    arrivals = []
    registrations = past.registrations.filter(
        status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    )
    if past.is_hybrid:
        registrations = registrations.filter(attendance_mode=AttendanceMode.IN_PERSON)
    for registration in registrations:
        if rng.random() < 0.85:
            late = rng.random() < 0.1
            minutes = rng.randint(5, 40) if late else rng.randint(-30, 2)
            registration.checked_in_at = past.starts_at + timedelta(minutes=minutes)
            registration.checked_in_by = user
            registration.checked_in_by_label = CHECKIN_USERNAME
            arrivals.append(registration)
    Registration.objects.bulk_update(
        arrivals, ["checked_in_at", "checked_in_by", "checked_in_by_label"]
    )
    report.append(f"Checked in {len(arrivals)} people at {past.slug}.")
    return report
