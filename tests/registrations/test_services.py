from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from registrations.errors import REFUSAL_MESSAGES, DuplicateRegistration, RegistrationRefused
from registrations.models import Registration
from registrations.selectors import registration_waitlist_position
from registrations.services import (
    registration_cancel,
    registration_create,
    waitlist_promote,
)
from seminar.models import RegistrationState, Seminar
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

Status = Registration.Status
pytestmark = pytest.mark.django_db


def test_registration_create_confirms_while_seats_remain():
    seminar = SeminarFactory(capacity=2)

    registration = registration_create(seminar=seminar, data=registration_data())

    seminar.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert seminar.seats_taken == 1
    assert seminar.seats_left == 1


def test_registration_create_records_consent_time_and_statement_version(settings):
    seminar = SeminarFactory()
    before = timezone.now()

    registration = registration_create(seminar=seminar, data=registration_data())

    assert registration.consent_version == settings.PICS_VERSION
    assert before <= registration.consent_at <= timezone.now()


def test_registration_create_waitlists_when_seminar_is_full():
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar, status=Status.CONFIRMED)

    registration = registration_create(seminar=seminar, data=registration_data())

    seminar.refresh_from_db()
    assert registration.status == Status.WAITLISTED
    assert registration.confirmed_at is None
    assert seminar.seats_taken == 1
    assert registration_waitlist_position(registration=registration) == 1


def test_waitlist_positions_follow_booking_order():
    seminar = SeminarFactory(capacity=0)

    first = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    second = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))

    assert registration_waitlist_position(registration=first) == 1
    assert registration_waitlist_position(registration=second) == 2


def test_registration_create_without_capacity_never_fills():
    seminar = SeminarFactory(capacity=None)

    statuses = {
        registration_create(
            seminar=seminar, data=registration_data(email=f"p{n}@example.com")
        ).status
        for n in range(5)
    }

    assert statuses == {Status.CONFIRMED}


@pytest.mark.parametrize(
    ("seminar_kwargs", "state"),
    [
        ({"capacity": 0, "waitlist_enabled": False}, RegistrationState.FULL),
        (
            {"registration_opens_at": timezone.now() + timedelta(days=1)},
            RegistrationState.NOT_YET_OPEN,
        ),
        (
            {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
            RegistrationState.CLOSED,
        ),
        ({"status": Seminar.Status.DRAFT}, RegistrationState.UNAVAILABLE),
        ({"status": Seminar.Status.CANCELLED}, RegistrationState.UNAVAILABLE),
    ],
)
def test_registration_create_refuses_with_a_reason(seminar_kwargs, state):
    seminar = SeminarFactory(**seminar_kwargs)

    with pytest.raises(RegistrationRefused) as refusal:
        registration_create(seminar=seminar, data=registration_data())

    assert refusal.value.state == state
    assert refusal.value.message == REFUSAL_MESSAGES[state]
    assert not Registration.objects.exists()


def test_registration_create_closes_when_the_seminar_starts_by_default():
    seminar = SeminarFactory(registration_closes_at=None)

    with pytest.raises(RegistrationRefused) as refusal:
        registration_create(
            seminar=seminar, data=registration_data(), now=seminar.starts_at + timedelta(seconds=1)
        )

    assert refusal.value.state == RegistrationState.CLOSED


def test_organiser_can_add_someone_outside_the_registration_window():
    seminar = SeminarFactory(registration_closes_at=timezone.now() - timedelta(hours=1))

    registration = registration_create(
        seminar=seminar, data=registration_data(), source=Registration.Source.ADMIN
    )

    assert registration.status == Status.CONFIRMED
    assert registration.source == Registration.Source.ADMIN


@pytest.mark.parametrize(
    "second_email",
    ["tai.man.chan@example.com", "  Tai.Man.Chan@EXAMPLE.com ", "TAI.MAN.CHAN@example.com"],
)
def test_registration_create_refuses_second_active_registration_for_the_same_email(second_email):
    seminar = SeminarFactory()
    first = registration_create(seminar=seminar, data=registration_data())

    with pytest.raises(DuplicateRegistration) as duplicate:
        registration_create(seminar=seminar, data=registration_data(email=second_email))

    assert duplicate.value.existing == first
    assert Registration.objects.count() == 1


def test_registration_create_trims_email_and_lowercases_its_domain():
    seminar = SeminarFactory()

    registration = registration_create(
        seminar=seminar, data=registration_data(email="  Tai.Man@Example.COM ")
    )

    assert registration.email == "Tai.Man@example.com"


def test_same_email_may_register_again_after_cancelling():
    seminar = SeminarFactory()
    first = registration_create(seminar=seminar, data=registration_data())
    registration_cancel(registration=first)

    again = registration_create(seminar=seminar, data=registration_data())

    assert again.status == Status.CONFIRMED
    assert again.pk != first.pk


def test_same_email_may_register_for_two_seminars():
    registration_create(seminar=SeminarFactory(), data=registration_data())

    other = registration_create(seminar=SeminarFactory(), data=registration_data())

    assert other.status == Status.CONFIRMED


def test_database_refuses_two_active_registrations_with_one_email():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="same@example.com")

    with pytest.raises(IntegrityError):
        RegistrationFactory(seminar=seminar, email="SAME@example.com")


