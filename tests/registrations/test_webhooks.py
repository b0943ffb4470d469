"""Webhook events: exactly the events an endpoint chose reach it, signed, with the registration
as it stood when the event happened, checked by an independent receiver (webhook_receiver.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from registrations.certificates import certificate_issue
from registrations.checkin import checkin_record
from registrations.models import AuditEntry, Registration, WebhookDelivery, WebhookEndpoint
from registrations.models import WebhookEvent as Event
from registrations.services import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
)
from registrations.webhooks import webhooks_any_active
from tests.factories import RegistrationFactory, SeminarFactory, registration_data
from tests.registrations.certificate_helpers import (
    past_seminar_with_certificates,
    qualifying_registration,
)
from tests.registrations.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


@pytest.fixture
def receiver():
    receiver = Receiver(secret="whsec_test-secret").start()
    yield receiver
    receiver.stop()


def endpoint_for(receiver: Receiver, *events: str, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="CRM", url=receiver.url, secret=receiver.secret, events=list(events), **fields
    )


@pytest.fixture
def sent_on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue on commit (the sending task, immediate in tests)."""

    def run(change, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(**kwargs)

    return run


def test_exactly_the_chosen_events_reach_the_endpoint_in_order(receiver, sent_on_commit):
    endpoint_for(receiver, Event.REGISTRATION_CREATED, Event.REGISTRATION_CANCELLED)
    seminar = SeminarFactory()

    registration = sent_on_commit(registration_create, seminar=seminar, data=registration_data())
    sent_on_commit(registration_cancel, registration=registration)

    assert receiver.events == ["registration.created", "registration.cancelled"]
    assert all(item["valid"] for item in receiver.received)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_registering_announces_created_then_its_outcome(receiver, sent_on_commit):
    endpoint_for(receiver, *Event.values)
    full = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=full)

    sent_on_commit(registration_create, seminar=SeminarFactory(), data=registration_data())
    sent_on_commit(registration_create, seminar=full, data=registration_data())

    assert receiver.events == [
        "registration.created",
        "registration.confirmed",
        "registration.created",
        "registration.waitlisted",
    ]


def test_cancelling_a_confirmed_seat_announces_the_promotion_it_causes(receiver, sent_on_commit):
    endpoint_for(receiver, Event.REGISTRATION_CANCELLED, Event.REGISTRATION_PROMOTED)
    seminar = SeminarFactory(capacity=1)
    seated = RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)

    sent_on_commit(registration_cancel, registration=seated)

    assert receiver.events == ["registration.cancelled", "registration.promoted"]
    promoted = receiver.received[1]["body"]["data"]["registration"]
    assert (promoted["id"], promoted["status"]) == (waiting.pk, "confirmed")


def test_screening_announces_approval_with_its_outcome_and_declines(receiver, sent_on_commit):
    endpoint_for(receiver, *Event.values)
    seminar = SeminarFactory(requires_approval=True)
    organiser = get_user_model().objects.create_user("organiser")
    first = sent_on_commit(registration_create, seminar=seminar, data=registration_data())
    second = sent_on_commit(
        registration_create, seminar=seminar, data=registration_data(email="b@example.com")
    )

    sent_on_commit(registration_approve, registration=first, actor=organiser)
    sent_on_commit(registration_decline, registration=second, actor=organiser)

    assert receiver.events == [
        "registration.created",
        "registration.created",
        "registration.approved",
        "registration.confirmed",
        "registration.declined",
    ]


def test_check_in_and_certificate_are_announced(receiver, sent_on_commit):
    endpoint_for(receiver, Event.REGISTRATION_CHECKED_IN, Event.CERTIFICATE_ISSUED)
    staff = get_user_model().objects.create_user("door")
    seminar = SeminarFactory()
    registration = RegistrationFactory(seminar=seminar)
    past = past_seminar_with_certificates()
    attendee = qualifying_registration(past)

    sent_on_commit(checkin_record, seminar=seminar, registration=registration, by=staff)
    certificate = sent_on_commit(certificate_issue, registration=attendee, by=None)

    assert receiver.events == ["registration.checked_in", "certificate.issued"]
    checked_in = receiver.received[0]["body"]["data"]["registration"]
    assert checked_in["checked_in_at"] is not None
    issued = receiver.received[1]["body"]["data"]
    assert issued["certificate"]["code"] == certificate.code
    assert Decimal(issued["certificate"]["hours"]) == certificate.hours
    assert issued["registration"]["id"] == attendee.pk


