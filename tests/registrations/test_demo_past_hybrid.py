"""The demo's recent past hybrid workshop: a newcomer sees check-ins at the door, imported online
minutes and opened join links on one seminar that is over."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from registrations.models import Registration
from seminar.models import AttendanceMode, Seminar
from tests.registrations.test_demo import load_demo

pytestmark = pytest.mark.django_db

Status = Registration.Status


def past_workshop() -> Seminar:
    return Seminar.objects.get(
        slug__endswith="-ip-trading-workshop-hybrid", ends_at__lt=timezone.now()
    )


def test_demo_has_a_past_hybrid_workshop_with_check_ins_and_online_minutes():
    report = load_demo()

    seminar = past_workshop()
    assert seminar.is_hybrid and seminar.ends_at < timezone.now()
    confirmed = seminar.registrations.filter(status=Status.CONFIRMED)
    room = confirmed.filter(attendance_mode=AttendanceMode.IN_PERSON)
    online = confirmed.filter(attendance_mode=AttendanceMode.ONLINE)
    # Most of the room checked in at the door; nobody online was.
    assert room.filter(checked_in_at__isnull=False).count() > room.count() // 2
    assert not online.filter(checked_in_at__isnull=False).exists()
    # Online attendance came from the meeting's report, and those attendees opened their link.
    assert online.filter(attended=True, minutes_online__gt=0).count() > 50
    assert not online.filter(attended=True, join_first_opened_at__isnull=True).exists()
    assert not room.filter(join_opens__gt=0).exists()
    # The seat counters agree with the rows.
    assert seminar.seats_taken == room.count()
    assert seminar.online_seats_taken == online.count()
    assert f"people at {seminar.slug}." in report
    # Within the personal-data retention period: the daily clean-up leaves it alone.
    assert seminar.ends_at > timezone.now() - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def test_demo_loaded_twice_keeps_the_same_check_ins():
    load_demo()
    seminar = past_workshop()
    before = list(seminar.registrations.order_by("pk").values_list("checked_in_at", flat=True))

    load_demo()

    assert Seminar.objects.filter(slug=seminar.slug).count() == 1
    after = list(seminar.registrations.order_by("pk").values_list("checked_in_at", flat=True))
    assert after == before
