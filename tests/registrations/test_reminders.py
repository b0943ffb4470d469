"""Reminders go to confirmed registrants at the seminar's offsets, exactly once each."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from registrations.delivery import notification_deliver, reminders_schedule
from registrations.models import Notification, Registration
from registrations.services import registration_cancel
from tests.factories import RegistrationFactory, SeminarFactory

Kind = Notification.Kind


def reminders_sent() -> list[tuple[str, str]]:
    """(address, offset) of each reminder sent; the key also names the start it counted from."""
    return sorted(
        (email, key.partition("@")[0])
        for email, key in Notification.objects.filter(
            kind=Kind.REMINDER, status="sent"
        ).values_list("registration__email", "reminder_key")
    )


@pytest.fixture
def seminar(db):
    starts_at = timezone.now() + timedelta(days=2)
    return SeminarFactory(starts_at=starts_at, reminder_hours="24, 1", capacity=10)


@pytest.mark.django_db
def test_reminder_goes_to_each_confirmed_registrant_once(seminar):
    confirmed = RegistrationFactory(seminar=seminar, email="yes@example.com")
    RegistrationFactory(seminar=seminar, status="waitlisted", email="waiting@example.com")
    RegistrationFactory(seminar=seminar, status="cancelled", email="gone@example.com")
    Registration.objects.update(confirmed_at=seminar.starts_at - timedelta(days=5))
    now = seminar.starts_at - timedelta(hours=23)

    first = reminders_schedule(now=now)
    second = reminders_schedule(now=now + timedelta(minutes=1))

    assert (first, second) == (1, 0)
    assert reminders_sent() == [(confirmed.email, "24h")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Reminder:")


@pytest.mark.django_db
def test_no_reminder_before_its_time(seminar):
    RegistrationFactory(seminar=seminar, confirmed_at=seminar.starts_at - timedelta(days=5))

    assert reminders_schedule(now=seminar.starts_at - timedelta(hours=25)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_offset_sends_its_own_reminder(seminar):
    RegistrationFactory(
        seminar=seminar, email="a@example.com", confirmed_at=seminar.starts_at - timedelta(days=5)
    )

    reminders_schedule(now=seminar.starts_at - timedelta(hours=23))
    reminders_schedule(now=seminar.starts_at - timedelta(minutes=50))
    reminders_schedule(now=seminar.starts_at - timedelta(minutes=40))

    assert reminders_sent() == [("a@example.com", "1h"), ("a@example.com", "24h")]


@pytest.mark.django_db
def test_scheduler_that_was_down_sends_only_the_latest_reminder(seminar):
    RegistrationFactory(
        seminar=seminar, email="a@example.com", confirmed_at=seminar.starts_at - timedelta(days=5)
    )

    reminders_schedule(now=seminar.starts_at - timedelta(minutes=30))

    assert reminders_sent() == [("a@example.com", "1h")]


@pytest.mark.django_db
def test_registration_made_after_the_reminder_time_does_not_get_that_reminder(seminar):
    RegistrationFactory(
        seminar=seminar,
        email="late@example.com",
        confirmed_at=seminar.starts_at - timedelta(hours=20),
    )

    reminders_schedule(now=seminar.starts_at - timedelta(hours=19))
    reminders_schedule(now=seminar.starts_at - timedelta(minutes=59))

    assert reminders_sent() == [("late@example.com", "1h")]


@pytest.mark.django_db
def test_no_reminders_after_the_start_or_for_a_seminar_without_them(seminar):
    RegistrationFactory(seminar=seminar, confirmed_at=seminar.starts_at - timedelta(days=5))
    quiet = SeminarFactory(starts_at=seminar.starts_at, reminder_hours="")
    RegistrationFactory(seminar=quiet, confirmed_at=seminar.starts_at - timedelta(days=5))

    assert reminders_schedule(now=seminar.starts_at + timedelta(minutes=1)) == 0
    assert reminders_schedule(now=seminar.starts_at - timedelta(minutes=10)) == 1


@pytest.mark.django_db
def test_reminder_queued_before_a_cancellation_is_not_sent(seminar, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    registration = RegistrationFactory(
        seminar=seminar, confirmed_at=seminar.starts_at - timedelta(days=5)
    )
    reminders_schedule(now=seminar.starts_at - timedelta(hours=23))
    registration_cancel(registration=registration)
    reminder = registration.notifications.get(kind=Kind.REMINDER)

    assert notification_deliver(notification_id=reminder.pk).status == "skipped"
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]


@pytest.mark.django_db
def test_scheduler_command_queues_reminders_that_are_due(seminar):
    RegistrationFactory(seminar=seminar, confirmed_at=seminar.starts_at - timedelta(days=5))
    seminar.starts_at = timezone.now() + timedelta(minutes=30)
    seminar.ends_at = seminar.starts_at + timedelta(hours=2)
    seminar.save()

    call_command("scheduler", verbosity=0)

    assert len(reminders_sent()) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_scheduling_and_sending_at_once_send_each_reminder_once():
    seminar = SeminarFactory(starts_at=timezone.now() + timedelta(hours=2), reminder_hours="24")
    for n in range(20):
        RegistrationFactory(seminar=seminar, email=f"p{n}@example.com")
    Registration.objects.update(confirmed_at=timezone.now() - timedelta(days=1))
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            for _ in range(3):
                reminders_schedule()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    reminder_mail = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert sorted(m.to[0] for m in reminder_mail) == sorted(f"p{n}@example.com" for n in range(20))
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 20
