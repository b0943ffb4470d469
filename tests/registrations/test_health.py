"""Heartbeats and queue ages: what /readyz and the metrics report about the background work."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.health import (
    SCHEDULER,
    WORKER,
    background_health,
    emails_by_status,
    heartbeat_record,
    registrations_by_status,
)
from registrations.models import Heartbeat, Notification, Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_before_the_scheduler_has_ever_run_the_background_is_not_ready():
    health = background_health()
    assert not health.ok
    assert health.problems == ["The scheduler has never run."]


def test_the_scheduler_beats_and_a_worker_answers_its_heartbeat_task():
    # Tasks run at once in the tests, as if a worker took them at once.
    call_command("scheduler")
    beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
    assert set(beats) == {SCHEDULER, WORKER}
    health = background_health()
    assert health.ok, health.problems
    assert health.scheduler_age < 60 and health.worker_age < 60


@pytest.mark.django_db(transaction=True)
def test_a_stopped_worker_shows_up_although_no_email_is_waiting(database_queue):
    call_command("scheduler")  # no worker runs: the heartbeat task waits in the queue
    call_command("scheduler")  # a second pass does not pile up a second one
    assert DBTaskResult.objects.filter(task_path__endswith="worker_heartbeat_record").count() == 1
    assert background_health().ok is False  # no worker has ever answered

    later = timezone.now() + timedelta(minutes=11)
    heartbeat_record(name=SCHEDULER, now=later)  # the scheduler is fine
    health = background_health(now=later)
    assert "No task worker has run the heartbeat task yet." in health.problems
    assert any("The oldest task has waited" in problem for problem in health.problems)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    heartbeat_record(name=SCHEDULER)
    assert background_health().ok


def test_a_stopped_scheduler_and_a_stalled_worker_are_each_named(settings):
    now = timezone.now()
    heartbeat_record(name=SCHEDULER, now=now - timedelta(seconds=400))
    heartbeat_record(name=WORKER, now=now - timedelta(seconds=30))
    health = background_health(now=now)
    assert health.problems == ["The scheduler last ran 400 seconds ago."]

    settings.READINESS_WORKER_MAX_AGE_SECONDS = 20
    heartbeat_record(name=SCHEDULER, now=now)
    assert background_health(now=now).problems == [
        "No task worker has taken a task for 30 seconds."
    ]


def test_an_email_waiting_past_the_limit_is_reported_but_one_spread_to_later_is_not(settings):
    now = timezone.now()
    heartbeat_record(name=SCHEDULER, now=now)
    heartbeat_record(name=WORKER, now=now)
    registration = RegistrationFactory()
    Notification.objects.all().delete()
    stuck = Notification.objects.create(
        registration=registration, kind=Notification.Kind.CONFIRMATION
    )
    Notification.objects.filter(pk=stuck.pk).update(created_at=now - timedelta(minutes=15))
    # An announcement slot an hour away (the sending rate) is not late.
    Notification.objects.create(
        registration=registration,
        kind=Notification.Kind.REMINDER,
        reminder_key="24h@1",
        next_attempt_at=now + timedelta(hours=1),
    )
    health = background_health(now=now)
    assert health.oldest_email_age == pytest.approx(900, abs=1)
    assert health.problems == ["The oldest email due has waited 900 seconds."]

    Notification.objects.filter(pk=stuck.pk).update(status=Notification.Status.SENT)
    assert background_health(now=now).ok


def test_counts_by_state_name_every_state_even_when_empty():
    RegistrationFactory.create_batch(2)
    RegistrationFactory(status=Registration.Status.WAITLISTED)
    registrations = registrations_by_status()
    assert registrations[Registration.Status.CONFIRMED] == 2
    assert registrations[Registration.Status.WAITLISTED] == 1
    assert set(registrations) == set(Registration.Status.values)
    emails = emails_by_status()
    assert set(emails) == set(Notification.Status.values)
    assert sum(emails.values()) == Notification.objects.count()
