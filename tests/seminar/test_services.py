from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from seminar.models import Seminar
from seminar.services import seminar_reschedule
from tests.factories import SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db

STARTS_AT = timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC)


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=2, minutes=30)
    )
    SessionFactory(seminar=seminar, title_en="Welcome remarks", starts_at=STARTS_AT)
    SessionFactory(
        seminar=seminar, title_en="Closing remarks", starts_at=STARTS_AT + timedelta(hours=2)
    )
    return seminar


def session_times(seminar: Seminar) -> list[tuple]:
    return list(seminar.sessions.values_list("starts_at", "ends_at"))


def test_seminar_reschedule_moves_the_programme_by_the_same_offset(seminar):
    week = timedelta(days=7)
    before = session_times(seminar)

    moved = seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + week,
        ends_at=seminar.ends_at + week,
        move_programme=True,
    )

    seminar.refresh_from_db()
    assert moved == 2
    assert seminar.starts_at == STARTS_AT + week
    assert session_times(seminar) == [(start + week, end + week) for start, end in before]


def test_seminar_reschedule_without_the_programme_refuses_and_changes_nothing(seminar):
    week = timedelta(days=7)
    before = session_times(seminar)

    with pytest.raises(ValidationError) as refusal:
        seminar_reschedule(
            seminar=seminar,
            starts_at=seminar.starts_at + week,
            ends_at=seminar.ends_at + week,
            move_programme=False,
        )

    assert refusal.value.messages == [
        "These sessions would be outside the seminar's new time: Welcome remarks, Closing "
        "remarks. Move the programme with the seminar, or change those sessions' times."
    ]
    seminar.refresh_from_db()
    assert seminar.starts_at == STARTS_AT
    assert session_times(seminar) == before


def test_seminar_reschedule_refuses_a_moved_programme_that_no_longer_fits(seminar):
    with pytest.raises(ValidationError) as refusal:
        seminar_reschedule(
            seminar=seminar,
            starts_at=seminar.starts_at + timedelta(days=1),
            ends_at=seminar.starts_at + timedelta(days=1, hours=1),
            move_programme=True,
        )

    assert "Closing remarks" in refusal.value.messages[0]
    assert "Welcome remarks" not in refusal.value.messages[0]
    assert session_times(seminar)[0][0] == STARTS_AT  # the move was rolled back


def test_seminar_reschedule_keeps_sessions_that_still_fit(seminar):
    before = session_times(seminar)

    moved = seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at - timedelta(hours=1),
        ends_at=seminar.ends_at + timedelta(hours=1),
        move_programme=False,
    )

    seminar.refresh_from_db()
    assert moved == 0
    assert seminar.ends_at == STARTS_AT + timedelta(hours=3, minutes=30)
    assert session_times(seminar) == before
