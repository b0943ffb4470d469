"""The calendar files: one UID per registrant for good, a SEQUENCE that rises with every edit of
the seminar (so a newer file replaces the entry), and a cancellation (METHOD:CANCEL)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from registrations.calendar import CANCEL, calendar_ics, calendar_sequence
from seminar.models import Seminar
from seminar.services import seminar_reschedule
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db


def parsed(content: bytes):
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def edited_yesterday(seminar: Seminar) -> Seminar:
    Seminar.objects.filter(pk=seminar.pk).update(updated_at=timezone.now() - timedelta(days=1))
    seminar.refresh_from_db()
    return seminar


def test_rescheduling_raises_the_sequence_though_it_saves_with_update():
    seminar = edited_yesterday(SeminarFactory())
    before = calendar_sequence(seminar)

    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + timedelta(days=7),
        ends_at=seminar.ends_at + timedelta(days=7),
        move_programme=True,
    )

    seminar.refresh_from_db()
    assert calendar_sequence(seminar) > before


def test_saving_the_seminar_raises_the_sequence():
    seminar = edited_yesterday(SeminarFactory())
    before = calendar_sequence(seminar)

    seminar.venue_en = "Theatre 1"
    seminar.save()

    assert calendar_sequence(seminar) > before


def test_a_cancellation_file_replaces_the_registrants_entry_with_a_cancelled_one(settings):
    settings.DEFAULT_FROM_EMAIL = "IP Seminar <seminar@example.gov.hk>"
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)
    registration = RegistrationFactory(seminar=seminar)

    calendar, event = parsed(
        calendar_ics(seminar=seminar, registration=registration, method=CANCEL)
    )

    _published, earlier = parsed(calendar_ics(seminar=seminar, registration=registration))
    assert str(calendar.get("method")) == "CANCEL"
    assert str(event.get("status")) == "CANCELLED"
    assert event.get("uid") == earlier.get("uid")
    assert str(event.get("organizer")) == "mailto:seminar@example.gov.hk"
    assert event.get("organizer").params["cn"] == "IP Seminar"
    assert str(event.get("summary")).startswith("Cancelled: ")
    assert event.decoded("dtstart") == seminar.starts_at.replace(microsecond=0)
    assert seminar.join_url not in event.to_ical().decode()


def test_the_published_file_is_as_before_a_method_of_publish_and_no_organiser():
    seminar = SeminarFactory()

    calendar, event = parsed(calendar_ics(seminar=seminar))

    assert str(calendar.get("method")) == "PUBLISH"
    assert str(event.get("status")) == "CONFIRMED"
    assert event.get("organizer") is None


def test_a_cancelled_seminars_file_carries_no_personal_link():
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)
    registration = RegistrationFactory(seminar=seminar)

    for method in (CANCEL, "PUBLISH"):
        _calendar, event = parsed(
            calendar_ics(seminar=seminar, registration=registration, method=method)
        )
        assert registration.token not in event.to_ical().decode()
        assert "Your registration" not in str(event.get("description"))
        assert "This seminar has been cancelled." in str(event.get("description"))


def test_a_seat_at_a_seminar_going_ahead_keeps_its_personal_link():
    registration = RegistrationFactory(seminar=SeminarFactory())

    _calendar, event = parsed(calendar_ics(seminar=registration.seminar, registration=registration))

    assert f"/r/{registration.token}/" in str(event.get("description"))
