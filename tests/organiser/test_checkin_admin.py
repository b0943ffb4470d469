"""What organisers see of check-ins: the export column, the list filter, the registration page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from organiser.exporters import attendee_rows
from registrations.checkin import checkin_record
from registrations.models import Registration
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def boss():
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def seminar():
    return SeminarFactory(format=Seminar.Format.IN_PERSON)


def test_export_has_a_checked_in_at_column_in_hong_kong_time(boss):
    at = datetime(2030, 8, 12, 14, 5, tzinfo=HONG_KONG)
    # Checked in during the seminar: the door is closed long after it ends.
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=at - timedelta(hours=1))
    arrived = RegistrationFactory(seminar=seminar, name_en="ARRIVED")
    RegistrationFactory(seminar=seminar, name_en="ABSENT")
    checkin_record(seminar=seminar, registration=arrived, by=boss, now=at)

    header, *rows = attendee_rows(queryset=Registration.objects.filter(seminar=seminar))

    column = header.index("Checked in at (HKT)")
    by_name = {row[header.index("Name (English)")]: row[column] for row in rows}
    assert by_name == {"ARRIVED": datetime(2030, 8, 12, 14, 5), "ABSENT": None}


def test_registration_list_filters_by_checked_in(client, seminar, boss):
    arrived = RegistrationFactory(seminar=seminar, name_en="ARRIVED")
    RegistrationFactory(seminar=seminar, name_en="ABSENT")
    checkin_record(seminar=seminar, registration=arrived, by=boss)
    client.force_login(boss)
    url = reverse("admin:registrations_registration_changelist")

    checked_in = client.get(url, {"checked_in": "yes"}).content.decode()
    not_checked_in = client.get(url, {"checked_in": "no"}).content.decode()

    assert "ARRIVED" in checked_in and "ABSENT" not in checked_in
    assert "ABSENT" in not_checked_in and "ARRIVED" not in not_checked_in


def test_registration_page_shows_when_and_by_whom(client, seminar, boss):
    arrived = RegistrationFactory(seminar=seminar)
    checkin_record(seminar=seminar, registration=arrived, by=boss)
    client.force_login(boss)

    html = client.get(
        reverse("admin:registrations_registration_change", args=[arrived.pk])
    ).content.decode()

    assert "Checked in at" in html or "checked in at" in html
    assert "boss" in html


def test_undo_check_in_admin_action(client, seminar, boss):
    registration = RegistrationFactory(seminar=seminar)
    Registration.objects.filter(pk=registration.pk).update(
        checked_in_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(boss)

    response = client.post(
        "/admin/registrations/registration/",
        {"action": "undo_check_in", "_selected_action": [registration.pk]},
        follow=True,
    )

    assert "1 check-in undone." in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None
