"""The change and cancellation notices as registrants read them: what changed, before and now, in
their language and in Hong Kong time; the updated details of their seat; a calendar file that
replaces the entry (same UID, higher SEQUENCE) or cancels it (METHOD:CANCEL); never the join link
to anyone without a confirmed seat."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from registrations.change_notices import seminar_edit_notify
from registrations.models import Registration
from registrations.seminar_changes import seminar_snapshot
from registrations.services import registration_create
from seminar.models import Seminar
from seminar.services import seminar_reschedule
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

Status = Registration.Status
pytestmark = pytest.mark.django_db

STARTS_AT = timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC)  # 14:30 HKT
JOIN_URL = "https://webinar.example.com/j/91234567890"
NEW_JOIN_URL = "https://webinar.example.com/j/55500011122"


def personal(registration) -> str:
    """The registrant's own join link, which the emails carry instead of either meeting's."""
    return f"http://testserver-site/j/{registration.join_token}/"


ROOM = "Room S421, Hong Kong Convention and Exhibition Centre"
NEW_ROOM = "Theatre 1, Hong Kong Central Library"


@pytest.fixture
def seminar():
    return SeminarFactory(
        title_en="Seminar on IP and SMEs",
        title_zh_hant="知識產權與中小企業研討會",
        title_zh_hans="知识产权与中小企业研讨会",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=2, minutes=30),
        join_url=JOIN_URL,
        joining_instructions_en="Passcode 424242",
        capacity=1,
    )


@pytest.fixture
def hybrid():
    return SeminarFactory(
        title_en="IP Workshop",
        format=Seminar.Format.HYBRID,
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=2),
        venue_en=ROOM,
        join_url=JOIN_URL,
        capacity=5,
        online_capacity=5,
    )


def sent(django_capture_on_commit_callbacks, action) -> list:
    """Run `action` and deliver what it queued, as the worker would; the emails it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        action()
    return mail.outbox[before:]


def postpone(seminar: Seminar, **delta) -> None:
    """The organiser moves the seminar (and its programme) and tells its registrants."""
    seminar.refresh_from_db()  # as the admin's form reads it
    before = seminar_snapshot(seminar=seminar)
    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + timedelta(**delta),
        ends_at=seminar.ends_at + timedelta(**delta),
        move_programme=True,
    )
    seminar_edit_notify(seminar=seminar, before=before, actor=None)


