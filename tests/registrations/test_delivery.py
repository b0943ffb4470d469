"""The outbox: emails leave through the task queue, survive an SMTP outage, and are never sent
twice by two workers."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.delivery import (
    RETRY_DELAYS_MINUTES,
    notification_deliver,
    notification_retry,
    notification_send,
    notifications_requeue_stale,
)
from registrations.models import Notification, Registration
from registrations.services import registration_create
from tests.factories import SeminarFactory, registration_data, registration_form_data

NotificationStatus = Notification.Status
pytestmark = pytest.mark.django_db


class RecordingHandler(Sink):
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def register_form_data() -> dict:
    return registration_form_data(email="ho.yin@example.com")


# The worker closes its database connections between tasks, as a real process would; that needs a
# committed database rather than the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_registration_request_only_queues_the_email_and_the_worker_sends_it(
    client, database_queue, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:create", kwargs={"slug": seminar.slug}), register_form_data()
        )

    assert response.status_code == 302
    assert mail.outbox == []  # the request never talks to the mail server
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.PENDING

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    (message,) = mail.outbox
    assert message.to == ["ho.yin@example.com"]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_emails_queued_under_the_previous_task_path_are_still_sent(
    database_queue, django_capture_on_commit_callbacks
):
    # The queue stores tasks by import path; the release before this one queued
    # registrations.tasks.notification_send, which now lives in registrations.delivery.
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    DBTaskResult.objects.all().delete()  # this release's task for it, not the old one
    notification_send.enqueue(notification_id=registration.notifications.get().pk)
    DBTaskResult.objects.update(task_path="registrations.tasks.notification_send")

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    (message,) = mail.outbox
    assert message.to == [registration.email]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert registration.notifications.get().status == NotificationStatus.SENT


def test_smtp_outage_is_retried_and_nothing_is_lost_or_duplicated(smtp_settings):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    notification = registration.notifications.get()
    before = timezone.now()

    # The mail server is down: the attempt fails, the registration stays, a retry is planned.
    failed = notification_deliver(notification_id=notification.pk)

    assert failed.status == NotificationStatus.PENDING
    assert failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error
    assert failed.next_attempt_at >= before + timedelta(minutes=RETRY_DELAYS_MINUTES[0])
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"

    # The server comes back; the retry delivers exactly one message.
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    controller.start()
    try:
        sent = notification_deliver(notification_id=notification.pk)
        again = notification_deliver(notification_id=notification.pk)
    finally:
        controller.stop()

    assert sent.status == NotificationStatus.SENT
    assert sent.attempts == 2
    assert again.status == NotificationStatus.SENT
    assert len(handler.messages) == 1
    assert handler.messages[0].rcpt_tos == [registration.email]
    assert Registration.objects.filter(email=registration.email).count() == 1


def test_smtp_restarted_between_two_emails_delivers_both(smtp_settings):
    seminar = SeminarFactory()
    first = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    second = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings)

    controller.start()
    notification_deliver(notification_id=first.notifications.get().pk)
    controller.stop()
    down = notification_deliver(notification_id=second.notifications.get().pk)
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    controller.start()
    try:
        up = notification_deliver(notification_id=second.notifications.get().pk)
    finally:
        controller.stop()

    assert down.status == NotificationStatus.PENDING
    assert up.status == NotificationStatus.SENT
    assert sorted(m.rcpt_tos[0] for m in handler.messages) == ["a@example.com", "b@example.com"]


def test_failed_retry_is_scheduled_in_the_queue_with_back_off(smtp_settings, database_queue):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    notification = registration.notifications.get()

    notification_deliver(notification_id=notification.pk)

    task = DBTaskResult.objects.get()
    notification.refresh_from_db()
    assert task.run_after == notification.next_attempt_at
    assert task.args_kwargs["kwargs"] == {"notification_id": notification.pk}


def test_email_is_marked_failed_after_the_last_retry_and_can_be_sent_again(smtp_settings):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    notification = registration.notifications.get()

    for _ in range(len(RETRY_DELAYS_MINUTES) + 1):
        result = notification_deliver(notification_id=notification.pk)

    assert result.status == NotificationStatus.FAILED
    assert result.attempts == len(RETRY_DELAYS_MINUTES) + 1
    assert notification_deliver(notification_id=notification.pk).attempts == result.attempts

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    controller.start()
    try:
        assert notification_retry(notification=result)
    finally:
        controller.stop()
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
    assert len(handler.messages) == 1


def test_failed_emails_are_visible_to_organisers_on_the_registration(admin_client, smtp_settings):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    notification_deliver(notification_id=registration.notifications.get().pk)

    page = admin_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()
    failed_list = admin_client.get(
        reverse("admin:registrations_notification_changelist"), {"status__exact": "pending"}
    )

    assert "ConnectionRefusedError" in page
    assert [n.registration for n in failed_list.context["cl"].result_list] == [registration]


def test_a_notification_delivered_twice_sends_one_email():
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    notification = registration.notifications.get()

    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)

    assert len(mail.outbox) == 1


def test_emails_whose_task_was_lost_are_queued_again(django_capture_on_commit_callbacks):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    notification = registration.notifications.get()
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )

    requeued = notifications_requeue_stale()

    assert requeued == 1
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


def test_email_stuck_in_sending_after_a_worker_died_is_sent_again():
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    notification = registration.notifications.get()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING,
        attempts=1,
        last_attempt_at=timezone.now() - timedelta(minutes=11),
        created_at=timezone.now() - timedelta(minutes=11),
    )

    notifications_requeue_stale()

    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
