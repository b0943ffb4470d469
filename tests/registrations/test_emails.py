"""Every message a registrant gets: content, language, and a calendar file that parses."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from icalendar import Calendar

from registrations.delivery import notification_create, notification_deliver, reminder_key
from registrations.join_links import join_link_url
from registrations.models import EmailText, Notification
from registrations.services import (
    registration_cancel,
    registration_create,
    registration_details_resend,
)
from seminar.models import Seminar
from tests.factories import SeminarFactory, SessionFactory, registration_data

Kind = Notification.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        title_en="Seminar on IP and SMEs",
        title_zh_hant="知識產權與中小企業研討會",
        theme_en="IP trading in the Greater Bay Area",
        theme_zh_hant="大灣區知識產權交易",
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
        registration_opens_at=timezone.now() - timedelta(days=1),
        join_url="https://webinar.example.com/j/91234567890",
        joining_instructions_en="Passcode 424242",
        joining_instructions_zh_hant="密碼 424242",
        capacity=1,
    )
    SessionFactory(
        seminar=seminar,
        title_en="Notable IP court cases",
        title_zh_hant="知識產權司法案例",
        starts_at=seminar.starts_at + timedelta(minutes=15),
    )
    return seminar


def send_all(django_capture_on_commit_callbacks, action):
    """Run a service and deliver every email it queued, as the worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    return result


def parse_ics(content: bytes) -> Calendar:
    calendar = Calendar.from_ical(content)
    assert calendar.walk("VEVENT"), "no event in the calendar file"
    return calendar


def ics_attachment(message) -> Calendar:
    (name, content, mimetype), *_ = message.attachments
    assert name == "seminar.ics"
    assert mimetype.startswith("text/calendar")
    return parse_ics(content if isinstance(content, bytes) else content.encode())


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def test_confirmation_email_has_everything_needed_to_join(
    seminar, django_capture_on_commit_callbacks
):
    registration = send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="en")
        ),
    )

    (message,) = mail.outbox
    assert message.to == [registration.email]
    assert message.subject == "Registration confirmed: Seminar on IP and SMEs"
    for part in (message.body, html_of(message)):
        assert "Your registration is confirmed." in part
        assert "IP trading in the Greater Bay Area" in part
        assert "12 August 2030 (Monday) 14:30–17:00 HKT" in part
        assert "14:45 HKT" in part and "Notable IP court cases" in part
        # The personal join link, never the meeting's address (join_links.py).
        assert join_link_url(registration=registration, language="en") in part
        assert "webinar.example.com" not in part
        assert "Passcode 424242" in part
        assert "CHAN Tai Man 陳大文" in part
        assert f"http://testserver-site/r/{registration.token}/" in part


def test_confirmation_calendar_file_is_valid_in_hong_kong_time_with_the_join_link(
    seminar, django_capture_on_commit_callbacks
):
    registration = send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(seminar=seminar, data=registration_data()),
    )

    (event,) = ics_attachment(mail.outbox[0]).walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Hong_Kong"
    assert start == seminar.starts_at
    assert event.decoded("dtend") == seminar.ends_at
    assert event.get("location") == join_link_url(registration=registration, language="en")
    assert "webinar.example.com" not in event.to_ical().decode()
    assert registration.token not in str(event.get("uid"))
    assert registration.token in str(event.get("description"))  # the manage link


def test_resent_confirmation_keeps_the_calendar_uid(seminar, django_capture_on_commit_callbacks):
    registration = send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(seminar=seminar, data=registration_data()),
    )

    send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_details_resend(registration=registration),
    )

    first, second = (ics_attachment(message).walk("VEVENT")[0] for message in mail.outbox)
    assert first.get("uid") == second.get("uid")
    assert mail.outbox[1].subject == mail.outbox[0].subject


