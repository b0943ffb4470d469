"""Demo data for proof of attendance in the room: a hybrid workshop three weeks ago, over, with
people checked in at the door (demo_checkins.py), online attendees' minutes imported and their join
links opened (demo_joins.py), so a newcomer sees the whole chain from registration to certificate
on a seminar that had a room as well as a meeting. The 2022 reference seminar was online only.

Written directly, as the 2022 registrations are: the event is over, so no booking rule applies.
Safe to run again: an existing seminar is returned untouched.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from seminar.models import AttendanceMode, Seminar

from .models import Registration

# Three weeks ago: over, and well inside the personal-data retention period (180 days by
# default), so the clean-up leaves it alone and a newcomer sees who qualified and why.
PAST_HYBRID_WEEKS_AGO = 3
PAST_HYBRID_ROOM = 40
PAST_HYBRID_ONLINE = 300
# (mode, confirmed, cancelled)
PAST_HYBRID_PEOPLE = [(AttendanceMode.IN_PERSON, 38, 3), (AttendanceMode.ONLINE, 110, 6)]


def past_hybrid_registrations_load(
    *, seminar: Seminar, person: Callable[[int], dict], rng: random.Random
) -> list[str]:
    """The workshop's people: `person(number)` is demo.registrant_data with the demo's
    generator, passed in so this module does not import demo.py (which imports it)."""
    registrations = []
    number = 9000
    for mode, confirmed, cancelled in PAST_HYBRID_PEOPLE:
        for index in range(confirmed + cancelled):
            data = {**person(number), "attendance_mode": mode}
            number += 1
            is_cancelled = index >= confirmed
            consent_at = seminar.registration_opens_at + timedelta(
                minutes=rng.randint(0, 60 * 24 * 25)
            )
            # Online attendance comes from the meeting platform's report; the room's from the
            # check-ins at the door.
            attended = None
            minutes = None
            if mode == AttendanceMode.ONLINE and not is_cancelled:
                attended = rng.random() < 0.82
                minutes = rng.randint(15, 150) if attended else None
            registrations.append(
                Registration(
                    seminar=seminar,
                    **data,
                    status=Registration.Status.CANCELLED
                    if is_cancelled
                    else Registration.Status.CONFIRMED,
                    consent_at=consent_at,
                    confirmed_at=consent_at,
                    cancelled_at=consent_at + timedelta(days=2) if is_cancelled else None,
                    attended=attended,
                    minutes_online=minutes,
                )
            )
    Registration.objects.bulk_create(registrations)
    for registration in registrations:
        registration.created_at = registration.consent_at
    Registration.objects.bulk_update(registrations, ["created_at"])
    in_room = sum(c for mode, c, _ in PAST_HYBRID_PEOPLE if mode == AttendanceMode.IN_PERSON)
    online = sum(c for mode, c, _ in PAST_HYBRID_PEOPLE if mode == AttendanceMode.ONLINE)
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=in_room, online_seats_taken=online)
    seminar.refresh_from_db()
    return [
        f"Created the past hybrid workshop {seminar.slug} "
        f"({in_room} confirmed in the room, {online} online)."
    ]
