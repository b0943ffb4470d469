"""Emails for screened and hybrid seminars: "received, under review" (nothing to join yet),
"declined" with the organisers' own words, the email a decision or a change of mode sends, and
joining details only for those who join online, the venue only for those in the room."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from registrations.delivery import notification_deliver
from registrations.models import Notification, Registration
from registrations.services import (
    registration_approve,
    registration_create,
    registration_decline,
    registration_mode_change,
)
from tests.factories import SeminarFactory, registration_data

Kind = Notification.Kind
Status = Registration.Status
pytestmark = pytest.mark.django_db

JOIN_URL = "https://webinar.example.com/j/91234567890"


def personal(registration) -> str:
    """The registrant's own join link, which the emails carry instead of JOIN_URL."""
    return f"http://testserver-site/j/{registration.join_token}/"


VENUE = "Room S421, Hong Kong Convention and Exhibition Centre"


@pytest.fixture
def organiser():
    return get_user_model().objects.create_user("organiser", password="pw", is_staff=True)


@pytest.fixture
def screened():
    return SeminarFactory(
        title_en="IP Workshop",
        title_zh_hant="知識產權工作坊",
        title_zh_hans="知识产权工作坊",
        requires_approval=True,
        capacity=1,
        join_url=JOIN_URL,
    )


@pytest.fixture
def hybrid():
    return SeminarFactory(
        title_en="IP Workshop",
        format="hybrid",
        venue_en=VENUE,
        capacity=1,
        online_capacity=1,
        join_url=JOIN_URL,
        joining_instructions_en="Passcode 424242",
    )