def change(seminar: Seminar, **fields) -> None:
    """The organiser changes fields of the seminar and tells its registrants."""
    seminar.refresh_from_db()
    before = seminar_snapshot(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(updated_at=timezone.now(), **fields)
    seminar_edit_notify(seminar=seminar, before=before, actor=None)


def html_of(message) -> str:
    return message.alternatives[0][0]


def parts(message) -> tuple[str, str]:
    return message.body, html_of(message)


def event_of(message):
    (name, content, mimetype), *_ = message.attachments
    assert name == "seminar.ics"
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, mimetype


def test_a_new_date_is_told_before_and_now_in_hong_kong_time_with_the_seat_details(
    seminar, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(seminar=seminar, email="chan@example.com")

    (message,) = sent(django_capture_on_commit_callbacks, lambda: postpone(seminar, days=7))

    assert message.to == ["chan@example.com"]
    assert message.subject == "Change to the seminar: Seminar on IP and SMEs"
    for part in parts(message):
        assert "The seminar has changed: please note the new details." in part
        assert "12 August 2030 (Monday) 14:30–17:00 HKT" in part
        assert "19 August 2030 (Monday) 14:30–17:00 HKT" in part
        assert "Your seat is still confirmed." in part
        assert personal(registration) in part and JOIN_URL not in part
        assert "Passcode 424242" in part
        assert f"http://testserver-site/r/{registration.token}/" in part
        assert "replace the earlier entry" in part
    assert "Before: 12 August 2030 (Monday) 14:30–17:00 HKT" in message.body
    assert "Now: 19 August 2030 (Monday) 14:30–17:00 HKT" in message.body


@pytest.mark.parametrize(
    ("language", "subject", "expected"),
    [
        (
            "zh-hant",
            "研討會安排有變：知識產權與中小企業研討會",
            [
                "研討會安排有變，請留意最新資料。",
                "原定：2030年8月12日（星期一） 14:30–17:00 HKT",
                "更改為：2030年8月19日（星期一） 14:30–17:00 HKT",
                "你的座位仍然有效。",
            ],
        ),
        (
            "zh-hans",
            "研讨会安排有变：知识产权与中小企业研讨会",
            [
                "研讨会安排有变，请留意最新信息。",
                "原定：2030年8月12日（星期一） 14:30–17:00 HKT",
                "更改为：2030年8月19日（星期一） 14:30–17:00 HKT",
                "你的座位仍然有效。",
            ],
        ),
    ],
)
def test_a_change_notice_is_in_the_registrants_language(
    seminar, django_capture_on_commit_callbacks, language, subject, expected
):
    RegistrationFactory(seminar=seminar, preferred_language=language)

    (message,) = sent(django_capture_on_commit_callbacks, lambda: postpone(seminar, days=7))

    assert message.subject == subject
    for line in expected:
        assert line in message.body
    assert "14:30–17:00 HKT" in html_of(message)


def test_the_venue_is_before_and_now_in_the_registrants_language(
    hybrid, django_capture_on_commit_callbacks
):
    Seminar.objects.filter(pk=hybrid.pk).update(venue_zh_hans="香港会议展览中心S421室")
    hybrid.refresh_from_db()
    RegistrationFactory(seminar=hybrid, attendance_mode="in_person", preferred_language="zh-hans")

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: change(hybrid, venue_en=NEW_ROOM, venue_zh_hans="香港中央图书馆演讲厅"),
    )

    assert "地点\n  原定：香港会议展览中心S421室\n  更改为：香港中央图书馆演讲厅" in message.body


def test_a_confirmed_seat_gets_a_calendar_file_that_replaces_the_old_entry(
    seminar, django_capture_on_commit_callbacks
):
    (confirmation,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(seminar=seminar, data=registration_data()),
    )

    (notice,) = sent(django_capture_on_commit_callbacks, lambda: postpone(seminar, days=7))

    calendar, event, mimetype = event_of(notice)
    _old_calendar, old_event, _ = event_of(confirmation)
    assert event.get("uid") == old_event.get("uid")
    assert event.decoded("sequence") > old_event.decoded("sequence")
    assert event.decoded("dtstart") == STARTS_AT + timedelta(days=7)
    assert event.decoded("dtend") == STARTS_AT + timedelta(days=7, hours=2, minutes=30)
    assert str(calendar.get("method")) == "PUBLISH"
    assert mimetype.startswith("text/calendar")


def test_each_change_raises_the_calendar_sequence_again(
    seminar, django_capture_on_commit_callbacks
):
    RegistrationFactory(seminar=seminar)

    first, second, third = (
        sent(django_capture_on_commit_callbacks, action)[0]
        for action in (
            lambda: postpone(seminar, days=7),
            lambda: change(seminar, join_url=NEW_JOIN_URL),
            lambda: postpone(seminar, hours=1),
        )
    )

    sequences = [event_of(message)[1].decoded("sequence") for message in (first, second, third)]
    assert sequences == sorted(set(sequences))
    assert event_of(third)[1].decoded("dtstart") == STARTS_AT + timedelta(days=7, hours=1)


def test_waitlisted_registrants_get_neither_the_join_link_nor_a_calendar_file(
    seminar, django_capture_on_commit_callbacks
):
    seat = RegistrationFactory(seminar=seminar, status=Status.CONFIRMED, email="seat@example.com")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED, email="wait@example.com")

    messages = sent(
        django_capture_on_commit_callbacks,
        lambda: change(
            seminar,
            join_url=NEW_JOIN_URL,
            starts_at=STARTS_AT + timedelta(hours=1),
            ends_at=STARTS_AT + timedelta(hours=3),
        ),
    )

    waitlisted = next(message for message in messages if message.to == ["wait@example.com"])
    for part in parts(waitlisted):
        assert "You are still number 1 on the waitlist." in part
        assert "webinar.example.com" not in part
        assert "15:30–17:30 HKT" in part
    assert waitlisted.attachments == []
    confirmed = next(message for message in messages if message.to == ["seat@example.com"])
    # A new meeting is told in words: the personal link already sent now leads there.
    assert "Your personal join link, the same as in our earlier emails, now opens it." in (
        confirmed.body
    )
    assert personal(seat) in confirmed.body
    assert "webinar.example.com" not in confirmed.body + html_of(confirmed)