def test_database_refuses_more_confirmed_seats_than_capacity():
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)

    with pytest.raises(IntegrityError):
        RegistrationFactory(seminar=seminar)


def test_registration_tokens_are_long_random_and_unrelated_to_the_email():
    seminar = SeminarFactory()

    first = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    second = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))

    assert len(first.token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert first.token != second.token
    assert "a@example.com" not in first.token
    assert str(first.pk) != first.token


def test_registration_cancel_promotes_the_first_waitlisted():
    seminar = SeminarFactory(capacity=1)
    confirmed = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    first_waiting = registration_create(
        seminar=seminar, data=registration_data(email="b@example.com")
    )
    second_waiting = registration_create(
        seminar=seminar, data=registration_data(email="c@example.com")
    )

    registration_cancel(registration=confirmed)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    seminar.refresh_from_db()
    assert first_waiting.status == Status.CONFIRMED
    assert first_waiting.confirmed_at is not None
    assert second_waiting.status == Status.WAITLISTED
    assert registration_waitlist_position(registration=second_waiting) == 1
    assert seminar.seats_taken == 1


def test_registration_cancel_of_a_waitlisted_registration_promotes_nobody():
    seminar = SeminarFactory(capacity=1)
    registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    waiting = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))
    behind = registration_create(seminar=seminar, data=registration_data(email="c@example.com"))

    registration_cancel(registration=waiting)

    behind.refresh_from_db()
    seminar.refresh_from_db()
    assert behind.status == Status.WAITLISTED
    assert registration_waitlist_position(registration=behind) == 1
    assert seminar.seats_taken == 1


def test_registration_cancel_twice_changes_nothing_the_second_time():
    seminar = SeminarFactory(capacity=5)
    registration = registration_create(seminar=seminar, data=registration_data())
    registration_cancel(registration=registration)
    cancelled_at = Registration.objects.get(pk=registration.pk).cancelled_at

    registration_cancel(registration=registration)

    seminar.refresh_from_db()
    assert seminar.seats_taken == 0
    assert Registration.objects.get(pk=registration.pk).cancelled_at == cancelled_at


def test_waitlist_promote_fills_added_seats_in_booking_order():
    seminar = SeminarFactory(capacity=1)
    registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    waiting = [
        registration_create(seminar=seminar, data=registration_data(email=f"w{n}@example.com"))
        for n in range(3)
    ]
    Seminar.objects.filter(pk=seminar.pk).update(capacity=3)

    promoted = waitlist_promote(seminar=seminar)

    assert [registration.pk for registration in promoted] == [waiting[0].pk, waiting[1].pk]
    assert Registration.objects.get(pk=waiting[2].pk).status == Status.WAITLISTED
    seminar.refresh_from_db()
    assert seminar.seats_taken == 3


def test_waitlist_promote_does_nothing_for_a_cancelled_seminar():
    seminar = SeminarFactory(capacity=0)
    waiting = registration_create(seminar=seminar, data=registration_data())
    Seminar.objects.filter(pk=seminar.pk).update(capacity=5, status=Seminar.Status.CANCELLED)

    assert waitlist_promote(seminar=seminar) == []
    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED


def test_seminar_save_from_a_stale_instance_keeps_the_seat_count():
    seminar = SeminarFactory(capacity=10)
    stale = Seminar.objects.get(pk=seminar.pk)
    registration_create(seminar=seminar, data=registration_data())

    stale.title_en = "Renamed"
    stale.save()

    seminar.refresh_from_db()
    assert seminar.title_en == "Renamed"
    assert seminar.seats_taken == 1