def sent(django_capture_on_commit_callbacks, action):
    """Run a service and deliver what it queued, as the worker would; the emails it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        action()
    return mail.outbox[before:]


def html_of(message) -> str:
    return message.alternatives[0][0]


def calendar_event(message):
    (_name, content, _mimetype), *_ = message.attachments
    return Calendar.from_ical(content).walk("VEVENT")[0]


def test_received_email_says_under_review_with_nothing_to_join(
    screened, django_capture_on_commit_callbacks
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(seminar=screened, data=registration_data()),
    )

    assert message.subject == "Registration received, under review: IP Workshop"
    for part in (message.body, html_of(message)):
        assert "We have received your registration. It is under review." in part
        assert "you do not have a seat yet" in part
        assert "webinar.example.com" not in part
        assert "424242" not in part
    assert message.attachments == []
    assert "/r/" in message.body  # they may still change or cancel it


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("zh-hant", "報名已收到，正在審核：知識產權工作坊", "審核"),
        ("zh-hans", "报名已收到，正在审核：知识产权工作坊", "审核"),
    ],
)
def test_received_email_is_in_the_registrants_language(
    screened, django_capture_on_commit_callbacks, language, subject, words
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=screened, data=registration_data(preferred_language=language)
        ),
    )

    assert message.subject == subject
    assert words in message.body


def test_approval_sends_the_confirmation_with_the_joining_details(
    screened, organiser, django_capture_on_commit_callbacks
):
    registration = registration_create(seminar=screened, data=registration_data())

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_approve(registration=registration, actor=organiser),
    )

    assert message.subject == "Registration confirmed: IP Workshop"
    assert personal(registration) in message.body and JOIN_URL not in message.body
    assert calendar_event(message).get("location") == personal(registration)


def test_approval_when_full_sends_the_waitlist_email(
    screened, organiser, django_capture_on_commit_callbacks
):
    first = registration_create(seminar=screened, data=registration_data(email="a@example.com"))
    second = registration_create(seminar=screened, data=registration_data(email="b@example.com"))
    registration_approve(registration=first, actor=organiser)

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_approve(registration=second, actor=organiser),
    )

    assert message.subject == "You are on the waitlist: IP Workshop"
    assert "You are number 1 on the waitlist." in message.body
    assert JOIN_URL not in message.body


def test_a_received_email_not_yet_sent_when_approved_is_skipped(screened, organiser):
    registration = registration_create(seminar=screened, data=registration_data())
    received = registration.notifications.get(kind=Kind.RECEIVED)
    registration_approve(registration=registration, actor=organiser)

    delivered = notification_deliver(notification_id=received.pk)

    assert delivered.status == Notification.Status.SKIPPED


def test_declined_email_carries_the_organisers_message_escaped(
    screened, organiser, django_capture_on_commit_callbacks
):
    registration = registration_create(seminar=screened, data=registration_data())
    note = "The workshop is for SMEs.\nSee <b>our</b> online seminar & others."

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_decline(registration=registration, actor=organiser, message=note),
    )

    html = html_of(message)
    assert message.subject == "Registration not accepted: IP Workshop"
    assert "We are sorry: your registration has not been accepted." in message.body
    assert "Message from the organisers: \nThe workshop is for SMEs." in message.body
    assert "See <b>our</b> online seminar & others." in message.body  # plain text, as typed
    assert "See &lt;b&gt;our&lt;/b&gt; online seminar &amp; others." in html
    assert "The workshop is for SMEs.<br>" in html
    assert "<b>our</b>" not in html
    # Final: nothing left to view, change or cancel, and nothing to join.
    assert "/r/" not in message.body + html
    assert JOIN_URL not in message.body
    assert message.attachments == []


def test_declined_email_without_a_message_has_no_empty_heading(
    screened, organiser, django_capture_on_commit_callbacks
):
    registration = registration_create(seminar=screened, data=registration_data())

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_decline(registration=registration, actor=organiser),
    )

    assert "Message from the organisers" not in message.body + html_of(message)


@pytest.mark.parametrize(
    ("language", "subject", "heading"),
    [
        ("zh-hant", "報名未獲接納：知識產權工作坊", "主辦機構的訊息："),
        ("zh-hans", "报名未通过审核：知识产权工作坊", "主办方留言："),
    ],
)
def test_declined_email_is_in_the_registrants_language_with_the_message_as_written(
    screened, organiser, django_capture_on_commit_callbacks, language, subject, heading
):
    registration = registration_create(
        seminar=screened, data=registration_data(preferred_language=language)
    )

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_decline(
            registration=registration, actor=organiser, message="Places are limited."
        ),
    )

    assert message.subject == subject
    assert f"{heading}\nPlaces are limited." in message.body


def test_a_declined_email_is_not_sent_for_a_registration_no_longer_declined(screened, organiser):
    registration = registration_create(seminar=screened, data=registration_data())
    registration_decline(registration=registration, actor=organiser)
    declined = registration.notifications.get(kind=Kind.DECLINED)
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())

    assert notification_deliver(notification_id=declined.pk).status == "skipped"


def test_online_attendee_at_a_hybrid_seminar_gets_the_join_link_not_the_venue(
    hybrid, django_capture_on_commit_callbacks
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=hybrid, data=registration_data(attendance_mode="online")
        ),
    )

    registration = Registration.objects.get(seminar=hybrid)
    for part in (message.body, html_of(message)):
        assert personal(registration) in part and JOIN_URL not in part
        assert "Passcode 424242" in part
        assert VENUE not in part
        assert "How you attend" in part and "Online" in part
    event = calendar_event(message)
    assert event.get("location") == personal(registration)
    assert VENUE not in str(event.get("description"))


def test_attendee_in_the_room_gets_the_venue_not_the_join_link(
    hybrid, django_capture_on_commit_callbacks
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_create(
            seminar=hybrid, data=registration_data(attendance_mode="in_person")
        ),
    )

    for part in (message.body, html_of(message)):
        assert VENUE in part
        assert "webinar.example.com" not in part
        assert "424242" not in part
        assert "In the room" in part
    assert "The attached calendar file adds the seminar to your calendar." in message.body
    event = calendar_event(message)
    assert event.get("location") == VENUE
    assert "webinar.example.com" not in event.to_ical().decode()


def test_reminders_follow_the_same_rule_per_mode(hybrid, django_capture_on_commit_callbacks):
    from registrations.delivery import reminders_schedule

    in_room = registration_create(
        seminar=hybrid,
        data=registration_data(email="room@example.com", attendance_mode="in_person"),
    )
    online = registration_create(
        seminar=hybrid, data=registration_data(email="online@example.com", attendance_mode="online")
    )
    Registration.objects.update(confirmed_at=timezone.now() - timedelta(days=2))

    emails = sent(
        django_capture_on_commit_callbacks,
        lambda: reminders_schedule(now=hybrid.starts_at - timedelta(hours=20)),
    )

    by_address = {message.to[0]: message.body for message in emails}
    assert VENUE in by_address[in_room.email] and JOIN_URL not in by_address[in_room.email]
    assert personal(online) in by_address[online.email]
    assert JOIN_URL not in by_address[online.email] and VENUE not in by_address[online.email]


def test_mode_changed_email_states_the_new_mode_and_the_confirmed_seat(
    hybrid, django_capture_on_commit_callbacks
):
    registration = registration_create(
        seminar=hybrid, data=registration_data(attendance_mode="in_person")
    )

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_mode_change(registration=registration, mode="online"),
    )

    assert message.subject == "How you attend has changed: IP Workshop"
    assert "You will now attend online." in message.body
    assert "Your seat is confirmed." in message.body
    assert personal(registration) in message.body
    assert JOIN_URL not in message.body and VENUE not in message.body
    assert calendar_event(message).get("location") == personal(registration)


def test_mode_changed_email_to_a_full_mode_gives_the_waitlist_place(
    hybrid, django_capture_on_commit_callbacks
):
    registration_create(
        seminar=hybrid, data=registration_data(email="a@example.com", attendance_mode="online")
    )
    registration = registration_create(
        seminar=hybrid, data=registration_data(attendance_mode="in_person")
    )

    emails = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_mode_change(registration=registration, mode="online"),
    )

    message = next(m for m in emails if m.to == [registration.email])
    assert "You will now attend online." in message.body
    assert "you are number 1 on its waitlist" in message.body
    assert "Your seat is confirmed." not in message.body
    assert JOIN_URL not in message.body
    assert message.attachments == []


def test_mode_changed_email_of_a_pending_registration_says_still_under_review(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(format="hybrid", requires_approval=True, online_capacity=10)
    registration = registration_create(
        seminar=seminar,
        data=registration_data(attendance_mode="online", preferred_language="zh-hant"),
    )

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_mode_change(registration=registration, mode="in_person"),
    )

    assert "你將改為現場出席。" in message.body
    assert "審核" in message.body
    assert message.attachments == []