def test_the_payload_describes_the_registration_when_the_event_happened(receiver, sent_on_commit):
    endpoint_for(receiver, Event.REGISTRATION_CREATED)
    seminar = SeminarFactory(slug="ip-sme-2030")

    registration = sent_on_commit(registration_create, seminar=seminar, data=registration_data())
    Registration.objects.filter(pk=registration.pk).update(organisation="Renamed Ltd.")

    item = receiver.received[0]
    delivery = WebhookDelivery.objects.get()
    body = item["body"]
    assert item["headers"]["Webhook-Id"] == body["id"] == str(delivery.message_id)
    assert item["headers"]["Content-Type"] == "application/json"
    assert item["headers"]["User-Agent"].startswith("SeminarRegistration-Webhooks/")
    assert body["event"] == "registration.created"
    data = body["data"]["registration"]
    assert data["id"] == registration.pk
    assert data["seminar"] == "ip-sme-2030"
    assert data["status"] == "confirmed"
    assert (data["name_en"], data["name_zh"]) == ("CHAN Tai Man", "陳大文")
    assert data["email"] == "tai.man.chan@example.com"
    assert data["organisation"] == "Harbour Trading Co. Ltd."
    assert data["attendance_mode"] == registration.attendance_mode
    # The private links' tokens are nobody else's business.
    assert registration.token not in str(body)
    assert registration.checkin_code not in str(body)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REGISTERED)
    assert delivery.audit_entry == entry
    assert delivery.payload["data"]["registration"]["organisation"] == "Harbour Trading Co. Ltd."


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(receiver, sent_on_commit):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="whsec_not-the-one")

    sent_on_commit(registration_create, seminar=SeminarFactory(), data=registration_data())

    assert [item["valid"] for item in receiver.received] == [False]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.attempts) == (
        Status.PENDING,
        401,
        1,
    )
    assert delivery.next_attempt_at is not None


def test_endpoints_of_another_seminar_or_switched_off_hear_nothing(receiver, sent_on_commit):
    seminar = SeminarFactory()
    endpoint_for(receiver, Event.REGISTRATION_CREATED, seminar=SeminarFactory())
    endpoint_for(receiver, Event.REGISTRATION_CREATED, active=False)
    scoped = endpoint_for(receiver, Event.REGISTRATION_CREATED, seminar=seminar)

    sent_on_commit(registration_create, seminar=seminar, data=registration_data())

    assert receiver.events == ["registration.created"]
    assert WebhookDelivery.objects.get().endpoint == scoped


def test_one_delivery_per_endpoint_and_event_of_an_audit_entry(receiver):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    registration_create(seminar=SeminarFactory(), data=registration_data())
    delivery = WebhookDelivery.objects.get()

    with pytest.raises(IntegrityError):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=delivery.event, audit_entry=delivery.audit_entry
        )


def test_the_active_flag_costs_no_query_once_cached(receiver, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert webhooks_any_active() is False
    with django_assert_num_queries(0):
        assert webhooks_any_active() is False

    endpoint_for(receiver, Event.REGISTRATION_CREATED)  # saving forgets the flag

    assert webhooks_any_active() is True


def test_registering_without_endpoints_never_reads_the_webhook_tables(
    django_assert_max_num_queries,
):
    webhooks_any_active()  # as every running server has it cached
    seminar = SeminarFactory()

    with django_assert_max_num_queries(50) as captured:
        registration_create(seminar=seminar, data=registration_data())

    assert [query["sql"] for query in captured if "webhook" in query["sql"]] == []
    assert not WebhookDelivery.objects.exists()
