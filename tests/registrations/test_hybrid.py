"""Hybrid seminars: the room and the online platform each have their own seats and waitlist."""

import pytest
from django.contrib.auth import get_user_model

from registrations.errors import OverCapacity, RegistrationError, RegistrationRefused
from registrations.models import AuditEntry, Notification, Registration
from registrations.selectors import registration_waitlist_position
from registrations.services import (
    registration_approve,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_mode_change,
)
from seminar.models import AttendanceMode, RegistrationState, Seminar
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

pytestmark = pytest.mark.django_db
Status = Registration.Status
ROOM, ONLINE = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE


@pytest.fixture
def hybrid():
    return SeminarFactory(format=Seminar.Format.HYBRID, capacity=2, online_capacity=3)


def register(seminar, mode, n=0):
    return registration_create(
        seminar=seminar,
        data=registration_data(email=f"hybrid{mode}{n}@example.com", attendance_mode=mode),
    )


def counters(seminar):
    seminar.refresh_from_db()
    return seminar.seats_taken, seminar.online_seats_taken


def test_each_mode_fills_and_waitlists_on_its_own(hybrid):
    room = [register(hybrid, ROOM, n).status for n in range(3)]
    online = [register(hybrid, ONLINE, n).status for n in range(2)]

    assert room == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert online == [Status.CONFIRMED, Status.CONFIRMED]
    assert counters(hybrid) == (2, 2)
    assert hybrid.availability(mode=ROOM).state == RegistrationState.WAITLIST
    assert hybrid.availability(mode=ONLINE).state == RegistrationState.OPEN
    assert hybrid.availability().seats_left == 1


def test_a_hybrid_registration_must_say_how_it_attends(hybrid):
    with pytest.raises(RegistrationError) as error:
        registration_create(seminar=hybrid, data=registration_data())

    assert error.value.field == "attendance_mode"
    assert not Registration.objects.exists()


def test_other_seminars_take_the_mode_their_format_implies():
    in_person = SeminarFactory(format=Seminar.Format.IN_PERSON)
    online = SeminarFactory()

    chose_online = registration_create(
        seminar=in_person, data=registration_data(attendance_mode=ONLINE)
    )
    plain = registration_create(seminar=online, data=registration_data())

    assert chose_online.attendance_mode == ROOM
    assert plain.attendance_mode == ONLINE


def test_a_freed_room_seat_promotes_the_room_waitlist_only(hybrid):
    seated = register(hybrid, ROOM, 0)
    register(hybrid, ROOM, 1)
    waiting_room = register(hybrid, ROOM, 2)
    hybrid.online_capacity = 0
    hybrid.save()
    waiting_online = register(hybrid, ONLINE, 0)
    assert waiting_online.status == Status.WAITLISTED

    registration_cancel(registration=seated)

    waiting_room.refresh_from_db()
    waiting_online.refresh_from_db()
    assert waiting_room.status == Status.CONFIRMED
    assert waiting_online.status == Status.WAITLISTED
    assert registration_waitlist_position(registration=waiting_online) == 1
    assert counters(hybrid) == (2, 0)


def test_switching_to_a_mode_with_a_seat_moves_the_seat_and_promotes_the_old_modes_waitlist(
    hybrid,
):
    mover = register(hybrid, ROOM, 0)
    register(hybrid, ROOM, 1)
    next_in_line = register(hybrid, ROOM, 2)

    registration_mode_change(registration=mover, mode=ONLINE)

    mover.refresh_from_db()
    next_in_line.refresh_from_db()
    assert (mover.status, mover.attendance_mode) == (Status.CONFIRMED, ONLINE)
    assert next_in_line.status == Status.CONFIRMED
    assert counters(hybrid) == (2, 1)
    assert mover.notifications.filter(kind=Notification.Kind.MODE_CHANGED).count() == 1
    entry = AuditEntry.objects.get(registration=mover, action=AuditEntry.Action.MODE_CHANGED)
    assert entry.details["attendance_mode"] == {"from": ROOM, "to": ONLINE}


def test_switching_to_a_full_mode_joins_its_waitlist_at_the_back_and_frees_the_seat(hybrid):
    hybrid.online_capacity = 1
    hybrid.save()
    register(hybrid, ONLINE, 0)
    already_waiting = register(hybrid, ONLINE, 1)
    mover = register(hybrid, ROOM, 0)

    registration_mode_change(registration=mover, mode=ONLINE)

    mover.refresh_from_db()
    assert (mover.status, mover.attendance_mode) == (Status.WAITLISTED, ONLINE)
    assert registration_waitlist_position(registration=already_waiting) == 1
    assert registration_waitlist_position(registration=mover) == 2
    assert counters(hybrid) == (0, 1)


def test_switching_to_a_full_mode_without_a_waitlist_is_refused_and_keeps_the_seat(hybrid):
    hybrid.online_capacity = 0
    hybrid.waitlist_enabled = False
    hybrid.save()
    seated = register(hybrid, ROOM, 0)

    with pytest.raises(RegistrationRefused):
        registration_mode_change(registration=seated, mode=ONLINE)

    seated.refresh_from_db()
    assert (seated.status, seated.attendance_mode) == (Status.CONFIRMED, ROOM)
    assert counters(hybrid) == (1, 0)


def test_a_seminar_with_one_way_to_attend_refuses_a_switch():
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    with pytest.raises(RegistrationError):
        registration_mode_change(registration=registration, mode=ROOM)


def test_a_pending_registration_changes_its_request_without_a_seat(hybrid):
    hybrid.requires_approval = True
    hybrid.save()
    applicant = register(hybrid, ROOM, 0)

    registration_mode_change(registration=applicant, mode=ONLINE)
    registration_approve(registration=applicant, actor=None)

    applicant.refresh_from_db()
    assert (applicant.status, applicant.attendance_mode) == (Status.CONFIRMED, ONLINE)
    assert counters(hybrid) == (0, 1)


def test_confirming_out_of_turn_raises_only_the_full_modes_capacity(hybrid):
    organiser = get_user_model().objects.create_user("org", password="x", is_staff=True)
    hybrid.online_capacity = 0
    hybrid.save()
    waiting = register(hybrid, ONLINE, 0)

    with pytest.raises(OverCapacity):
        registration_confirm(registration=waiting, actor=organiser)
    registration_confirm(registration=waiting, actor=organiser, allow_over_capacity=True)

    hybrid.refresh_from_db()
    assert (hybrid.capacity, hybrid.online_capacity) == (2, 1)
    assert counters(hybrid) == (0, 1)


def test_factory_rows_count_in_their_modes_seats(hybrid):
    RegistrationFactory(seminar=hybrid, attendance_mode=ONLINE)
    RegistrationFactory(seminar=hybrid, attendance_mode=ROOM)

    assert counters(hybrid) == (1, 1)


def test_switching_mode_removes_a_personal_answer_only_the_old_mode_was_asked(hybrid):
    from registrations.models import Answer
    from tests.factories import QuestionFactory, question_condition

    seat_needs = QuestionFactory(seminar=hybrid, label_en="Wheelchair access?", personal_data=True)
    question_condition(seat_needs, field="attendance_mode", values=[ROOM])
    registration = registration_create(
        seminar=hybrid,
        data=registration_data(attendance_mode=ROOM),
        answers={seat_needs: "Yes, please"},
    )
    assert Answer.objects.filter(registration=registration).count() == 1

    registration_mode_change(registration=registration, mode=ONLINE)

    assert not Answer.objects.filter(registration=registration).exists()
