"""The public pages of a hybrid seminar (each way of attending with its own seats, a required
choice on the form) and of a seminar that screens its registrations."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from registrations.models import Registration
from registrations.views import MODE_FULL
from tests.factories import RegistrationFactory, SeminarFactory, registration_form_data

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


def register_url(seminar) -> str:
    return reverse("registrations:create", kwargs={"slug": seminar.slug})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


@pytest.fixture
def hybrid():
    """Room: 12 seats left of 40. Online: full, with a waitlist."""
    seminar = SeminarFactory(format="hybrid", capacity=40, online_capacity=1, venue_en="HKCEC")
    RegistrationFactory.create_batch(28, seminar=seminar, attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, attendance_mode="online")
    seminar.refresh_from_db()
    return seminar


def test_hybrid_form_asks_how_they_will_attend_with_each_modes_seats(client, hybrid):
    response = client.get(register_url(hybrid))

    text = text_of(response)
    assert "How will you attend?" in text
    assert "In the room — 12 seats left" in text
    assert "Online — full: waitlist" in text
    assert 'name="attendance_mode" value="in_person"' in response.content.decode()


def test_a_seminar_with_one_way_to_attend_has_no_such_question(client):
    response = client.get(register_url(SeminarFactory()))

    assert "attendance_mode" not in response.content.decode()
    assert "How will you attend?" not in text_of(response)


def test_the_hybrid_form_requires_a_choice_and_keeps_what_was_typed(client, hybrid):
    response = client.post(register_url(hybrid), registration_form_data(email="new@example.com"))

    assert response.status_code == 200
    assert "Choose whether you will attend in the room or online." in text_of(response)
    assert 'value="new@example.com"' in response.content.decode()
    assert not Registration.objects.filter(email="new@example.com").exists()


def test_registering_in_the_room_takes_a_room_seat(client, hybrid):
    response = client.post(
        register_url(hybrid),
        registration_form_data(email="new@example.com", attendance_mode="in_person"),
    )

    assert response.status_code == 302
    registration = Registration.objects.get(email="new@example.com")
    assert (registration.attendance_mode, registration.status) == ("in_person", "confirmed")
    hybrid.refresh_from_db()
    assert (hybrid.seats_taken, hybrid.online_seats_taken) == (29, 1)


def test_registering_online_when_online_is_full_joins_its_waitlist(client, hybrid):
    client.post(
        register_url(hybrid),
        registration_form_data(email="new@example.com", attendance_mode="online"),
    )

    registration = Registration.objects.get(email="new@example.com")
    assert (registration.attendance_mode, registration.status) == ("online", "waitlisted")


def test_a_mode_full_without_a_waitlist_is_refused_next_to_the_choice(client):
    seminar = SeminarFactory(
        format="hybrid", capacity=1, online_capacity=None, waitlist_enabled=False
    )
    RegistrationFactory(seminar=seminar, attendance_mode="in_person")

    response = client.post(
        register_url(seminar),
        registration_form_data(email="new@example.com", attendance_mode="in_person"),
    )

    text = text_of(response)
    assert str(MODE_FULL) in text
    assert "In the room — full" in text
    assert 'type="submit"' in response.content.decode()  # online still takes them
    assert not Registration.objects.filter(email="new@example.com").exists()


def test_an_unknown_mode_is_refused_next_to_the_choice(client, hybrid):
    response = client.post(
        register_url(hybrid),
        registration_form_data(email="new@example.com", attendance_mode="on_the_moon"),
    )

    assert "Choose whether you will attend in the room or online." in text_of(response)
    assert not Registration.objects.filter(email="new@example.com").exists()


def test_the_hybrid_seminar_page_shows_each_ways_seats(client, hybrid):
    text = text_of(client.get(hybrid.get_absolute_url()))

    assert "In the room — 12 seats left" in text
    assert "Online — full: waitlist" in text


def test_another_seminars_page_shows_no_seats_per_mode(client):
    text = text_of(client.get(SeminarFactory(capacity=10).get_absolute_url()))

    assert "In the room —" not in text and "Online —" not in text


def test_registering_at_a_screened_seminar_says_received_and_under_review(client):
    seminar = SeminarFactory(requires_approval=True)

    response = client.post(
        register_url(seminar), registration_form_data(email="new@example.com"), follow=True
    )

    text = text_of(response)
    assert "Registration received" in text
    assert "you do not have a seat yet" in text
    registration = Registration.objects.get(email="new@example.com")
    assert registration.status == Status.PENDING
    seminar.refresh_from_db()
    assert seminar.seats_taken == 0
