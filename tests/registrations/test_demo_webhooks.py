"""The demo's webhook endpoint: there to be read in the admin, never sending anything."""

import pytest

from registrations.demo_webhooks import webhooks_demo_load
from registrations.models import WebhookDelivery, WebhookEndpoint
from registrations.services import registration_create
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

pytestmark = pytest.mark.django_db


def test_the_demo_endpoint_shows_a_history_and_stays_switched_off():
    seminar = SeminarFactory(status="published")
    RegistrationFactory.create_batch(7, seminar=seminar)

    first = webhooks_demo_load(seminar=seminar)
    again = webhooks_demo_load(seminar=seminar)

    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.active
    statuses = sorted(endpoint.deliveries.values_list("status", flat=True))
    assert statuses == ["failed"] + ["sent"] * 5
    assert "already loaded" in again[0] and "one failed" in first[0]
    # Switched off: a new registration queues nothing for it.
    registration_create(seminar=seminar, data=registration_data(email="new@example.com"))
    assert WebhookDelivery.objects.count() == 6