def test_confirmation_in_traditional_chinese_uses_the_chinese_content_and_links(
    seminar, django_capture_on_commit_callbacks
):
    EmailText.objects.create(
        seminar=seminar,
        kind=Kind.CONFIRMATION,
        intro_en="Thank you for joining us.",
        intro_zh_hant="多謝閣下報名參加。",
    )

    registration = send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="zh-hant")
        ),
    )

    (message,) = mail.outbox
    html = html_of(message)
    assert '<html lang="zh-hant">' in html
    for part in (message.body, html):
        assert "知識產權與中小企業研討會" in part
        assert "大灣區知識產權交易" in part
        assert "知識產權司法案例" in part
        assert "密碼 424242" in part
        assert "多謝閣下報名參加。" in part
        assert "Thank you for joining us." not in part
        assert f"/zh-hant/r/{registration.token}/" in part
    assert message.subject == "報名確認：知識產權與中小企業研討會"
    assert "你的報名已獲確認。" in message.body
    assert "參與方法" in message.body
    assert "2030年8月12日（星期一） 14:30–17:00 HKT" in message.body


def test_simplified_chinese_registrant_gets_a_simplified_email(
    seminar, django_capture_on_commit_callbacks
):
    send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="zh-hans")
        ),
    )

    (message,) = mail.outbox
    assert message.subject.startswith("报名确认：")
    assert "你的报名已获确认。" in message.body


def test_email_language_is_the_registrants_whatever_the_organisers_language(
    seminar, django_capture_on_commit_callbacks
):
    registration = registration_create(
        seminar=seminar, data=registration_data(preferred_language="en")
    )

    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        registration_details_resend(registration=registration)

    assert mail.outbox[0].subject == "Registration confirmed: Seminar on IP and SMEs"


def test_organiser_intro_falls_back_to_english_where_not_translated(
    seminar, django_capture_on_commit_callbacks
):
    EmailText.objects.create(seminar=seminar, kind=Kind.CONFIRMATION, intro_en="See you online.")

    send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="zh-hans")
        ),
    )

    assert "See you online." in mail.outbox[0].body


def test_waitlisted_email_gives_the_position_and_no_join_details(
    seminar, django_capture_on_commit_callbacks
):
    registration_create(seminar=seminar, data=registration_data(email="first@example.com"))

    registration = send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="en")
        ),
    )

    (message,) = mail.outbox
    assert message.subject == "You are on the waitlist: Seminar on IP and SMEs"
    assert "You are number 1 on the waitlist." in message.body
    assert "confirmed automatically" in message.body
    assert f"/r/{registration.token}/" in message.body
    assert "webinar.example.com" not in message.body + html_of(message)
    assert "424242" not in message.body
    assert message.attachments == []


def test_promoted_email_has_the_same_content_as_a_confirmation(
    seminar, django_capture_on_commit_callbacks
):
    first = registration_create(seminar=seminar, data=registration_data(email="first@example.com"))
    waiting = registration_create(
        seminar=seminar, data=registration_data(email="second@example.com", preferred_language="en")
    )

    send_all(django_capture_on_commit_callbacks, lambda: registration_cancel(registration=first))

    promoted = next(message for message in mail.outbox if message.to == [waiting.email])
    assert promoted.subject == "A seat is now yours: Seminar on IP and SMEs"
    waiting.refresh_from_db()
    personal = join_link_url(registration=waiting, language="en")
    assert personal in promoted.body and seminar.join_url not in promoted.body
    assert "Passcode 424242" in promoted.body
    assert "Notable IP court cases" in promoted.body
    assert ics_attachment(promoted).walk("VEVENT")[0].get("location") == personal


def test_cancelled_email_acknowledges_without_join_details(
    seminar, django_capture_on_commit_callbacks
):
    registration = registration_create(
        seminar=seminar, data=registration_data(preferred_language="en")
    )

    send_all(
        django_capture_on_commit_callbacks, lambda: registration_cancel(registration=registration)
    )

    (message,) = mail.outbox
    assert message.subject == "Registration cancelled: Seminar on IP and SMEs"
    assert "We have cancelled your registration for Seminar on IP and SMEs." in message.body
    assert "webinar.example.com" not in message.body
    assert message.attachments == []