def test_at_a_hybrid_seminar_the_room_reads_of_the_venue_and_online_of_the_join_link(
    hybrid, django_capture_on_commit_callbacks
):
    RegistrationFactory(seminar=hybrid, attendance_mode="in_person", email="room@example.com")
    on_line = RegistrationFactory(
        seminar=hybrid, attendance_mode="online", email="online@example.com"
    )

    messages = sent(
        django_capture_on_commit_callbacks,
        lambda: change(hybrid, venue_en=NEW_ROOM, join_url=NEW_JOIN_URL),
    )

    by_address = {message.to[0]: message for message in messages}
    room, online = by_address["room@example.com"], by_address["online@example.com"]
    for part in parts(room):
        assert ROOM in part and NEW_ROOM in part
        assert "webinar.example.com" not in part
    for part in parts(online):
        assert "The earlier online meeting" in part and personal(on_line) in part
        assert "webinar.example.com" not in part
        assert NEW_ROOM not in part
    assert event_of(room)[1].get("location") == NEW_ROOM
    assert event_of(online)[1].get("location") == personal(on_line)


def test_a_cancelled_seminar_cancels_the_calendar_entry_of_a_confirmed_seat(
    seminar, django_capture_on_commit_callbacks
):
    (confirmation,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(seminar=seminar, data=registration_data()),
    )

    (notice,) = sent(
        django_capture_on_commit_callbacks,
        lambda: change(seminar, status=Seminar.Status.CANCELLED),
    )

    assert notice.subject == "Seminar cancelled: Seminar on IP and SMEs"
    calendar, event, mimetype = event_of(notice)
    old_event = event_of(confirmation)[1]
    assert str(calendar.get("method")) == "CANCEL"
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    assert str(event.get("status")) == "CANCELLED"
    assert event.get("uid") == old_event.get("uid")
    assert event.decoded("sequence") > old_event.decoded("sequence")
    assert event.decoded("dtstart") == STARTS_AT
    assert "webinar.example.com" not in str(event.get("description"))
    for part in parts(notice):
        assert "so it will not take place as planned" in part
        assert "12 August 2030 (Monday) 14:30–17:00 HKT" in part
        assert "Your seat is cancelled with it." in part
        assert "webinar.example.com" not in part
        assert "/r/" not in part  # nothing is left to change or cancel


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.WAITLISTED, "Your place on the waitlist is cancelled with it."),
        (Status.PENDING, "Your registration was still under review"),
    ],
)
def test_a_cancellation_to_the_waitlist_or_a_pending_request_has_no_calendar_file(
    seminar, django_capture_on_commit_callbacks, status, expected
):
    RegistrationFactory(seminar=seminar, status=status)

    (notice,) = sent(
        django_capture_on_commit_callbacks,
        lambda: change(seminar, status=Seminar.Status.CANCELLED),
    )

    assert notice.attachments == []
    assert expected in notice.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hant",
            ["研討會已取消：知識產權與中小企業研討會", "原定舉行時間：2030年8月12日", "已取消："],
        ),
        (
            "zh-hans",
            ["研讨会已取消：知识产权与中小企业研讨会", "原定举行时间：2030年8月12日", "已取消："],
        ),
    ],
)
def test_a_cancellation_is_in_the_registrants_language(
    seminar, django_capture_on_commit_callbacks, language, expected
):
    RegistrationFactory(seminar=seminar, preferred_language=language)

    (notice,) = sent(
        django_capture_on_commit_callbacks,
        lambda: change(seminar, status=Seminar.Status.CANCELLED),
    )

    assert notice.subject == expected[0]
    assert expected[1] in notice.body
    assert str(event_of(notice)[1].get("summary")).startswith(expected[2])


def test_the_organisers_opening_paragraph_heads_the_notice(
    seminar, django_capture_on_commit_callbacks
):
    from registrations.models import EmailText, Notification

    EmailText.objects.create(
        seminar=seminar,
        kind=Notification.Kind.SEMINAR_CHANGED,
        intro_en="Typhoon signal No. 8 is expected, so the seminar moves a week later.",
    )
    RegistrationFactory(seminar=seminar)

    (message,) = sent(django_capture_on_commit_callbacks, lambda: postpone(seminar, days=7))

    for part in parts(message):
        assert "Typhoon signal No. 8 is expected" in part
