from datetime import timedelta
from decimal import Decimal

import pytest

from seminar.models import Session
from seminar.selectors import seminar_cpd_hours
from tests.factories import SeminarFactory, SessionFactory


@pytest.mark.django_db
def test_cpd_hours_set_by_the_organiser_win():
    seminar = SeminarFactory(cpd_hours=Decimal("1.5"))
    SessionFactory(seminar=seminar)

    assert seminar_cpd_hours(seminar=seminar) == Decimal("1.5")


@pytest.mark.django_db
def test_cpd_hours_from_the_programme_leave_out_breaks_and_count_overlaps_once(
    django_assert_num_queries,
):
    seminar = SeminarFactory()
    start = seminar.starts_at
    SessionFactory(seminar=seminar, starts_at=start, ends_at=start + timedelta(minutes=45))
    # A parallel talk overlapping the first by 15 minutes adds 15 minutes.
    SessionFactory(
        seminar=seminar,
        starts_at=start + timedelta(minutes=30),
        ends_at=start + timedelta(minutes=60),
    )
    SessionFactory(
        seminar=seminar,
        kind=Session.Kind.BREAK,
        starts_at=start + timedelta(minutes=60),
        ends_at=start + timedelta(minutes=75),
    )
    SessionFactory(
        seminar=seminar,
        kind=Session.Kind.PANEL,
        starts_at=start + timedelta(minutes=75),
        ends_at=start + timedelta(minutes=105),
    )

    with django_assert_num_queries(1):
        hours = seminar_cpd_hours(seminar=seminar)

    assert hours == Decimal("1.5")  # 60 + 30 minutes


@pytest.mark.django_db
def test_cpd_hours_without_a_programme_are_the_seminars_length():
    seminar = SeminarFactory()  # two hours

    assert seminar_cpd_hours(seminar=seminar) == Decimal("2.0")
