"""The join link and joining instructions are for those who attend online: everyone at an online
seminar, the online attendees at a hybrid one, nobody at an in-person one, whatever the join link
field still holds. Registration.gets_joining_details is the one rule; each place that shows
joining details (emails, reminders, the calendar file, the registrant's page, an announcement's
{join_link}) is checked here at a seminar moved from online into the room with its webinar link
left as it was."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from registrations.calendar import calendar_ics
from registrations.change_notices import seminar_edit_notify
from registrations.delivery import reminders_schedule
from registrations.models import Notification, Registration
from registrations.placeholders import join_link_value
from registrations.seminar_changes import changes_concerning, seminar_snapshot
from registrations.services import registrations_mode_align
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

WEBINAR = "https://webinar.example.com/j/secret-room"
ROOM = "Room S421, Hong Kong Convention and Exhibition Centre"


def moved_into_the_room(seminar: Seminar) -> dict:
    """The organiser switches the seminar to in person and gives a venue, leaving the join link
    and instructions as they were (as the admin does: align the modes, then tell)."""
    seminar.refresh_from_db()
    before = seminar_snapshot(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(
        format=Seminar.Format.IN_PERSON, venue_en=ROOM, updated_at=timezone.now()
    )
    seminar.refresh_from_db()
    registrations_mode_align(seminar=seminar)
    return before


@pytest.fixture
def seminar():
    return SeminarFactory(join_url=WEBINAR, joining_instructions_en="Passcode 424242")


def event_of(content: bytes):
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


@pytest.mark.parametrize(
    ("seminar_format", "mode", "expected"),
    [
        (Seminar.Format.ONLINE, AttendanceMode.ONLINE, True),
        (Seminar.Format.HYBRID, AttendanceMode.ONLINE, True),
        (Seminar.Format.HYBRID, AttendanceMode.IN_PERSON, False),
        (Seminar.Format.IN_PERSON, AttendanceMode.IN_PERSON, False),
        # Not aligned yet (or ever): the seminar's format decides, not a stale mode.
        (Seminar.Format.IN_PERSON, AttendanceMode.ONLINE, False),
    ],
)
def test_the_joining_details_are_for_those_who_attend_online(seminar_format, mode, expected):
    seminar = SeminarFactory(format=seminar_format, join_url=WEBINAR, online_capacity=None)
    registration = RegistrationFactory(seminar=seminar, attendance_mode=mode)

    assert registration.gets_joining_details is expected


def test_moved_into_the_room_the_change_notice_gives_the_venue_not_the_webinar(
    seminar, django_capture_on_commit_callbacks
):
    RegistrationFactory(seminar=seminar, email="seat@example.com")
    before = moved_into_the_room(seminar)

    with django_capture_on_commit_callbacks(execute=True):
        seminar_edit_notify(seminar=seminar, before=before, actor=None)

    (notice,) = mail.outbox
    for part in (notice.body, notice.alternatives[0][0]):
        assert "How to join" not in part
        assert WEBINAR not in part and "Passcode 424242" not in part
        assert ROOM in part
    (_name, content, _mimetype) = notice.attachments[0]
    event = event_of(content)
    assert str(event.get("location")) == ROOM
    assert WEBINAR not in str(event.get("description"))


def test_a_join_link_changed_with_the_move_concerns_nobody_in_the_room(seminar):
    registration = RegistrationFactory(seminar=seminar)
    before = moved_into_the_room(seminar)
    changes = {
        "format": [before["format"], Seminar.Format.IN_PERSON],
        "join_url": [WEBINAR, "https://webinar.example.com/j/other"],
    }
    registration.refresh_from_db()
    # Even before the registration's mode is aligned, the in-person format decides.
    registration.attendance_mode = AttendanceMode.ONLINE

    assert list(changes_concerning(registration=registration, changes=changes)) == ["format"]


def test_moved_into_the_room_the_calendar_file_and_the_page_show_no_join_link(seminar, client):
    registration = RegistrationFactory(seminar=seminar)
    moved_into_the_room(seminar)
    registration.refresh_from_db()

    event = event_of(calendar_ics(seminar=registration.seminar, registration=registration))
    page = client.get(registration.get_absolute_url()).content.decode()
    calendar = client.get(f"/r/{registration.token}/calendar.ics").content.decode()

    assert str(event.get("location")) == ROOM
    assert WEBINAR not in event.to_ical().decode()
    assert WEBINAR not in page and "Passcode 424242" not in page
    assert "Where to go" in page and ROOM in page
    assert WEBINAR not in calendar


def test_moved_into_the_room_the_reminder_gives_no_join_link(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        reminder_hours="24",
    )
    RegistrationFactory(seminar=seminar, confirmed_at=timezone.now() - timedelta(days=5))
    moved_into_the_room(seminar)

    reminders_schedule(now=seminar.starts_at - timedelta(hours=23))

    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Reminder:")
    assert WEBINAR not in reminder.body and "How to join" not in reminder.body
    assert ROOM in reminder.body
    assert Notification.objects.get().status == Notification.Status.SENT


def test_moved_into_the_room_an_announcements_join_link_says_there_is_none(seminar):
    registration = RegistrationFactory(seminar=seminar)
    moved_into_the_room(seminar)
    registration = Registration.objects.select_related("seminar").get(pk=registration.pk)

    assert join_link_value(registration) == "(no join link: you attend in the room)"


@pytest.mark.parametrize(
    ("seminar_format", "mode", "expected"),
    [
        (Seminar.Format.IN_PERSON, AttendanceMode.IN_PERSON, True),
        (Seminar.Format.HYBRID, AttendanceMode.IN_PERSON, True),
        (Seminar.Format.HYBRID, AttendanceMode.ONLINE, False),
        (Seminar.Format.ONLINE, AttendanceMode.ONLINE, False),
        # Moved online with the old room left in the venue field: the room is nobody's.
        (Seminar.Format.ONLINE, AttendanceMode.IN_PERSON, False),
    ],
)
def test_the_venue_is_for_those_who_come_to_the_room(seminar_format, mode, expected):
    seminar = SeminarFactory(format=seminar_format, venue_en=ROOM, online_capacity=None)
    registration = RegistrationFactory(seminar=seminar, attendance_mode=mode)

    assert registration.gets_venue is expected


def test_moved_online_the_calendar_file_does_not_send_anyone_to_the_old_room():
    seminar = SeminarFactory(format=Seminar.Format.ONLINE, venue_en=ROOM, join_url=WEBINAR)
    registration = RegistrationFactory(seminar=seminar, status=Registration.Status.CONFIRMED)

    event = event_of(calendar_ics(seminar=seminar, registration=registration))

    assert str(event["LOCATION"]) == f"http://testserver-site/j/{registration.join_token}/"
    assert ROOM not in str(event.get("DESCRIPTION", ""))
