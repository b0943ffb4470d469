"""The dashboard and the post-event summary say how many were checked in at the door."""

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.permissions import ORGANISERS
from registrations.selectors import seminar_headcounts
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.organiser.test_views import urls, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    client.force_login(user_in(ORGANISERS))
    return client


def checked_in(registration: Registration) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    return registration


def test_hybrid_counts_the_room_seats_and_the_confirmed_checked_in():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=10, online_capacity=10)
    checked_in(RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON))
    RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)
    RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    # Checked in, then cancelled: no longer counted.
    gone = checked_in(
        RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)
    )
    Registration.objects.filter(pk=gone.pk).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )

    headcounts = seminar_headcounts(seminar=seminar)

    assert (headcounts.checked_in, headcounts.room_holders) == (1, 2)


def test_online_seminar_shows_no_check_in_figure(organiser_client):
    seminar = SeminarFactory(format=Seminar.Format.ONLINE)
    RegistrationFactory(seminar=seminar)

    assert seminar_headcounts(seminar=seminar).room_holders == 0
    dashboard = organiser_client.get(urls(seminar)["dashboard"]).content.decode()
    assert "Checked in at the door" not in dashboard


def test_dashboard_and_summary_say_checked_in_n_of_m(organiser_client):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, venue_en="Room 1")
    checked_in(RegistrationFactory(seminar=seminar))
    RegistrationFactory.create_batch(2, seminar=seminar)

    dashboard = organiser_client.get(urls(seminar)["dashboard"]).content.decode()
    summary = organiser_client.get(urls(seminar)["summary"]).content.decode()

    assert 'data-figure="checked_in">1 of 3<' in dashboard
    assert (
        "Checked in at the door: 1 of 3 confirmed registrants with a seat in the room." in summary
    )


def test_online_attendees_at_the_door_are_counted_apart_from_the_room(organiser_client):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=10, online_capacity=10)
    checked_in(RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON))
    checked_in(RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE))
    checked_in(RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE))

    headcounts = seminar_headcounts(seminar=seminar)

    assert (headcounts.checked_in, headcounts.room_holders) == (1, 1)
    assert headcounts.online_checked_in == 2
