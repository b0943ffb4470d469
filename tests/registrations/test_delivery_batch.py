"""Sending in batches: one SMTP connection per batch, a new one when the server drops it, never
an email twice, a failed email retried while the rest go on, the throttle kept by any number of
workers, and the same few queries whatever the size of the batch."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import delivery
from registrations.delivery import (
    RETRY_DELAYS_MINUTES,
    notification_create,
    notification_deliver,
    notification_message_id,
    notifications_deliver_due,
    notifications_queue,
    notifications_requeue_stale,
)
from registrations.models import Notification, Registration
from tests.factories import AnswerFactory, RegistrationFactory, SeminarFactory, SessionFactory
from tests.mail_sink import MailSink

Kind = Notification.Kind
Status = Notification.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _drains_run_when_told(settings):
    # Queued drains are recorded, not run: each test plays the workers itself, with its clock.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.EMAILS_PER_MINUTE = 0
    settings.EMAIL_BATCH_SIZE = 100


@pytest.fixture
def seminar():
    seminar = SeminarFactory()
    SessionFactory(seminar=seminar, title_en="Opening remarks")
    return seminar


def queued(count: int, seminar, *, now=None, kind=Kind.CONFIRMATION) -> list[Notification]:
    registrations = RegistrationFactory.create_batch(count, seminar=seminar)
    notifications_queue(
        notifications=[Notification(registration=r, kind=kind) for r in registrations], now=now
    )
    return list(Notification.objects.filter(registration__in=registrations).order_by("pk"))


def statuses(notifications) -> list[str]:
    return [Notification.objects.get(pk=n.pk).status for n in notifications]


def test_a_batch_goes_over_one_connection(settings, seminar):
    notifications = queued(30, seminar)

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        claimed = notifications_deliver_due()

    assert claimed == 30
    assert sink.connections == 1
    assert sorted(sink.recipients) == sorted(n.registration.email for n in notifications)
    assert statuses(notifications) == [Status.SENT] * 30


def test_each_batch_has_its_own_connection_and_holds_at_most_the_batch_size(settings, seminar):
    settings.EMAIL_BATCH_SIZE = 10
    queued(25, seminar)

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        claimed = [notifications_deliver_due() for _ in range(4)]

    assert claimed == [10, 10, 5, 0]
    assert sink.connections == 3
    assert len(sink.messages) == 25


@pytest.mark.parametrize("say421", [False, True], ids=["hangs up", "says 421"])
def test_a_dropped_connection_is_reopened_and_nothing_is_lost_or_sent_twice(
    settings, seminar, say421
):
    notifications = queued(10, seminar)

    with MailSink(close_after=3, say421=say421) as sink:
        settings.MAILERS = sink.mailers()
        notifications_deliver_due()

    # The server took 3 messages per connection; the 4th was not yet handed over when it
    # hung up, so it went on the next connection at once.
    assert sink.connections == 4
    assert sorted(sink.recipients) == sorted(n.registration.email for n in notifications)
    assert max(sink.message_ids.values()) == 1
    assert statuses(notifications) == [Status.SENT] * 10
    assert {Notification.objects.get(pk=n.pk).attempts for n in notifications} == {1}


def test_a_connection_lost_during_data_is_retried_later_and_the_rest_go_on(settings, seminar):
    notifications = queued(6, seminar)
    cut_off = notifications[2]
    now = timezone.now()

    with MailSink(hang_up_in_data=(cut_off.registration.email,)) as sink:
        settings.MAILERS = sink.mailers()
        notifications_deliver_due(now=now)
        after_first_batch = list(sink.recipients)
        # The server might have kept it: not sent again at once, but after the back-off.
        assert notifications_deliver_due(now=now) == 0
        notifications_deliver_due(now=now + timedelta(minutes=RETRY_DELAYS_MINUTES[0]))

    assert cut_off.registration.email not in after_first_batch
    assert len(after_first_batch) == 5
    assert sink.connections == 3  # the first, a new one after the cut, and the retry's
    assert sorted(sink.recipients) == sorted(n.registration.email for n in notifications)
    retried = Notification.objects.get(pk=cut_off.pk)
    assert (retried.status, retried.attempts) == (Status.SENT, 2)


def test_a_refused_address_is_retried_with_back_off_while_the_batch_goes_on(settings, seminar):
    notifications = queued(5, seminar)
    refused = notifications[1]
    now = timezone.now()

    with MailSink(refuse=(refused.registration.email,)) as sink:
        settings.MAILERS = sink.mailers()
        notifications_deliver_due(now=now)

    assert sink.connections == 1
    assert len(sink.messages) == 4
    row = Notification.objects.get(pk=refused.pk)
    assert row.status == Status.PENDING
    assert "550" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=RETRY_DELAYS_MINUTES[0])
    assert statuses(n for n in notifications if n != refused) == [Status.SENT] * 4


def test_a_mail_server_that_cannot_be_reached_fails_the_batch_at_once_for_a_retry(
    settings, seminar, monkeypatch
):
    notifications = queued(5, seminar)
    settings.MAILERS = MailSink().mailers()  # nothing listens on that port
    tries = []
    monkeypatch.setattr(SmtpBackend, "open", _counting(SmtpBackend.open, tries))

    notifications_deliver_due()

    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    assert {(row.status, row.attempts) for row in rows} == {(Status.PENDING, 1)}
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    assert len(tries) == 1  # not a connection timeout per email


def _counting(function, calls: list):
    def counted(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return counted


def queued_tasks() -> list[str]:
    return [result.task.func.__name__ for result in default_task_backend.results]


def test_retries_of_announcements_go_through_a_few_drains_other_emails_by_their_own_task(
    settings, seminar
):
    settings.EMAIL_BATCH_SIZE = 10
    long_ago = timezone.now() - timedelta(hours=1)
    for registration in RegistrationFactory.create_batch(25, seminar=seminar):
        Notification.objects.create(
            registration=registration, kind=Kind.ANNOUNCEMENT, next_attempt_at=long_ago
        )
    for registration in RegistrationFactory.create_batch(2, seminar=seminar):
        Notification.objects.create(
            registration=registration, kind=Kind.CONFIRMATION, next_attempt_at=long_ago
        )

    assert notifications_requeue_stale() == 27

    assert sorted(queued_tasks()) == ["notification_send"] * 2 + ["notifications_send_due"] * 3


def test_every_attempt_at_an_email_carries_the_same_message_id(settings, seminar):
    first, second = queued(2, seminar)
    now = timezone.now()
    with MailSink(hang_up_in_data=(first.registration.email,)) as sink:
        settings.MAILERS = sink.mailers()
        notifications_deliver_due(now=now)
        notifications_deliver_due(now=now + timedelta(minutes=5))

    ids = {recipient: message_id for recipient, message_id in sink.messages}
    # So a receiver that got the first attempt after all can drop the second.
    assert sink.cut_off == [(first.registration.email, ids[first.registration.email])]
    assert ids[first.registration.email] == notification_message_id(first).encode()
    assert ids[second.registration.email] == notification_message_id(second).encode()
    assert notification_message_id(first) != notification_message_id(second)


class StoppingBackend(MemoryBackend):
    """Memory backend whose worker is stopped (SIGTERM twice) while handing over the third."""

    def send_messages(self, messages):
        if len(mail.outbox) == 2:
            raise SystemExit(1)
        return super().send_messages(messages)


def test_a_worker_stopped_mid_batch_gives_back_what_it_had_not_started(settings, seminar):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.StoppingBackend"}}
    notifications = queued(6, seminar)

    with pytest.raises(SystemExit):
        notifications_deliver_due()

    rows = [Notification.objects.get(pk=n.pk) for n in notifications]
    assert [row.status for row in rows] == [Status.SENT] * 2 + [Status.SENDING] + [
        Status.PENDING
    ] * 3
    # The third may or may not have reached the server: the sweeper decides, after
    # SENDING_TIMEOUT. The others were never started and are due again at once.
    assert [row.attempts for row in rows[3:]] == [0, 0, 0]
    assert len(mail.outbox) == 2


def test_a_batch_out_of_time_gives_back_the_rest_at_once(monkeypatch, seminar):
    clock = SimpleNamespace(now=0.0)

    def monotonic():
        clock.now += 25  # every email takes 25 s: a slow server
        return clock.now

    monkeypatch.setattr(delivery, "time", SimpleNamespace(monotonic=monotonic))
    notifications = queued(5, seminar)

    notifications_deliver_due()

    assert statuses(notifications) == [Status.SENT] * 2 + [Status.PENDING] * 3
    assert queued_tasks() == ["notification_send"] * 3
    monkeypatch.undo()
    assert notifications_deliver_due() == 3  # due at once, not after a back-off
    assert statuses(notifications) == [Status.SENT] * 5


def test_a_worker_that_died_leaves_its_batch_to_the_sweeper(seminar):
    notifications = queued(4, seminar)
    now = timezone.now()
    Notification.objects.update(status=Status.SENDING, attempts=1, last_attempt_at=now)

    assert notifications_requeue_stale(now=now + timedelta(minutes=5)) == 0
    later = now + delivery.SENDING_TIMEOUT + timedelta(seconds=1)
    requeued = notifications_requeue_stale(now=later)

    assert requeued == 4
    assert notifications_deliver_due(now=later) == 4
    assert statuses(notifications) == [Status.SENT] * 4
    assert len(mail.outbox) == 4


def test_a_confirmation_goes_at_once_by_its_own_task_whatever_the_backlog(settings, seminar):
    settings.EMAILS_PER_MINUTE = 10
    backlog = queued(30, seminar)
    notifications_deliver_due()  # this minute's ten: no room left
    registration = RegistrationFactory(seminar=seminar)

    confirmation = notification_create(registration=registration, kind=Kind.CONFIRMATION)
    notification_deliver(notification_id=confirmation.pk)

    assert Notification.objects.get(pk=confirmation.pk).status == Status.SENT
    assert statuses(backlog).count(Status.SENT) == 10


def test_drains_leave_a_new_email_to_its_own_task(seminar):
    registration = RegistrationFactory(seminar=seminar)
    confirmation = notification_create(registration=registration, kind=Kind.CONFIRMATION)

    assert notifications_deliver_due() == 0

    assert Notification.objects.get(pk=confirmation.pk).status == Status.PENDING


def test_queuing_adds_one_drain_per_batch_in_each_minute_of_the_throttle(
    settings, seminar, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EMAILS_PER_MINUTE = 25
    settings.EMAIL_BATCH_SIZE = 10
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        queued(60, seminar, now=now)

    drains = DBTaskResult.objects.filter(task_path="registrations.delivery.notifications_send_due")
    # 60 emails at 25 a minute: slots now (25), in 1 minute (25), in 2 (10); a drain per 10.
    later = [time - now for time in drains.values_list("run_after", flat=True) if time.year < 9999]
    assert sorted(later) == [timedelta(minutes=1)] * 3 + [timedelta(minutes=2)]
    assert drains.count() == 7
    assert {drain.priority for drain in drains} == {delivery.DRAIN_PRIORITY}


def test_the_throttle_holds_with_two_workers_and_two_announcements_queued_together(
    settings, seminar
):
    settings.EMAILS_PER_MINUTE = 10
    settings.EMAIL_BATCH_SIZE = 4
    start = timezone.now()
    first = queued(25, seminar, now=start)
    second = queued(12, seminar, now=start + timedelta(seconds=5))

    # Two workers take turns at every drain they can run, every 10 seconds, for eight minutes.
    for tick in range(48):
        now = start + timedelta(seconds=10 * tick)
        while notifications_deliver_due(now=now) + notifications_deliver_due(now=now):
            pass

    sent_at = dict(Notification.objects.filter(status=Status.SENT).values_list("pk", "sent_at"))
    assert len(sent_at) == 37
    times = sorted(sent_at.values())
    for moment in times:
        in_that_minute = [t for t in times if moment <= t < moment + timedelta(minutes=1)]
        assert len(in_that_minute) <= 10
    # The second announcement waits behind the first instead of doubling the rate.
    assert max(sent_at[n.pk] for n in first) <= min(sent_at[n.pk] for n in second)


def test_every_attempt_counts_against_the_rate_whoever_made_it(settings, seminar):
    settings.EMAILS_PER_MINUTE = 5
    now = timezone.now()
    for registration in RegistrationFactory.create_batch(3, seminar=seminar):
        Notification.objects.create(
            registration=registration,
            kind=Kind.CONFIRMATION,
            status=Status.SENT,
            last_attempt_at=now - timedelta(seconds=30),
        )
    queued(10, seminar, now=now)

    assert notifications_deliver_due(now=now) == 2
    assert notifications_deliver_due(now=now + timedelta(seconds=31)) == 3


def _batch(seminar, count: int) -> list[Notification]:
    """Confirmed and waitlisted registrants in three languages, with answers."""
    languages = list(Registration.Language.values)
    rows = []
    for number in range(count):
        status = (
            Registration.Status.WAITLISTED if number % 4 == 3 else Registration.Status.CONFIRMED
        )
        registration = RegistrationFactory(
            seminar=seminar, status=status, preferred_language=languages[number % 3]
        )
        AnswerFactory(registration=registration, value=f"Answer {number}")
        kind = Kind.WAITLISTED if status == Registration.Status.WAITLISTED else Kind.CONFIRMATION
        rows.append(Notification(registration=registration, kind=kind))
    return rows


def test_a_batch_costs_one_query_per_email_and_a_few_for_the_batch(
    settings, seminar, django_assert_num_queries
):
    # Per batch: the claim (savepoint, select, update, release), reading the rows, the
    # organisers' opening paragraph for each kind (2), the programme, the answers and their
    # options (2), the waitlist's order; per email: marking it sent. On PostgreSQL the
    # seminar's version, and the next batch finds the seminar's own parts kept (3 fewer).
    postgres = connection.vendor == "postgresql"
    per_batch = 11 + postgres
    notifications_queue(notifications=_batch(seminar, 5))
    with django_assert_num_queries(per_batch + 5):
        assert notifications_deliver_due() == 5

    notifications_queue(notifications=_batch(seminar, 50))
    with django_assert_num_queries(per_batch - 3 * postgres + 50):
        assert notifications_deliver_due() == 50

    assert len(mail.outbox) == 55


def new_emails(count: int, seminar, *, waited: timedelta) -> list[Notification]:
    """Confirmations whose own tasks have not run yet, queued `waited` ago."""
    notifications = [
        notification_create(registration=registration, kind=Kind.CONFIRMATION)
        for registration in RegistrationFactory.create_batch(count, seminar=seminar)
    ]
    Notification.objects.update(created_at=timezone.now() - waited)
    return notifications


def test_when_workers_fall_behind_a_task_takes_the_waiting_emails_along(settings, seminar):
    first, *others = new_emails(5, seminar, waited=delivery.BEHIND + timedelta(seconds=1))

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        notification_deliver(notification_id=first.pk, with_waiting=True)
        # Their own tasks run later and find them sent.
        for notification in others:
            notification_deliver(notification_id=notification.pk, with_waiting=True)

    assert sink.connections == 1
    assert sorted(sink.recipients) == sorted(n.registration.email for n in [first, *others])
    assert statuses([first, *others]) == [Status.SENT] * 5


def test_when_workers_keep_up_each_email_goes_at_once_on_its_own(settings, seminar):
    first, second = new_emails(2, seminar, waited=timedelta(0))

    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        notification_deliver(notification_id=first.pk, with_waiting=True)

    assert sink.recipients == [first.registration.email]
    assert statuses([first, second]) == [Status.SENT, Status.PENDING]


def test_sending_new_confirmations_costs_the_same_few_queries_whatever_their_number(
    settings, seminar, django_assert_num_queries
):
    """The task that sends new emails (a rush of registrations): a fixed number of queries for
    the batch, and per email only the UPDATE that marks it sent (which keeps a crash from
    sending it twice)."""

    def confirmations(count: int) -> None:
        for registration in RegistrationFactory.create_batch(count, seminar=seminar):
            AnswerFactory(registration=registration)
            notification_create(registration=registration, kind=Kind.CONFIRMATION)

    def sent_with(count: int) -> list[str]:
        confirmations(count)
        with CaptureQueriesContext(connection) as queries:
            assert delivery.notifications_deliver_new() == count
        return [query["sql"] for query in queries.captured_queries]

    one, five, fifty = sent_with(1), sent_with(5), sent_with(50)

    marking = [sql for sql in fifty if sql.startswith('UPDATE "registrations_notification"')]
    assert len(marking) == 50 + 1  # and the claim
    assert len(fifty) - 50 == len(five) - 5 <= len(one) - 1
    assert len(mail.outbox) == 56


def test_a_burst_of_registrations_queues_one_task_that_sends_them_all(
    settings, seminar, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    registrations = RegistrationFactory.create_batch(20, seminar=seminar)
    with django_capture_on_commit_callbacks(execute=True):
        for registration in registrations:
            with transaction.atomic():
                notification_create(registration=registration, kind=Kind.CONFIRMATION)

    (task,) = DBTaskResult.objects.filter(status="READY")
    assert task.task_path == "registrations.delivery.notifications_send_new"
    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        task.task.call()
        assert sink.connections == 1
    assert sorted(sink.recipients) == sorted(r.email for r in registrations)

    # Once that task has started, the next registration queues one of its own: the one
    # running may have claimed before this email was written.
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING")
    latecomer = RegistrationFactory(seminar=seminar)
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(registration=latecomer, kind=Kind.CONFIRMATION)
    (task,) = DBTaskResult.objects.filter(status="READY")
    with MailSink() as sink:
        settings.MAILERS = sink.mailers()
        task.task.call()
    assert sink.recipients == [latecomer.email]
