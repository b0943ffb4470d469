"""The demo's check-in staff account and arrivals at a past seminar in the room."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.demo_checkins import CHECKIN_USERNAME, checkins_demo_load
from registrations.models import Registration
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db


def test_demo_checkins_for_a_past_seminar_in_the_room(client, django_user_model):
    past = SeminarFactory(
        format=Seminar.Format.IN_PERSON,
        starts_at=timezone.now() - timedelta(days=30),
        registration_opens_at=timezone.now() - timedelta(days=60),
    )
    RegistrationFactory.create_batch(40, seminar=past)
    RegistrationFactory(seminar=past, status=Registration.Status.CANCELLED)

    report = checkins_demo_load(password="pw-demo", past=past, rng=random.Random(1))

    checked = Registration.objects.filter(seminar=past, checked_in_at__isnull=False)
    assert 25 <= checked.count() <= 40
    assert not checked.exclude(status=Registration.Status.CONFIRMED).exists()
    assert any(r.checked_in_at > past.starts_at + timedelta(minutes=4) for r in checked)
    assert report[-1] == f"Checked in {checked.count()} people at {past.slug}."
    user = django_user_model.objects.get(username=CHECKIN_USERNAME)
    assert user.check_password("pw-demo")
    client.force_login(user)
    assert client.get("/check-in/").status_code == 200
    assert client.get("/admin/registrations/registration/").status_code == 403


def test_demo_checkins_leave_an_online_seminar_alone():
    past = SeminarFactory(starts_at=timezone.now() - timedelta(days=30))
    RegistrationFactory.create_batch(3, seminar=past)

    checkins_demo_load(password="pw", past=past, rng=random.Random(1))

    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
