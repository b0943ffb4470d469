from datetime import timedelta

import pytest
from django.utils import timezone

from seminar.models import RegistrationState, Seminar
from tests.factories import RegistrationFactory, SeminarFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_availability_open_counts_seats_left():
    seminar = SeminarFactory(capacity=3)
    RegistrationFactory(seminar=seminar)

    availability = seminar.availability()

    assert availability.state == RegistrationState.OPEN
    assert availability.seats_left == 2
    assert availability.accepts_registrations


def test_availability_full_with_waitlist_still_accepts_registrations():
    seminar = SeminarFactory(capacity=1, waitlist_enabled=True)
    RegistrationFactory(seminar=seminar)

    availability = seminar.availability()

    assert availability.state == RegistrationState.WAITLIST
    assert availability.seats_left == 0
    assert availability.accepts_registrations


def test_availability_full_without_waitlist_refuses():
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    assert seminar.availability().state == RegistrationState.FULL
    assert not seminar.availability().accepts_registrations


def test_availability_before_opening_says_when_it_opens():
    opens_at = timezone.now() + timedelta(days=3)
    seminar = SeminarFactory(registration_opens_at=opens_at)

    availability = seminar.availability()

    assert availability.state == RegistrationState.NOT_YET_OPEN
    assert availability.opens_at == opens_at


def test_availability_closes_at_the_closing_time():
    closes_at = timezone.now() + timedelta(days=3)
    seminar = SeminarFactory(registration_closes_at=closes_at)

    assert (
        seminar.availability(now=closes_at - timedelta(seconds=1)).state == RegistrationState.OPEN
    )
    assert seminar.availability(now=closes_at).state == RegistrationState.CLOSED


def test_availability_of_a_draft_is_unavailable():
    seminar = SeminarFactory(status=Seminar.Status.DRAFT)

    assert seminar.availability().state == RegistrationState.UNAVAILABLE


def test_speaker_display_name_puts_english_and_chinese_names_together():
    speaker = SpeakerFactory(name_en="CHAN Tai Man", name_zh="陳大文")

    assert speaker.display_name == "CHAN Tai Man 陳大文"
