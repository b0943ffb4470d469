"""Webhook delivery against real local HTTP servers: a receiver that is down and comes back, a
slow one, one that fails, redirects, or sits at a private address; the order per registration;
and a registration that never waits for any of them."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import WebhookDelivery, WebhookEndpoint
from registrations.models import WebhookEvent as Event
from registrations.privacy import personal_data_purge
from registrations.services import registration_cancel, registration_create
from registrations.webhook_delivery import (
    RETRY_DELAYS_MINUTES,
    webhook_deliveries_requeue_stale,
    webhooks_deliver_due,
)
from registrations.webhooks import webhook_delivery_resend
from tests.factories import SeminarFactory, registration_data, registration_form_data
from tests.registrations.webhook_receiver import Receiver, free_port

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status
SECRET = "whsec_test-secret"


@pytest.fixture
def receivers():
    started = []

    def start(**kwargs) -> Receiver:
        receiver = Receiver(secret=SECRET, **kwargs).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


def endpoint_at(url: str, *events: str) -> WebhookEndpoint:
    events = events or (Event.REGISTRATION_CREATED, Event.REGISTRATION_CANCELLED)
    return WebhookEndpoint.objects.create(name="CRM", url=url, secret=SECRET, events=list(events))


def register(django_capture_on_commit_callbacks, seminar=None, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return registration_create(
            seminar=seminar or SeminarFactory(), data=registration_data(**data)
        )


def test_a_receiver_that_is_down_is_retried_with_back_off_and_gets_it_once(
    receivers, django_capture_on_commit_callbacks
):
    port = free_port()
    endpoint_at(f"http://127.0.0.1:{port}/hooks", Event.REGISTRATION_CREATED)

    register(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    first_try = delivery.last_attempt_at

    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        Status.PENDING,
        1,
        None,
    )
    assert "ConnectionRefused" in delivery.last_error
    assert delivery.next_attempt_at == first_try + timedelta(minutes=RETRY_DELAYS_MINUTES[0])

    receiver = receivers(port=port)  # back up
    assert webhooks_deliver_due(now=first_try + timedelta(seconds=30)) == 0  # not yet its time
    assert webhooks_deliver_due(now=first_try + timedelta(minutes=1)) == 1
    assert webhooks_deliver_due(now=first_try + timedelta(hours=1)) == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Status.SENT, 2, 200)
    assert delivery.last_error == ""
    assert receiver.events == ["registration.created"]
    assert receiver.received[0]["valid"]


def test_the_back_off_grows_then_the_delivery_fails_for_good(
    receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    receiver.answer_for["registration.created"] = 503
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)
    register(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()

    delays = []
    while delivery.status == Status.PENDING:
        delays.append(delivery.next_attempt_at - delivery.last_attempt_at)
        webhooks_deliver_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert delays == [timedelta(minutes=minutes) for minutes in RETRY_DELAYS_MINUTES]
    assert (delivery.status, delivery.response_status) == (Status.FAILED, 503)
    assert delivery.attempts == len(RETRY_DELAYS_MINUTES) + 1 == len(receiver.received)
    assert delivery.last_error.startswith("HTTP 503")


def test_a_slow_receiver_gives_a_retry_not_a_hang(
    receivers, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver = receivers(delay=1.5)
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)

    started = time.monotonic()
    register(django_capture_on_commit_callbacks)
    took = time.monotonic() - started

    delivery = WebhookDelivery.objects.get()
    assert took < 1.4
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert "timed out" in delivery.last_error.lower()


def test_a_later_event_waits_for_an_earlier_one_being_retried(
    receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    receiver.answers = [500]  # the first request fails, the rest succeed
    endpoint_at(receiver.url)
    registration = register(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)

    created, cancelled = WebhookDelivery.objects.order_by("pk")
    assert (created.status, cancelled.status, cancelled.attempts) == (
        Status.PENDING,
        Status.PENDING,
        0,
    )
    assert receiver.events == []

    webhooks_deliver_due(now=created.next_attempt_at)

    assert [item["status"] for item in receiver.received] == [500, 200, 200]
    assert receiver.events == ["registration.created", "registration.cancelled"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_once_an_earlier_event_fails_for_good_the_later_ones_go(
    receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    receiver.answer_for["registration.created"] = 500
    endpoint_at(receiver.url)
    registration = register(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
    created = WebhookDelivery.objects.order_by("pk").first()

    while created.status == Status.PENDING:
        webhooks_deliver_due(now=created.next_attempt_at)
        created.refresh_from_db()

    assert created.status == Status.FAILED
    assert receiver.events == ["registration.cancelled"]


def test_a_redirect_is_not_followed(receivers, django_capture_on_commit_callbacks):
    receiver = receivers()
    receiver.answer_for["registration.created"] = 302
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)

    register(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == (Status.PENDING, 302)
    assert len(receiver.received) == 1


def test_a_private_address_is_refused_at_send_time(
    receivers, settings, django_capture_on_commit_callbacks
):
    receiver = receivers()
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)  # allowed when it was added
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    register(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING
    assert "private" in delivery.last_error
    assert receiver.received == []


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_again(receivers):
    receiver = receivers()
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)
    registration_create(seminar=SeminarFactory(), data=registration_data())  # no commit: no task
    now = timezone.now()
    WebhookDelivery.objects.update(
        status=Status.SENDING, attempts=1, last_attempt_at=now - timedelta(minutes=6)
    )

    requeued = webhook_deliveries_requeue_stale(now=now)

    assert requeued == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert receiver.events == ["registration.created"]


def test_a_delivery_still_within_its_claim_is_left_alone(receivers):
    receiver = receivers()
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)
    registration_create(seminar=SeminarFactory(), data=registration_data())
    now = timezone.now()
    WebhookDelivery.objects.update(status=Status.SENDING, attempts=1, last_attempt_at=now)

    assert webhook_deliveries_requeue_stale(now=now + timedelta(minutes=1)) == 0
    assert WebhookDelivery.objects.get().status == Status.SENDING
    assert receiver.received == []


def test_resend_posts_the_same_message_again(receivers, django_capture_on_commit_callbacks):
    receiver = receivers()
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)
    register(django_capture_on_commit_callbacks)
    original = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        copy = webhook_delivery_resend(delivery=original)

    copy.refresh_from_db()
    assert copy.pk != original.pk
    assert copy.status == Status.SENT
    first, second = receiver.received
    assert first["body"] == second["body"]
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"]
    assert second["valid"]


def test_removing_personal_data_removes_the_payloads(receivers, django_capture_on_commit_callbacks):
    receiver = receivers()
    endpoint_at(receiver.url, Event.REGISTRATION_CREATED)
    seminar = SeminarFactory()
    register(django_capture_on_commit_callbacks, seminar=seminar)
    seminar.starts_at = timezone.now() - timedelta(days=400)
    seminar.ends_at = seminar.starts_at + timedelta(hours=2)
    seminar.save()

    personal_data_purge(days=30)

    delivery = WebhookDelivery.objects.get()
    assert delivery.payload == {}
    assert delivery.registration is not None


# The worker closes its database connections between tasks, as a real process would; that needs
# a committed database rather than the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_a_dead_endpoint_never_slows_a_registration(
    client, settings, receivers, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    slow = receivers(delay=3)
    endpoint_at(slow.url, Event.REGISTRATION_CREATED)
    endpoint_at(f"http://127.0.0.1:{free_port()}/dead", Event.REGISTRATION_CREATED)
    seminar = SeminarFactory()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:create", kwargs={"slug": seminar.slug}),
            registration_form_data(email="ho.yin@example.com"),
        )
    took = time.monotonic() - started

    assert response.status_code == 302
    assert seminar.registrations.count() == 1
    assert took < 2
    assert slow.received == []  # the request talked to no receiver
    assert list(WebhookDelivery.objects.values_list("status", "attempts")) == [
        (Status.PENDING, 0),
        (Status.PENDING, 0),
    ]
    assert (
        DBTaskResult.objects.filter(task_path="registrations.webhook_delivery.webhook_send").count()
        == 2
    )

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    assert slow.events == ["registration.created"]


def test_an_address_with_credentials_is_refused_at_send_time_too(
    receivers, django_capture_on_commit_callbacks
):
    # Saved before the form refused it, or written around the form: never called.
    receiver = receivers()
    endpoint_at(receiver.url.replace("http://", "http://user:secret@"))

    register(django_capture_on_commit_callbacks)

    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert "user name and password" in delivery.last_error
