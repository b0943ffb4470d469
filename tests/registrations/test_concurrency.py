"""Real threads, real connections: the seat rule must hold when requests race.

PostgreSQL only: SQLite's in-memory test database cannot be shared between threads, and its
IMMEDIATE transactions serialise writers by design.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from registrations.errors import DuplicateRegistration
from registrations.models import Registration
from registrations.services import registration_create
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_at_once(count: int, work) -> list:
    """Run work(n) in `count` threads released together; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(number: int) -> None:
        try:
            barrier.wait()
            results[number] = work(number)
        except Exception as error:  # the test asserts on whatever each thread met
            results[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


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
