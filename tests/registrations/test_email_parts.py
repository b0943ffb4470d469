"""What a batch's emails share is read once, and an email built with its batch says exactly what
it says built on its own: nobody gets another registrant's details, mode or language."""

import pytest

from registrations.email_parts import EmailParts
from registrations.emails import message_build
from registrations.models import EmailText, Notification, Registration
from seminar.models import AttendanceMode
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
    # options, the two waitlists (online, in the room): nine, for six emails or six hundred.
    with django_assert_num_queries(9):
        for notification in batch:
            message_build(notification=notification, parts=parts)
