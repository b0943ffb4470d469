"""registration.updated and registration.anonymised: every change a receiver mirroring the
registrations must learn, with payload times in the API's form so the two can be matched."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.serializers.registrations import RegistrationSerializer
from registrations.audit import audit_record
from registrations.checkin import checkin_record, checkin_undo
from registrations.models import AuditEntry, Registration, WebhookDelivery, WebhookEndpoint
from registrations.models import WebhookEvent as Event
from registrations.privacy import personal_data_purge
from registrations.services import (
    registration_attendance_set,
    registration_create,
    registration_mode_change,
    registration_update,
)
from registrations.webhooks import webhook_events_for, webhooks_any_active
from tests.factories import RegistrationFactory, SeminarFactory, registration_data
from tests.registrations.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db
UPDATED = "registration.updated"


@pytest.fixture
def receiver():
    receiver = Receiver(secret="whsec_test-secret").start()
    yield receiver
    receiver.stop()


def endpoint_for(receiver: Receiver, *events: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="CRM", url=receiver.url, secret=receiver.secret, events=list(events)
    )


@pytest.fixture
def sent_on_commit(django_capture_on_commit_callbacks):
    def run(change, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(**kwargs)

    return run


@pytest.fixture
def organiser():
    return get_user_model().objects.create_superuser("mei.ling", "mei@example.com", "pw")


def test_edited_details_are_announced_with_the_new_values_and_updated_at(
    receiver, sent_on_commit, organiser
):
    endpoint_for(receiver, Event.REGISTRATION_UPDATED)
    registration = RegistrationFactory()

    sent_on_commit(
        registration_update,
        registration=registration,
        data={"organisation": "Renamed Ltd."},
        actor=organiser,
    )

    assert receiver.events == [UPDATED]
    data = receiver.received[0]["body"]["data"]["registration"]
    registration.refresh_from_db()
    assert data["organisation"] == "Renamed Ltd."
    # The same moment in the same form as the API's sync (updated_since) reads it.
    assert data["updated_at"] == RegistrationSerializer(registration).data["updated_at"]
    assert data["updated_at"].endswith("+08:00")
    assert data["created_at"].endswith("+08:00")
    assert receiver.received[0]["body"]["created_at"].endswith("+08:00")


def test_mode_change_check_in_undone_and_attendance_are_announced(
    receiver, sent_on_commit, organiser
):
    endpoint_for(receiver, Event.REGISTRATION_UPDATED, Event.REGISTRATION_CHECKED_IN)
    seminar = SeminarFactory(format="hybrid", capacity=10, online_capacity=10)
    registration = RegistrationFactory(seminar=seminar, attendance_mode="online")

    sent_on_commit(
        registration_mode_change, registration=registration, mode="in_person", actor=organiser
    )
    sent_on_commit(checkin_record, seminar=seminar, registration=registration, by=organiser)
    registration.refresh_from_db()
    sent_on_commit(checkin_undo, registration=registration, by=organiser)
    sent_on_commit(
        registration_attendance_set, registration=registration, attended=True, actor=organiser
    )

    assert receiver.events == [UPDATED, "registration.checked_in", UPDATED, UPDATED]
    bodies = [item["body"]["data"]["registration"] for item in receiver.received]
    assert bodies[0]["attendance_mode"] == "in_person"
    checked_in = Registration.objects.get(pk=registration.pk)
    assert bodies[1]["checked_in_at"] is not None and bodies[1]["checked_in_at"].endswith("+08:00")
    assert bodies[2]["checked_in_at"] is None  # the undo, not the state read before it
    assert bodies[2]["updated_at"] > bodies[1]["created_at"]
    assert bodies[3]["updated_at"] == RegistrationSerializer(checked_in).data["updated_at"]


def test_a_confirmed_email_change_is_an_update():
    registration = RegistrationFactory()
    entry = audit_record(
        action=AuditEntry.Action.EMAIL_CONFIRMED,
        actor=None,
        seminar=registration.seminar,
        registration=registration,
    )

    assert webhook_events_for(entry=entry) == [UPDATED]


def test_an_endpoint_keeps_exactly_the_events_it_chose(receiver, sent_on_commit, organiser):
    # An endpoint saved before registration.updated existed: it hears nothing new.
    endpoint_for(receiver, Event.REGISTRATION_CREATED)
    registration = sent_on_commit(
        registration_create, seminar=SeminarFactory(), data=registration_data()
    )

    sent_on_commit(
        registration_update,
        registration=registration,
        data={"organisation": "Renamed Ltd."},
        actor=organiser,
    )

    assert receiver.events == ["registration.created"]


def test_removing_personal_data_tells_receivers_to_drop_their_copy(receiver, sent_on_commit):
    endpoint_for(receiver, Event.REGISTRATION_ANONYMISED)
    ends_at = timezone.now() - timedelta(days=400)
    old = SeminarFactory(starts_at=ends_at - timedelta(hours=2), ends_at=ends_at, capacity=None)
    registration = RegistrationFactory(seminar=old, name_en="CHAN Tai Man")

    sent_on_commit(personal_data_purge)

    assert receiver.events == ["registration.anonymised"]
    body = receiver.received[0]["body"]
    assert body["data"]["registration"]["id"] == registration.pk
    assert body["data"]["registration"]["seminar"] == old.slug
    assert body["data"]["registration"]["anonymised_at"].endswith("+08:00")
    assert "CHAN" not in str(body)
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SENT


def _purge_queries(count: int) -> int:
    ends_at = timezone.now() - timedelta(days=400)
    old = SeminarFactory(starts_at=ends_at - timedelta(hours=2), ends_at=ends_at, capacity=None)
    RegistrationFactory.create_batch(count, seminar=old)
    with CaptureQueriesContext(connection) as queries:
        personal_data_purge()
    return len(queries)


def test_the_purge_announces_in_bulk_whatever_the_number_of_registrations(receiver):
    endpoint_for(receiver, Event.REGISTRATION_ANONYMISED)
    webhooks_any_active()  # cached, as in a running process

    few = _purge_queries(2)
    many = _purge_queries(12)

    assert WebhookDelivery.objects.count() == 14
    assert many == few
