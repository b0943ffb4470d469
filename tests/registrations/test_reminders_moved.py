"""Reminders follow a seminar that moves: one queued for the old start is not sent, the new
start gets its own when it is due, and nobody ends up without one (or with two for one start)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations.delivery import notification_deliver, reminders_schedule
from registrations.models import Notification
from seminar.services import seminar_reschedule
from tests.factories import RegistrationFactory, SeminarFactory

Kind = Notification.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    # Mid-morning in two days: the moved seminar must not cross midnight (its time range is
    # then written with both dates), whatever the time of day the test runs.
    starts_at = (timezone.localtime() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    seminar = SeminarFactory(starts_at=starts_at, reminder_hours="24, 1", capacity=10)
    for number in range(3):
        RegistrationFactory(
            seminar=seminar,
            email=f"r{number}@example.com",
            confirmed_at=starts_at - timedelta(days=5),
        )
    return seminar


@pytest.fixture
def held(settings):
    """Queued emails wait for a worker instead of going at once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def move(seminar, delta: timedelta) -> None:
    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + delta,
        ends_at=seminar.ends_at + delta,
        move_programme=True,
    )


def deliver_pending(now) -> list[str]:
    """A worker's pass: every waiting reminder, delivered or skipped; their outcomes."""
    reminders = Notification.objects.filter(kind=Kind.REMINDER, status="pending")
    return sorted(
        notification_deliver(notification_id=pk, now=now).status
        for pk in reminders.values_list("pk", flat=True)
    )


def reminders_by_key() -> dict[str, list[str]]:
    """Each reminder key (offset@start) and the statuses of its reminders."""
    result = {}
    for key, status in Notification.objects.filter(kind=Kind.REMINDER).values_list(
        "reminder_key", "status"
    ):
        result.setdefault(key, []).append(status)
    return {key: sorted(statuses) for key, statuses in result.items()}


def test_a_reminder_queued_for_the_old_start_is_not_sent_after_a_postponement(seminar, held):
    old_start = seminar.starts_at
    reminders_schedule(now=old_start - timedelta(hours=23))

    move(seminar, timedelta(days=7))

    assert deliver_pending(now=old_start - timedelta(hours=22)) == ["skipped"] * 3
    assert mail.outbox == []


def test_the_new_start_gets_its_reminder_when_it_is_due_and_none_is_lost(seminar, held):
    old_start = seminar.starts_at
    reminders_schedule(now=old_start - timedelta(hours=23))
    move(seminar, timedelta(days=7))
    new_start = old_start + timedelta(days=7)
    deliver_pending(now=old_start - timedelta(hours=22))

    early = reminders_schedule(now=new_start - timedelta(hours=25))
    due = reminders_schedule(now=new_start - timedelta(hours=23))
    delivered = deliver_pending(now=new_start - timedelta(hours=23))

    assert (early, due) == (0, 3)
    assert delivered == ["sent"] * 3
    stamp = int(new_start.timestamp())
    assert reminders_by_key() == {
        f"24h@{int(old_start.timestamp())}": ["skipped"] * 3,
        f"24h@{stamp}": ["sent"] * 3,
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]


def test_the_reminder_for_the_new_start_says_the_new_time(seminar):
    move(seminar, timedelta(days=7, hours=1))
    seminar.refresh_from_db()

    reminders_schedule(now=seminar.starts_at - timedelta(minutes=30))

    local = timezone.localtime(seminar.starts_at)
    assert len(mail.outbox) == 3
    assert f"{local:%H:%M}–" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Reminder:")


def test_a_seminar_brought_forward_gets_the_reminder_that_is_now_due(seminar, held):
    old_start = seminar.starts_at
    now = old_start - timedelta(hours=40)
    reminders_schedule(now=now)  # nothing due yet for the old start

    move(seminar, -timedelta(hours=30))  # now starts 10 hours from `now`
    queued = reminders_schedule(now=now)

    new_start = int((old_start - timedelta(hours=30)).timestamp())
    assert queued == 3
    assert deliver_pending(now=now) == ["sent"] * 3
    assert reminders_by_key() == {f"24h@{new_start}": ["sent"] * 3}


def test_a_reminder_already_sent_for_the_old_start_is_sent_again_for_the_new_one(seminar):
    old_start = seminar.starts_at
    reminders_schedule(now=old_start - timedelta(hours=23))
    assert len(mail.outbox) == 3

    move(seminar, timedelta(days=7))
    again = reminders_schedule(now=old_start - timedelta(hours=22))
    later = reminders_schedule(now=old_start + timedelta(days=7) - timedelta(hours=23))
    twice = reminders_schedule(now=old_start + timedelta(days=7) - timedelta(hours=22))

    assert (again, later, twice) == (0, 3, 0)
    assert len(mail.outbox) == 6
