"""Walk-ins at the desk: the public booking rules, checked in in the same step, never over."""

import pytest
from django.utils import timezone

from registrations.checkin import CheckinState
from registrations.errors import DuplicateRegistration
from registrations.models import Notification, Registration
from registrations.walk_ins import ROOM_FULL, ROOM_FULL_NO_WAITLIST, RoomFull, walk_in_register
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.registrations.test_checkin import staff_user

Status = Registration.Status
pytestmark = pytest.mark.django_db


def walk_in_data(**overrides):
    data = {
        "name_en": "HO Ka Yan",
        "name_zh": "何嘉欣",
        "email": "ka.yan@example.com",
        "organisation": "Lantau Works",
        "phone": "",
        "participant_type": Registration.ParticipantType.OTHER,
        "preferred_language": "zh-hant",
        "region": Registration.Region.HONG_KONG,
        "industry": Registration.Industry.OTHER,
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff(django_user_model):
    return staff_user(django_user_model)


def test_walk_in_after_registration_closed_is_booked_and_checked_in(staff):
    # The seminar has started, so the public form is closed: the desk still registers.
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=timezone.now(), capacity=5)

    result = walk_in_register(seminar=seminar, data=walk_in_data(), by=staff)

    assert result.state == CheckinState.CHECKED_IN
    registration = Registration.objects.get(email="ka.yan@example.com")
    assert registration.source == Registration.Source.DESK
    assert registration.status == Status.CONFIRMED
    assert registration.checked_in_by == staff
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1
    assert Notification.objects.filter(
        registration=registration, kind=Notification.Kind.CONFIRMATION
    ).exists()


def test_walk_in_at_full_capacity_registers_nobody(staff):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, capacity=1, waitlist_enabled=True)
    RegistrationFactory(seminar=seminar)

    with pytest.raises(RoomFull) as refused:
        walk_in_register(seminar=seminar, data=walk_in_data(), by=staff)

    assert refused.value.message == ROOM_FULL
    assert not Registration.objects.filter(email="ka.yan@example.com").exists()
    assert not Notification.objects.filter(registration__email="ka.yan@example.com").exists()
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1


def test_walk_in_at_full_capacity_without_a_waitlist_says_so(staff):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    with pytest.raises(RoomFull) as refused:
        walk_in_register(seminar=seminar, data=walk_in_data(), by=staff, waitlist_if_full=True)

    assert refused.value.message == ROOM_FULL_NO_WAITLIST
    assert Registration.objects.filter(seminar=seminar).count() == 1


def test_walk_in_at_full_capacity_joins_the_waitlist_when_asked(staff):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, capacity=1, waitlist_enabled=True)
    RegistrationFactory(seminar=seminar)

    result = walk_in_register(seminar=seminar, data=walk_in_data(), by=staff, waitlist_if_full=True)

    assert result.state == CheckinState.WAITLISTED
    registration = Registration.objects.get(email="ka.yan@example.com")
    assert registration.status == Status.WAITLISTED
    assert registration.checked_in_at is None


def test_walk_in_at_a_hybrid_seminar_takes_a_seat_in_the_room(staff):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=1, online_capacity=100)
    RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)

    with pytest.raises(RoomFull):
        walk_in_register(seminar=seminar, data=walk_in_data(), by=staff)


def test_walk_in_with_a_registered_email_points_at_the_registration(staff):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON)
    existing = RegistrationFactory(seminar=seminar, email="ka.yan@example.com")

    with pytest.raises(DuplicateRegistration) as duplicate:
        walk_in_register(seminar=seminar, data=walk_in_data(), by=staff)

    assert duplicate.value.existing == existing
