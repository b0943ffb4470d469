"""What a batch's emails share is read once, and an email built with its batch says exactly what
it says built on its own: nobody gets another registrant's details, mode or language."""

import pytest
from django.db import connection

from registrations.email_parts import EmailParts
from registrations.emails import message_build
from registrations.models import EmailText, Notification, Registration
from seminar.models import AttendanceMode, Seminar, Session
from tests.factories import (
    AnswerFactory,
    RegistrationFactory,
    SeminarFactory,
    SessionFactory,
    choice_question,
    question_option,
)

Kind = Notification.Kind
Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def batch() -> list[Notification]:
    seminar = SeminarFactory(
        format="hybrid",
        venue_en="Room S421, Hong Kong Convention and Exhibition Centre",
        capacity=10,
        online_capacity=10,
        enquiries_name="Secretariat",
        enquiries_email="enquiries@example.com",
    )
    SessionFactory(seminar=seminar, title_en="Opening", title_zh_hant="開幕")
    SessionFactory(seminar=seminar, title_en="Licensing", title_zh_hant="許可")
    for kind in (Kind.CONFIRMATION, Kind.WAITLISTED):
        EmailText.objects.create(
            seminar=seminar, kind=kind, intro_en="Welcome.", intro_zh_hant="歡迎。"
        )
    attend = choice_question("Morning", "Afternoon", seminar=seminar, label_en="Which session?")
    people = [
        (Status.CONFIRMED, AttendanceMode.ONLINE, "en", Kind.CONFIRMATION),
        (Status.CONFIRMED, AttendanceMode.IN_PERSON, "zh-hant", Kind.CONFIRMATION),
        (Status.CONFIRMED, AttendanceMode.IN_PERSON, "zh-hans", Kind.REMINDER),
        (Status.WAITLISTED, AttendanceMode.ONLINE, "zh-hant", Kind.WAITLISTED),
        (Status.WAITLISTED, AttendanceMode.IN_PERSON, "en", Kind.WAITLISTED),
        (Status.CONFIRMED, AttendanceMode.ONLINE, "en", Kind.MODE_CHANGED),
    ]
    notifications = []
    for number, (status, mode, language, kind) in enumerate(people):
        registration = RegistrationFactory(
            seminar=seminar,
            status=status,
            attendance_mode=mode,
            preferred_language=language,
            name_en=f"CHAN Person {number}",
            job_title="Director" if number % 2 else "",
        )
        if number % 2:
            option = question_option(attend, "Morning" if number % 3 else "Afternoon")
            AnswerFactory(registration=registration, question=attend, options=[option])
        notifications.append(Notification.objects.create(registration=registration, kind=kind))
    return list(
        Notification.objects.select_related("registration__seminar").filter(
            pk__in=[n.pk for n in notifications]
        )
    )


def written(message) -> tuple:
    """What the registrant reads: subject, text, HTML, attachments (the calendar file without
    its time stamp, which is when it was made)."""
    attachments = [
        (name, "\n".join(line for line in content.splitlines() if not line.startswith("DTSTAMP")))
        for name, content, _mimetype in message.attachments
    ]
    return message.subject, message.body, message.alternatives[0][0], attachments, message.to


def test_an_email_built_with_its_batch_says_what_it_says_on_its_own(batch):
    parts = EmailParts(batch)

    together = [written(message_build(notification=n, parts=parts)) for n in batch]
    alone = [written(message_build(notification=Notification.objects.get(pk=n.pk))) for n in batch]

    assert together == alone
    assert len({text for _, text, *_ in together}) == len(batch)


def test_a_batch_reads_what_its_emails_share_once(batch, django_assert_num_queries):
    parts = EmailParts(batch)

    # The opening paragraph of each of the four kinds, the programme, the answers and their
    # options, the two waitlists (online, in the room): nine, for six emails or six hundred;
    # on PostgreSQL one more, the seminar's version (what outlives the batch).
    with django_assert_num_queries(9 + (connection.vendor == "postgresql")):
        for notification in batch:
            message_build(notification=notification, parts=parts)


def test_a_change_to_the_seminar_shows_in_the_next_email_built(batch):
    """What outlives a batch (the programme, the opening paragraph, the pieces rendered from
    them) is kept under the seminar's version: any change is in the next email, even one made
    behind the models' backs (a queryset update sends no signal)."""
    confirmations = {
        n.registration.preferred_language: n for n in batch if n.kind == Kind.CONFIRMATION
    }
    first, second = confirmations["en"], confirmations["zh-hant"]  # online; in the room
    seminar = first.registration.seminar
    before = written(message_build(notification=first, parts=EmailParts([first])))
    assert "Opening" in before[1] and "Welcome." in before[1]

    Seminar.objects.filter(pk=seminar.pk).update(title_en="Licensing in the Bay Area")
    Session.objects.filter(seminar=seminar, title_en="Opening").update(title_en="Keynote")
    EmailText.objects.filter(seminar=seminar, kind=Kind.CONFIRMATION).update(
        intro_en="Doors open at 9."
    )
    SessionFactory(seminar=seminar, title_en="Closing remarks")
    Seminar.objects.filter(pk=seminar.pk).update(venue_en="Room S222", venue_zh_hant="Room S222")

    again = Notification.objects.select_related("registration__seminar").get(pk=first.pk)
    subject, text, html, attachments, _to = written(
        message_build(notification=again, parts=EmailParts([again]))
    )
    assert subject == "Registration confirmed: Licensing in the Bay Area"
    for shown in ("Keynote", "Closing remarks", "Doors open at 9."):
        assert shown in text and shown in html
    assert "Opening" not in text and "Welcome." not in text
    assert "Licensing in the Bay Area" in attachments[0][1]
    # The venue goes to those in the room (the second confirmation), in every piece.
    in_room = Notification.objects.select_related("registration__seminar").get(pk=second.pk)
    _subject, text, html, attachments, _to = written(
        message_build(notification=in_room, parts=EmailParts([in_room]))
    )
    assert "Room S222" in text and "Room S222" in html and "Room S222" in attachments[0][1]
