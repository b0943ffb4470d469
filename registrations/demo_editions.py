"""Demo data for seminar series: the reference seminars join the series "Guangdong/Hong Kong
Seminar on IP", and last year's edition is made from the upcoming one by the edition copy itself
(editions.py), then published and filled with last year's people. So a newcomer sees past
editions on the upcoming seminar's page and last year's figures beside this year's on its
dashboard.

Last year's edition ended a year ago, past the personal-data retention period: its registrations
are written as the clean-up leaves them (figures kept, nobody named), in one bulk insert.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from seminar.models import Seminar, Series

from .editions import seminar_edition_copy
from .models import Registration
from .privacy import CLEARED

SERIES_NAME = {
    "name_en": "Guangdong/Hong Kong Seminar on IP",
    "name_zh_hant": "粵港知識產權研討會",
    "name_zh_hans": "粤港知识产权研讨会",
}
LAST_YEAR_PEOPLE = 236
LAST_YEAR_CANCELLED = 9
LAST_YEAR_ATTENDED_SHARE = 0.83


def series_demo_load(
    *,
    upcoming: Seminar,
    past: Seminar,
    now: datetime,
    person: Callable[[int], dict],
    rng: random.Random,
) -> list[str]:
    series, _ = Series.objects.get_or_create(name_en=SERIES_NAME["name_en"], defaults=SERIES_NAME)
    Seminar.objects.filter(pk__in=[upcoming.pk, past.pk]).update(series=series)
    upcoming.refresh_from_db()
    start = timezone.localtime(upcoming.starts_at)
    # At the upcoming edition's time of day, on the day a year (52 weeks) before today.
    last_start = start - timedelta(days=(start.date() - timezone.localdate(now)).days, weeks=52)
    year = str(timezone.localtime(last_start).year)
    slug = upcoming.slug.replace(str(start.year), year)
    if Seminar.objects.filter(slug=slug).exists():
        return [f"Last year's edition {slug} was already loaded."]
    last = seminar_edition_copy(
        source=upcoming, starts_at=last_start, slug=slug, backdated=True
    ).seminar
    # The copy's titles already carry its year, as its web address does.
    Seminar.objects.filter(pk=last.pk).update(status=Seminar.Status.PUBLISHED)
    last.refresh_from_db()
    confirmed = _last_year_people(last, person=person, rng=rng)
    return [
        f"Put the reference seminars in the series “{series.name_en}” and added last year's "
        f"edition {slug} ({confirmed} confirmed, figures only: their personal data is removed)."
    ]


def _last_year_people(seminar: Seminar, *, person: Callable[[int], dict], rng) -> int:
    anonymised_at = seminar.ends_at + timedelta(days=181)
    registrations = []
    for number in range(LAST_YEAR_PEOPLE + LAST_YEAR_CANCELLED):
        cancelled = number >= LAST_YEAR_PEOPLE
        consent_at = seminar.registration_opens_at + timedelta(minutes=rng.randint(0, 60 * 24 * 28))
        attended = None if cancelled else rng.random() < LAST_YEAR_ATTENDED_SHARE
        registrations.append(
            Registration(
                seminar=seminar,
                **{
                    **person(7000 + number),
                    **CLEARED,
                    "email": f"anonymised-{seminar.pk}-{number}@invalid",
                    "news_opt_in": False,
                },
                anonymised_at=anonymised_at,
                status=Registration.Status.CANCELLED
                if cancelled
                else Registration.Status.CONFIRMED,
                consent_at=consent_at,
                confirmed_at=consent_at,
                cancelled_at=consent_at + timedelta(days=1) if cancelled else None,
                attended=attended,
                minutes_online=rng.randint(20, 150) if attended else None,
            )
        )
    Registration.objects.bulk_create(registrations)
    # Arrival times as they were last year (not now), for its dashboard's registrations per day.
    for registration in registrations:
        registration.created_at = registration.consent_at
    Registration.objects.bulk_update(registrations, ["created_at"])
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=LAST_YEAR_PEOPLE)
    return LAST_YEAR_PEOPLE
