"""The check-in QR code: nothing personal in it, on the private page and in the seat emails."""

import email
import email.policy
import io

import pytest
import segno
from django.urls import reverse

from registrations.delivery import notification_create
from registrations.emails import message_build
from registrations.mail_bytes import message_bytes
from registrations.models import Notification
from registrations.qr import checkin_payload, checkin_qr_png, checkin_qr_svg
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def registration():
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, venue_en="Room 1, Harbour Centre")
    return RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        email="tai.man@example.com",
        phone="+852 2961 6901",
    )


def png_of(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def test_qr_encodes_the_checkin_code_and_nothing_personal(registration):
    payload = checkin_payload(registration=registration)

    assert payload == registration.checkin_code
    for personal in ["CHAN", "陳", "tai.man", "2961", str(registration.pk), registration.token]:
        assert personal.lower() not in payload.lower()
    # The image is exactly the symbol of that code: the same bytes segno makes from it alone.
    assert checkin_qr_png(registration=registration) == png_of(registration.checkin_code)
    svg = checkin_qr_svg(registration=registration)
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg


def test_private_page_shows_the_qr_code_and_the_code(client, registration):
    response = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))

    html = response.content.decode()
    assert 'class="checkin-qr"' in html
    assert registration.checkin_code in html
    assert "QR code for check-in code " + registration.checkin_code in html


def test_private_page_has_no_qr_for_online_attendees(client):
    registration = RegistrationFactory(seminar=SeminarFactory(format=Seminar.Format.ONLINE))

    response = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))

    html = response.content.decode()
    assert "checkin-qr" not in html
    assert registration.checkin_code not in html


def parsed(notification: Notification) -> email.message.EmailMessage:
    raw = message_bytes(message_build(notification=notification))
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_confirmation_email_carries_the_qr_as_an_inline_image(registration):
    notification = notification_create(registration=registration, kind=Kind.CONFIRMATION)

    message = parsed(notification)

    related = next(
        part for part in message.walk() if part.get_content_type() == "multipart/related"
    )
    html_part, image = list(related.iter_parts())
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    content_id = image["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{content_id}"' in html
    assert f'alt="QR code for check-in code {registration.checkin_code}"' in html
    assert image.get_content() == checkin_qr_png(registration=registration)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert registration.checkin_code in text
    # The calendar file is still attached beside it.
    assert any(part.get_filename() == "seminar.ics" for part in message.iter_attachments())


@pytest.mark.parametrize("kind", [Kind.PROMOTED, Kind.REMINDER])
def test_other_seat_emails_carry_the_qr(registration, kind):
    notification = notification_create(registration=registration, kind=kind)

    message = parsed(notification)

    assert any(part.get_content_type() == "image/png" for part in message.walk())


def test_switching_to_the_room_and_a_change_notice_carry_the_qr():
    seminar = SeminarFactory(
        format=Seminar.Format.HYBRID, online_capacity=10, venue_en="Room 1, Harbour Centre"
    )
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)

    for kind, changes in ((Kind.MODE_CHANGED, {}), (Kind.SEMINAR_CHANGED, {"venue": ["A", "B"]})):
        notification = notification_create(registration=registration, kind=kind)
        Notification.objects.filter(pk=notification.pk).update(changes=changes)
        notification.refresh_from_db()

        message = parsed(notification)

        assert any(part.get_content_type() == "image/png" for part in message.walk()), kind
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert registration.checkin_code in text, kind


def test_switching_to_online_carries_no_qr():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    notification = notification_create(registration=registration, kind=Kind.MODE_CHANGED)

    message = parsed(notification)

    assert not any(part.get_content_type() == "image/png" for part in message.walk())
    assert registration.checkin_code not in message.as_string()


def test_online_attendees_email_has_no_qr():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    notification = notification_create(registration=registration, kind=Kind.CONFIRMATION)

    message = parsed(notification)

    assert not any(part.get_content_type() == "image/png" for part in message.walk())
    assert registration.checkin_code not in message.as_string()
