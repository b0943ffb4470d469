"""Demo data for proof of attendance in the room: last year's hybrid workshop, over, with people
checked in at the door (demo_checkins.py), online attendees' minutes imported and their join
links opened (demo_joins.py), so a newcomer sees the whole chain from registration to certificate
on a seminar that had a room as well as a meeting. The 2022 reference seminar was online only.

Written directly, as the 2022 registrations are: the event is over, so no booking rule applies.
Safe to run again: an existing seminar is returned untouched.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from seminar.models import AttendanceMode, Organisation, Seminar, Speaker

from .models import Registration

PAST_HYBRID_DAY = (2025, 11, 14)
PAST_HYBRID_ROOM = 40
PAST_HYBRID_ONLINE = 300
# (mode, confirmed, cancelled)
PAST_HYBRID_PEOPLE = [(AttendanceMode.IN_PERSON, 38, 3), (AttendanceMode.ONLINE, 110, 6)]


def past_hybrid_seminar_load(
    *,
    organisations: dict[str, Organisation],
    speakers: dict[str, Speaker],
    rng: random.Random,
) -> tuple[Seminar, list[str]]:
    # Imported here: demo.py imports this module.
    from .demo import (
        HYBRID_THEME,
        HYBRID_TITLE,
        HYBRID_VENUE,
        _translated,
        registrant_data,
        seminar_load,
    )

    starts_at = datetime.combine(
        datetime(*PAST_HYBRID_DAY).date(), time(9, 30), tzinfo=timezone.get_default_timezone()
    )
    seminar, created = seminar_load(
        slug=f"{PAST_HYBRID_DAY[0]}-ip-trading-workshop-hybrid",
        starts_at=starts_at,
        capacity=PAST_HYBRID_ROOM,
        status=Seminar.Status.PUBLISHED,
        registration_opens_at=starts_at - timedelta(days=30),
        organisations=organisations,
        speakers=speakers,
    )
    if not created:
        return seminar, [f"The {PAST_HYBRID_DAY[0]} hybrid workshop was already loaded."]
    Seminar.objects.filter(pk=seminar.pk).update(
        **_translated("title", HYBRID_TITLE, year=str(PAST_HYBRID_DAY[0])),
        **_translated("theme", HYBRID_THEME),
        **_translated("venue", HYBRID_VENUE),
        format=Seminar.Format.HYBRID,
        online_capacity=PAST_HYBRID_ONLINE,
    )
    seminar.refresh_from_db()
    registrations = []
    number = 9000
    for mode, confirmed, cancelled in PAST_HYBRID_PEOPLE:
        for index in range(confirmed + cancelled):
            data = {**registrant_data(rng, number), "attendance_mode": mode}
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
    return seminar, [
        f"Created the {PAST_HYBRID_DAY[0]} hybrid workshop {seminar.slug} "
        f"({in_room} confirmed in the room, {online} online)."
    ]
