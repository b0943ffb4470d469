"""The demo shows opening alerts and the daily digest after `make run`."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from registrations.demo import demo_load
from registrations.models import DigestSubscription, OpeningAlert
from seminar.models import RegistrationState, Seminar

# Every test reads (or loads again) the demo, loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_module")]


def test_the_demo_has_a_seminar_not_yet_open_with_people_waiting(client):
    waiting = Seminar.objects.filter(opening_alerts__isnull=False).distinct().get()
    page = client.get(waiting.get_absolute_url()).content.decode()

    assert waiting.availability().state == RegistrationState.NOT_YET_OPEN
    assert waiting.enquiries_contact and waiting.partners.exists()
    assert OpeningAlert.objects.filter(seminar=waiting).count() == 5
    assert set(OpeningAlert.objects.values_list("language", flat=True)) == {
        "en",
        "zh-hant",
        "zh-hans",
    }
    assert 'class="opening-alert-form' in page


def test_the_demo_organiser_gets_the_main_seminars_digest_and_loading_twice_adds_nothing():
    demo_load(password="demo-pass-123")

    subscription = DigestSubscription.objects.get()
    assert subscription.user == get_user_model().objects.get(username="organiser")
    assert subscription.seminar.format == "online"
    assert subscription.seminar.starts_at > timezone.now()
    assert OpeningAlert.objects.count() == 5
