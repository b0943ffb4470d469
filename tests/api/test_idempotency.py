"""Idempotency-Key: a retried create answers as the first time and makes nothing twice."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.idempotency import idempotency_keys_expire
from api.models import IdempotencyKey
from registrations.models import Notification, Registration
from tests.factories import SeminarFactory

from .conftest import client_for
from .writes import create_url, registration_body

pytestmark = pytest.mark.django_db


def test_retried_create_replays_the_first_answer(organiser_api):
    seminar = SeminarFactory()
    first = organiser_api.post(
        create_url(seminar), registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    again = organiser_api.post(
        create_url(seminar), registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Registration.objects.count() == 1
    assert Notification.objects.count() == 1


def test_same_key_with_another_body_is_refused(organiser_api):
    seminar = SeminarFactory()
    url = create_url(seminar)
    organiser_api.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = registration_body(email="someone.else@example.com")
    response = organiser_api.post(url, other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Registration.objects.count() == 1


def test_keys_belong_to_their_token(organiser):
    seminar = SeminarFactory()
    url = create_url(seminar)
    one, two = client_for(organiser, name="one"), client_for(organiser, name="two")
    one.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    body = registration_body(email="b@example.com")
    response = two.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201
    assert Registration.objects.count() == 2


def test_a_domain_refusal_is_replayed_too(organiser_api):
    seminar = SeminarFactory(capacity=0, waitlist_enabled=False)
    url = create_url(seminar)
    first = organiser_api.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="r")
    seminar.capacity = 10
    seminar.save()
    again = organiser_api.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="r")
    assert first.status_code == again.status_code == 409
    assert first.json() == again.json()
    assert not Registration.objects.exists()


def test_invalid_input_keeps_no_key_so_the_corrected_request_runs(organiser_api):
    seminar = SeminarFactory()
    url = create_url(seminar)
    bad = organiser_api.post(
        url, registration_body(email="not-an-email"), format="json", HTTP_IDEMPOTENCY_KEY="fix"
    )
    assert bad.status_code == 400
    good = organiser_api.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="fix")
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["", " leading-space", "x" * 256, "tab\there"])
def test_malformed_keys_are_refused(organiser_api, key):
    seminar = SeminarFactory()
    response = organiser_api.post(
        create_url(seminar), registration_body(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Registration.objects.exists()


def test_keys_are_forgotten_after_a_day_by_the_scheduler(organiser_api):
    seminar = SeminarFactory()
    url = create_url(seminar)
    organiser_api.post(url, registration_body(), format="json", HTTP_IDEMPOTENCY_KEY="old")
    organiser_api.post(
        url, registration_body(email="new@example.com"), format="json", HTTP_IDEMPOTENCY_KEY="new"
    )
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    call_command("scheduler", verbosity=0)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_keys_expire() == 0
