"""The meeting's address never reaches a registrant: every email kind, the private page, the
calendar files and announcements carry the personal join link instead (join_links.py)."""

from email import message_from_bytes

import pytest
from django.utils import timezone, translation

from registrations.email_parts import EmailParts
from registrations.emails import message_build
from registrations.join_links import join_link_url
from registrations.models import Notification, Registration
from tests.factories import (
    AnnouncementFactory,
    RegistrationFactory,
    SeminarFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
MEETING = "https://webinar.example.com/j/91234567890?pwd=SECRETPWD"
MEETING_MARKERS = ("webinar.example.com", "SECRETPWD")
# The certificate email belongs to the certificates feature; the announcement is built below.
KINDS = [kind for kind in Kind if kind not in (Kind.CERTIFICATE, Kind.ANNOUNCEMENT)]


@pytest.fixture
def registration():
    seminar = SeminarFactory(join_url=MEETING, joining_instructions_en="Passcode 424242")
    return RegistrationFactory(seminar=seminar, preferred_language="en")


def everything_in(message) -> str:
    """The whole message as sent: text, HTML and attachments, decoded."""
    raw = message_from_bytes(message.message().as_bytes())
    return "\n".join(
        part.get_payload(decode=True).decode("utf-8", "replace")
        for part in raw.walk()
        if not part.is_multipart()
    )


def notification(registration: Registration, kind: str) -> Notification:
    changes = {"join_url": ["https://webinar.example.com/j/old", MEETING]}
    if kind == Kind.SURVEY and not hasattr(registration.seminar, "survey"):
        SurveyFactory(seminar=registration.seminar)
    if kind == Kind.EMAIL_CONFIRM:
        registration.email_pending = "new@example.com"
        registration.email_pending_since = timezone.now()
    return Notification(
        registration=registration,
        kind=kind,
        created_at=timezone.now(),
        changes=changes if kind == Kind.SEMINAR_CHANGED else None,
        recipient="new@example.com" if kind == Kind.EMAIL_CONFIRM else "",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_no_email_kind_carries_the_meetings_address(registration, kind):
    message = message_build(notification=notification(registration, kind))

    content = everything_in(message)
    for marker in MEETING_MARKERS:
        assert marker not in content


@pytest.mark.parametrize(
    "kind", [Kind.CONFIRMATION, Kind.PROMOTED, Kind.REMINDER, Kind.MODE_CHANGED]
)
@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_seat_emails_carry_the_personal_link_in_the_registrants_language(
    registration, kind, language
):
    registration.preferred_language = language
    message = message_build(notification=notification(registration, kind))

    personal = join_link_url(registration=registration, language=language)
    assert personal in message.body
    assert f'href="{personal}"' in message.alternatives[0].content
    assert "Passcode 424242" in message.body


def test_a_change_of_meeting_carries_the_personal_link_and_says_it_still_works(registration):
    message = message_build(notification=notification(registration, Kind.SEMINAR_CHANGED))

    assert join_link_url(registration=registration, language="en") in message.body
    assert "The earlier online meeting" in message.body
    assert "the same as in our earlier emails, now opens it" in message.body


def test_a_batch_keeps_each_registrants_own_link(registration):
    """The shared pieces of a batch are the same for everyone; the personal link is not."""
    other = RegistrationFactory(seminar=registration.seminar, preferred_language="en")
    notifications = [notification(registration, Kind.REMINDER), notification(other, Kind.REMINDER)]
    parts = EmailParts(notifications)

    first, second = (message_build(notification=n, parts=parts) for n in notifications)

    assert f"/j/{registration.join_token}/" in first.body
    assert f"/j/{other.join_token}/" not in first.body
    assert f"/j/{other.join_token}/" in second.body
    assert f"/j/{registration.join_token}/" not in second.body


def test_announcement_join_link_placeholder_is_the_personal_link(registration):
    from registrations.announcement_emails import announcement_email

    announcement = AnnouncementFactory(
        seminar=registration.seminar, body_en="Join here: {join_link}"
    )

    email = announcement_email(announcement=announcement, registration=registration)
    preview = announcement_email(announcement=announcement, registration=registration, preview=True)

    assert join_link_url(registration=registration, language="en") in email.text
    assert "webinar.example.com" not in email.text
    assert registration.join_token not in preview.text + preview.html  # stand-ins for organisers


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_private_page_and_its_calendar_carry_the_personal_link(client, registration, language):
    with translation.override(language):
        page = client.get(registration.get_absolute_url())
        calendar = client.get(registration.get_absolute_url() + "calendar.ics")

    content = page.content.decode() + calendar.content.decode()
    assert f"/j/{registration.join_token}/" in page.content.decode()
    assert f"/j/{registration.join_token}/" in calendar.content.decode()
    for marker in MEETING_MARKERS:
        assert marker not in content
