"""The public programme (templates/seminar/_programme.html): each session's start and end, and
a heading per day when the seminar runs over several, in the page's language."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db

HKT = timezone.get_default_timezone()
MONDAY = datetime(2027, 5, 10, 9, 0, tzinfo=HKT)


def programme(client, seminar, prefix: str = "") -> str:
    page = client.get(prefix + seminar.get_absolute_url()).content.decode()
    return page[page.index('id="programme-heading"') :]


def test_a_seminar_of_several_days_has_a_heading_per_day_and_each_sessions_times(client):
    seminar = SeminarFactory(starts_at=MONDAY, ends_at=MONDAY + timedelta(days=1, hours=8))
    SessionFactory(seminar=seminar, title_en="Keynote", starts_at=MONDAY)
    SessionFactory(
        seminar=seminar,
        title_en="Workshop",
        starts_at=MONDAY + timedelta(days=1),
        ends_at=MONDAY + timedelta(days=1, minutes=30),
    )

    english = programme(client, seminar)
    chinese = programme(client, seminar, "/zh-hant")

    monday, tuesday = english.index("10 May 2027 (Monday)"), english.index("11 May 2027 (Tuesday)")
    assert monday < english.index("Keynote") < tuesday < english.index("Workshop")
    assert "09:00–09:30 HKT" in english
    assert "2027年5月10日（星期一）" in chinese and "2027年5月11日（星期二）" in chinese
    assert '<h4 class="h6 mb-1">Keynote' in english  # under its day's <h3>


def test_a_one_day_seminar_shows_start_and_end_without_a_day_heading(client):
    seminar = SeminarFactory(starts_at=MONDAY, ends_at=MONDAY + timedelta(hours=3))
    SessionFactory(
        seminar=seminar,
        title_en="Opening",
        starts_at=MONDAY,
        ends_at=MONDAY + timedelta(minutes=15),
    )

    page = programme(client, seminar)

    assert "09:00–09:15 HKT" in page
    assert "programme-day" not in page
    assert '<h3 class="h6 mb-1">Opening' in page