def test_reminder_email_carries_the_join_details(seminar, django_capture_on_commit_callbacks):
    registration = registration_create(
        seminar=seminar, data=registration_data(preferred_language="en")
    )

    send_all(
        django_capture_on_commit_callbacks,
        lambda: notification_create(
            registration=registration,
            kind=Kind.REMINDER,
            reminder_key=reminder_key(timedelta(hours=24), seminar.starts_at),
        ),
    )

    (message,) = mail.outbox
    assert message.subject == "Reminder: Seminar on IP and SMEs starts soon"
    assert join_link_url(registration=registration, language="en") in message.body
    assert "webinar.example.com" not in message.body + html_of(message)
    assert ics_attachment(message).walk("VEVENT")


def test_confirmation_queued_before_the_registrant_cancelled_is_not_sent(seminar):
    registration = registration_create(seminar=seminar, data=registration_data())
    confirmation = registration.notifications.get(kind=Kind.CONFIRMATION)
    registration_cancel(registration=registration)

    delivered = notification_deliver(notification_id=confirmation.pk)

    assert delivered.status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_public_calendar_file_has_no_join_link(client, seminar):
    response = client.get(f"/seminars/{seminar.slug}/calendar.ics")

    assert response["Content-Type"].startswith("text/calendar")
    (event,) = parse_ics(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == seminar.starts_at
    assert "webinar.example.com" not in response.content.decode()
    assert "424242" not in response.content.decode()


@pytest.mark.parametrize("kind", [Kind.CONFIRMATION, Kind.PROMOTED, Kind.REMINDER])
def test_seat_email_queued_before_the_seminar_was_cancelled_is_not_sent(seminar, kind):
    registration = registration_create(seminar=seminar, data=registration_data())
    notification = notification_create(registration=registration, kind=kind)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    delivered = notification_deliver(notification_id=notification.pk)

    assert delivered.status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_details_are_not_sent_again_for_a_cancelled_seminar(seminar):
    registration = registration_create(seminar=seminar, data=registration_data())
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)
    registration.refresh_from_db()

    assert registration_details_resend(registration=registration) is None


def test_the_details_in_an_email_list_the_registrants_answers_in_their_language(
    seminar, django_capture_on_commit_callbacks
):
    from registrations.models import Question
    from tests.factories import QuestionFactory, question_option

    seminar.capacity = 10
    seminar.save()
    attend = QuestionFactory(
        seminar=seminar,
        kind=Question.Kind.CHOICE,
        label_en="How will you attend?",
        label_zh_hant="你會如何參加？",
        options=["Live", "Recording"],
    )
    live = question_option(attend, "Live")
    live.label_zh_hant = "網上直播"
    live.save()
    cpd = QuestionFactory(seminar=seminar, label_en="CPD membership number", personal_data=True)
    arrival = QuestionFactory(seminar=seminar, kind=Question.Kind.DATE, label_en="Arriving on")
    answers = {attend: [live], cpd: "LSHK-1234", arrival: "2030-08-11"}

    send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar, data=registration_data(preferred_language="en"), answers=answers
        ),
    )
    send_all(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=seminar,
            data=registration_data(email="wong@example.com", preferred_language="zh-hant"),
            answers=answers,
        ),
    )

    english, chinese = mail.outbox
    for part in (english.body, html_of(english)):
        assert "How will you attend?" in part and "Live" in part
        assert "LSHK-1234" in part  # personal data, but the email goes to its owner alone
        assert "11 August 2030" in part
    assert "CPD membership number: LSHK-1234" in english.body
    for part in (chinese.body, html_of(chinese)):
        assert "你會如何參加？" in part and "網上直播" in part
        assert "2030年8月11日" in part
