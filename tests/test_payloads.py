"""Script and HTML typed into any text field stay text everywhere they are shown."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from organiser.exporters import attendee_rows, attendees_csv_stream
from registrations.models import Registration
from tests.factories import SeminarFactory, SessionFactory, registration_form_data

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert("
TEXT_FIELDS = ["name_en", "name_zh", "organisation", "job_title"]


@pytest.fixture
def registration(client, django_capture_on_commit_callbacks):
    seminar = SeminarFactory(
        title_en=f"Seminar {PAYLOAD}", theme_en=PAYLOAD, joining_instructions_en=PAYLOAD
    )
    SessionFactory(seminar=seminar, title_en=f"Talk {PAYLOAD}")
    data = registration_form_data(
        **{field: f"{field} {PAYLOAD}" for field in TEXT_FIELDS},
        email="payload@example.com",
        participant_type="other",
        region="other",
        industry="other",
        utm_source=PAYLOAD,
        ref=PAYLOAD,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:create", kwargs={"slug": seminar.slug}), data, follow=True
        )
    assert response.status_code == 200
    done_page = response.content.decode()
    assert PAYLOAD not in done_page and ESCAPED in done_page
    return Registration.objects.get(email="payload@example.com")


def assert_escaped(html: str, where: str) -> None:
    assert "<script>alert(" not in html, where
    assert "<img src=x onerror" not in html, where
    assert ESCAPED in html, where


def test_public_pages_escape_payloads(client, registration):
    seminar = registration.seminar
    for url in ["/", seminar.get_absolute_url(), f"/seminars/{seminar.slug}/register/"]:
        assert_escaped(client.get(url).content.decode(), url)


def test_registrants_own_pages_escape_payloads(client, registration):
    for page in ["manage", "edit", "cancel"]:
        url = reverse(f"registrations:{page}", kwargs={"token": registration.token})
        assert_escaped(client.get(url).content.decode(), url)


def test_admin_pages_escape_payloads(admin_client, registration):
    for url in [
        reverse("admin:registrations_registration_changelist"),
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": registration.seminar_id}),
        reverse("admin:seminar_seminar_summary", kwargs={"seminar_id": registration.seminar_id}),
    ]:
        assert_escaped(admin_client.get(url).content.decode(), url)


def test_emails_escape_payloads_in_html(registration):
    (message,) = mail.outbox
    (html, _), *_ = message.alternatives

    assert_escaped(html, "confirmation email")


def test_exports_keep_payloads_as_inert_text(registration):
    content = b"".join(
        attendees_csv_stream(rows=attendee_rows(queryset=Registration.objects.all()))
    )

    header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert record["Name (English)"] == f"name_en {PAYLOAD}"
    assert record["utm_source"] == PAYLOAD
