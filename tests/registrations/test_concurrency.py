"""Real threads, real connections: the seat rule must hold when requests race.

PostgreSQL only: SQLite's in-memory test database cannot be shared between threads, and its
IMMEDIATE transactions serialise writers by design.
"""

from collections import Counter

import pytest

from registrations.errors import DuplicateRegistration
from registrations.models import Registration
from registrations.selectors import registration_waitlist_position
from registrations.services import (
    registration_approve,
    registration_create,
    registration_mode_change,
)
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory, registration_data
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_forty_simultaneous_registrations_for_the_last_ten_seats():
    seminar = SeminarFactory(capacity=40)
    RegistrationFactory.create_batch(30, seminar=seminar)

    results = run_at_once(
        40,
        lambda n: (
            registration_create(
                seminar=seminar, data=registration_data(email=f"racer{n}@example.com")
            ).status
        ),
    )

    assert Counter(results) == {"confirmed": 10, "waitlisted": 30}
    seminar.refresh_from_db()
    assert seminar.seats_taken == 40
    assert Registration.objects.filter(seminar=seminar, status="confirmed").count() == 40
    waitlisted = Registration.objects.filter(seminar=seminar, status="waitlisted").count()
    assert waitlisted == 30


def test_simultaneous_registrations_with_one_email_create_one_row():
    seminar = SeminarFactory(capacity=100)

    results = run_at_once(
        10,
        lambda n: registration_create(
            seminar=seminar, data=registration_data(email="same.person@example.com")
        ),
    )

    assert sum(isinstance(result, Registration) for result in results) == 1
    assert sum(isinstance(result, DuplicateRegistration) for result in results) == 9
    assert Registration.objects.filter(seminar=seminar).count() == 1
    assert Seminar.objects.get(pk=seminar.pk).seats_taken == 1


def test_forty_organisers_approving_at_once_for_the_last_ten_seats():
    seminar = SeminarFactory(capacity=40, requires_approval=True)
    RegistrationFactory.create_batch(30, seminar=seminar)
    applicants = [
        registration_create(
            seminar=seminar, data=registration_data(email=f"applicant{n}@example.com")
        )
        for n in range(40)
    ]
    assert {applicant.status for applicant in applicants} == {"pending"}

    results = run_at_once(
        40,
        lambda n: registration_approve(registration=applicants[n], actor=None).status,
    )

    assert Counter(results) == {"confirmed": 10, "waitlisted": 30}
    seminar.refresh_from_db()
    assert seminar.seats_taken == 40
    assert Registration.objects.filter(seminar=seminar, status="confirmed").count() == 40
    # The waitlist is ordered by approval time, one place each.
    positions = sorted(
        registration_waitlist_position(registration=registration)
        for registration in Registration.objects.filter(seminar=seminar, status="waitlisted")
    )
    assert positions == list(range(1, 31))


def test_forty_registrations_at_once_for_the_last_five_room_seats_leave_online_seats_alone():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=40, online_capacity=300)
    RegistrationFactory.create_batch(35, seminar=seminar, attendance_mode="in_person")
    RegistrationFactory.create_batch(7, seminar=seminar, attendance_mode="online")

    results = run_at_once(
        40,
        lambda n: (
            registration_create(
                seminar=seminar,
                data=registration_data(email=f"room{n}@example.com", attendance_mode="in_person"),
            ).status
        ),
    )

    assert Counter(results) == {"confirmed": 5, "waitlisted": 35}
    seminar.refresh_from_db()
    assert (seminar.seats_taken, seminar.online_seats_taken) == (40, 7)
    room = Registration.objects.filter(seminar=seminar, attendance_mode="in_person")
    assert room.filter(status="confirmed").count() == 40
    assert room.filter(status="waitlisted").count() == 35
    assert not Registration.objects.filter(
        seminar=seminar, attendance_mode="online", status="waitlisted"
    ).exists()


def test_switching_modes_while_others_register_keeps_both_counters_true():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=10, online_capacity=10)
    movers = RegistrationFactory.create_batch(10, seminar=seminar, attendance_mode="in_person")

    def work(n: int) -> str:
        if n < 10:
            return registration_mode_change(registration=movers[n], mode="online").status
        return registration_create(
            seminar=seminar,
            data=registration_data(email=f"late{n}@example.com", attendance_mode="in_person"),
        ).status

    results = run_at_once(20, work)

    assert all(isinstance(result, str) for result in results), results
    seminar.refresh_from_db()
    confirmed = Registration.objects.filter(seminar=seminar, status="confirmed")
    assert seminar.seats_taken == confirmed.filter(attendance_mode="in_person").count()
    assert seminar.online_seats_taken == confirmed.filter(attendance_mode="online").count()
    assert seminar.online_seats_taken == 10
    # Every room seat a mover gave up went to someone: ten people, ten seats.
    assert seminar.seats_taken == 10
