"""The outbox under real concurrency, on PostgreSQL: workers racing for the same backlog (threads
with their own connections, and `manage.py db_worker` processes), the throttle under racing
workers, and a worker killed in the middle of a batch.

What we guarantee, and what these tests check: no email is lost, and none is sent twice, except
the one a killed worker was handing over when it died (the server may have taken it before the
row was marked sent). That one goes again with the same Message-ID, so a receiver can drop it:
after dropping repeats of a Message-ID, every email arrived exactly once.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from registrations.delivery import (
    SENDING_TIMEOUT,
    notification_message_id,
    notifications_deliver_due,
    notifications_queue,
    notifications_requeue_stale,
)
from registrations.models import Notification
from tests.factories import RegistrationFactory, SeminarFactory
from tests.mail_sink import MailSink
from tests.test_multiprocess import database_url

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
Status = Notification.Status


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EMAILS_PER_MINUTE = 0


def backlog(count: int) -> list[Notification]:
    seminar = SeminarFactory(capacity=None)
    registrations = RegistrationFactory.create_batch(count, seminar=seminar)
    notifications_queue(
        notifications=[
            Notification(registration=registration, kind=Notification.Kind.CONFIRMATION)
            for registration in registrations
        ]
    )
    return list(Notification.objects.filter(registration__in=registrations))


def expected_ids(notifications) -> set[bytes]:
    return {notification_message_id(n).encode() for n in notifications}


def worker(sink: MailSink, tmp_path, *, batch_size: int, stay: bool = False) -> subprocess.Popen:
    """A `manage.py db_worker` process sending to the sink; with stay=False it leaves once
    nothing is queued."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        # The same Message-IDs as this process derives.
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "0",
        "EMAILS_PER_MINUTE": "0",
        "EMAIL_BATCH_SIZE": str(batch_size),
        "VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(
        command + ([] if stay else ["--batch"]),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def in_threads(count: int, work) -> None:
    """Run `work` in `count` threads at once, each with its own database connection."""
    start = threading.Barrier(count)
    errors = []

    def run():
        try:
            start.wait()
            work()
        except Exception as error:
            # Whatever a thread hits, the test must fail on it, not lose it in the thread.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def drain_all() -> None:
    """A worker: batch after batch until nothing is due."""
    while notifications_deliver_due():
        pass


def test_workers_racing_for_one_backlog_send_each_email_once(settings, database_queue):
    settings.EMAIL_BATCH_SIZE = 15
    notifications = backlog(120)

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        in_threads(4, drain_all)

    assert sink.message_ids == dict.fromkeys(expected_ids(notifications), 1)
    assert sink.connections == 8  # one per batch of 15
    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    assert {(row.status, row.attempts) for row in rows} == {(Status.SENT, 1)}


def test_two_db_workers_deliver_a_backlog_once_each_batch_over_one_connection(
    database_queue, tmp_path
):
    with MailSink() as sink:
        settings.EMAIL_BATCH_SIZE = 20  # the drains queued below: one per 20
        notifications = backlog(200)
        workers = [worker(sink, tmp_path, batch_size=20) for _ in range(2)]
        for process in workers:
            assert process.wait(timeout=180) == 0

    assert sink.message_ids == dict.fromkeys(expected_ids(notifications), 1)
    assert sink.connections == 10
    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    assert {(row.status, row.attempts) for row in rows} == {(Status.SENT, 1)}


def test_racing_workers_keep_to_the_rate(settings, database_queue):
    settings.EMAILS_PER_MINUTE = 10
    settings.EMAIL_BATCH_SIZE = 4
    now = timezone.now()
    notifications = backlog(40)
    Notification.objects.update(next_attempt_at=now)  # all due at once

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        in_threads(4, lambda: [notifications_deliver_due(now=now) for _ in range(5)])

    assert len(sink.messages) == 10
    assert Notification.objects.filter(status=Status.SENT).count() == 10
    assert Notification.objects.filter(pk__in=[n.pk for n in notifications]).count() == 40


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_email_in_flight(
    database_queue, tmp_path
):
    with MailSink(delay=0.05) as sink:
        settings.EMAIL_BATCH_SIZE = 60
        notifications = backlog(60)
        killed = worker(sink, tmp_path, batch_size=60, stay=True)
        deadline = time.monotonic() + 60
        while len(sink.messages) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        at_kill = dict(Notification.objects.values_list("pk", "status"))
        received_at_kill = set(sink.message_ids)

        # The sweeper hands the claimed rows to another worker once SENDING_TIMEOUT has passed.
        assert notifications_requeue_stale(now=timezone.now() + timedelta(minutes=1)) == 0
        later = timezone.now() + SENDING_TIMEOUT + timedelta(seconds=1)
        requeued = notifications_requeue_stale(now=later)
        assert worker(sink, tmp_path, batch_size=60).wait(timeout=180) == 0

    claimed_unsent = [pk for pk, status in at_kill.items() if status == Status.SENDING]
    assert len(claimed_unsent) >= 2, "the kill should land in the middle of the batch"
    assert requeued == len(claimed_unsent)
    # Nothing lost.
    assert set(sink.message_ids) == expected_ids(notifications)
    assert Notification.objects.exclude(status=Status.SENT).count() == 0
    # Nothing twice, but the one in flight: the server had it, its row was not marked yet.
    repeated = [message_id for message_id, count in sink.message_ids.items() if count > 1]
    assert len(repeated) <= 1
    in_flight = {
        notification_message_id(n).encode() for n in notifications if n.pk in claimed_unsent
    } & received_at_kill
    assert set(repeated) <= in_flight
    assert sum(sink.message_ids.values()) == len(notifications) + len(repeated)
