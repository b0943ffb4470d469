"""Eight copies of one create with one Idempotency-Key, at once, on PostgreSQL: the unique
index serialises them, one registration is made and every copy gets the same answer."""

import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create
from registrations.models import Notification, Registration
from tests.factories import SeminarFactory
from tests.threads import run_at_once

from .conftest import _user
from .writes import create_url, registration_body

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_eight_simultaneous_copies_make_one_registration(django_user_model):
    from registrations.permissions import ORGANISERS

    organiser = _user(django_user_model, "racer", ORGANISERS)
    _token, raw = api_token_create(user=organiser, name="CRM sync")
    seminar = SeminarFactory(capacity=5)

    def send(_number):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = client.post(
            create_url(seminar), registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"
        )
        return response.status_code, response.json()

    results = run_at_once(8, send)

    assert all(not isinstance(result, Exception) for result in results), results
    assert {status for status, _body in results} == {201}
    assert all(body == results[0][1] for _status, body in results)
    assert Registration.objects.filter(seminar=seminar).count() == 1
    assert Notification.objects.count() == 1
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1
