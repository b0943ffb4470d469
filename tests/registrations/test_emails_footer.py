"""The footer every email to a registrant ends with: whom to ask, in the registrant's language."""

import pytest
from django.utils import timezone

from registrations.emails import message_build
from registrations.models import Certificate, Notification, Registration
from tests.factories import (
    AnnouncementFactory,
    RegistrationFactory,
    SeminarFactory,
    SurveyFactory,
)

Kind = Notification.Kind
pytestmark = pytest.mark.django_db

STATUS_OF_KIND = {
    Kind.CONFIRMATION: Registration.Status.CONFIRMED,
    Kind.PROMOTED: Registration.Status.CONFIRMED,
    Kind.REMINDER: Registration.Status.CONFIRMED,
    Kind.WAITLISTED: Registration.Status.WAITLISTED,
    Kind.CANCELLED: Registration.Status.CANCELLED,
    Kind.EMAIL_CONFIRM: Registration.Status.CONFIRMED,
    Kind.EMAIL_CHANGE_NOTICE: Registration.Status.CONFIRMED,
    Kind.RECEIVED: Registration.Status.PENDING,
    Kind.DECLINED: Registration.Status.DECLINED,
    Kind.MODE_CHANGED: Registration.Status.CONFIRMED,
    Kind.SEMINAR_CHANGED: Registration.Status.CONFIRMED,
    Kind.SEMINAR_CANCELLED: Registration.Status.CONFIRMED,
    Kind.ANNOUNCEMENT: Registration.Status.CONFIRMED,
    Kind.CERTIFICATE: Registration.Status.CONFIRMED,
    Kind.SURVEY: Registration.Status.CONFIRMED,
}


def message_of(kind: str, seminar, language: str = "en"):
    # A confirmation link goes to the new address of a pending change.
    recipient = "new.address@example.com" if kind == Kind.EMAIL_CONFIRM else ""
    registration = RegistrationFactory(
        seminar=seminar,
        status=STATUS_OF_KIND[kind],
        preferred_language=language,
        email_pending=recipient,
        email_pending_since=timezone.now() if recipient else None,
    )
    notification = Notification.objects.create(
        registration=registration, kind=kind, recipient=recipient
    )
    if kind == Kind.ANNOUNCEMENT:
        notification.announcement = AnnouncementFactory(seminar=seminar)
    if kind == Kind.CERTIFICATE:
        notification.certificate = Certificate.objects.create(
            registration=registration, name_en=registration.name_en, hours=2
        )
    if kind == Kind.SURVEY and not hasattr(seminar, "survey"):
        SurveyFactory(seminar=seminar)
    return message_build(notification=notification)


@pytest.fixture
def seminar():
    return SeminarFactory(
        enquiries_name_en="Seminar Secretariat",
        enquiries_name_zh_hant="研討會秘書處",
        enquiries_name_zh_hans="研讨会秘书处",
        enquiries_email="ip-seminar@example.gov.hk",
        enquiries_phone="+852 2100 2200",
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_every_email_names_the_enquiries_contact_in_text_and_html(seminar, kind):
    message = message_of(kind, seminar)

    (html, _mimetype) = message.alternatives[0]
    expected = "Enquiries: Seminar Secretariat, ip-seminar@example.gov.hk, +852 2100 2200"
    assert expected in message.body
    assert expected in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hant", "查詢：研討會秘書處、ip-seminar@example.gov.hk、+852 2100 2200"),
        ("zh-hans", "咨询：研讨会秘书处、ip-seminar@example.gov.hk、+852 2100 2200"),
    ],
)
def test_the_enquiries_contact_is_in_the_registrants_language(seminar, language, expected):
    message = message_of(Kind.CONFIRMATION, seminar, language)

    assert expected in message.body


def test_an_email_for_a_seminar_without_a_contact_has_no_enquiries_line():
    message = message_of(Kind.CONFIRMATION, SeminarFactory())

    assert "Enquiries" not in message.body
    assert "Enquiries" not in message.alternatives[0][0]
