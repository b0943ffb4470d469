"""Demo data for personal join links: at the 2022 seminar (online) each registrant the imported
report counts as attending opened their link, at a time that fits their minutes online: those
who stayed the whole afternoon opened it before the start, those with fewer minutes came in
late; a few opened it again after dropping out. The upcoming seminar needs nothing here: its
confirmed registrants' emails and pages carry their personal links as they are built.

Safe to run again: a seminar whose links were already opened is left as it is.
"""

import random
from datetime import timedelta

from seminar.models import Seminar

from .models import Registration


def demo_joins_load(*, past: Seminar, rng: random.Random) -> list[str]:
    registrations = list(
        past.registrations.filter(status=Registration.Status.CONFIRMED, attended=True).order_by(
            "pk"
        )
    )
    if not registrations or past.registrations.filter(join_opens__gt=0).exists():
        return []
    length = int(past.duration.total_seconds() // 60)
    for registration in registrations:
        minutes = registration.minutes_online or 0
        if minutes >= length - 30:
            # There from the start: opened in the half hour before it, or right at it.
            first = past.starts_at - timedelta(minutes=rng.randint(0, 30))
        else:
            # Came in late: about when the report's minutes say they arrived.
            first = past.starts_at + timedelta(minutes=length - minutes - rng.randint(0, 5))
        opens = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        registration.join_first_opened_at = first
        registration.join_opens = opens
        registration.join_last_opened_at = (
            first if opens == 1 else first + timedelta(minutes=rng.randint(10, minutes or 10))
        )
    Registration.objects.bulk_update(
        registrations, ["join_first_opened_at", "join_last_opened_at", "join_opens"]
    )
    return [f"Opened their join link at the 2022 seminar: {len(registrations)} attendees."]
