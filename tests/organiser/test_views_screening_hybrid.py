"""The dashboard and the exports of screened and hybrid seminars: pending and declined counted,
each way of attending with its own seats and waitlist, the new statuses and the mode in the
files, all at a query count that does not grow with the registrations."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from registrations.models import Registration
from registrations.permissions import ORGANISERS
from registrations.selectors import seminar_dashboard_figures, seminar_headcounts
from tests.factories import RegistrationFactory, SeminarFactory
from tests.organiser.test_views import user_in

Status = Registration.Status
pytestmark = pytest.mark.django_db


def dashboard_url(seminar) -> str:
    return reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})


def export_url(seminar, file_format: str = "csv") -> str:
    return reverse(
        "admin:seminar_seminar_export",
        kwargs={"seminar_id": seminar.pk, "file_format": file_format},
    )


@pytest.fixture
def organiser_client(client):
    client.force_login(user_in(ORGANISERS))
    return client


def hybrid_with(*, room: int, online: int, scale: int = 1):
    """A hybrid seminar with `room` of 40 seats and `online` of 300 taken, and per mode some
    waiting, pending and declined registrations (`scale` times as many of each)."""
    seminar = SeminarFactory(format="hybrid", capacity=40, online_capacity=300)
    for mode, confirmed in (("in_person", room), ("online", online)):
        RegistrationFactory.create_batch(confirmed, seminar=seminar, attendance_mode=mode)
        for status, count in ((Status.WAITLISTED, 2), (Status.PENDING, 3), (Status.DECLINED, 1)):
            RegistrationFactory.create_batch(
                count * scale, seminar=seminar, attendance_mode=mode, status=status
            )
    return seminar


def test_headcounts_count_pending_and_declined_apart():
    seminar = SeminarFactory(requires_approval=True, capacity=10)
    RegistrationFactory.create_batch(2, seminar=seminar)
    RegistrationFactory.create_batch(3, seminar=seminar, status=Status.PENDING)
    RegistrationFactory(seminar=seminar, status=Status.DECLINED)

    headcounts = seminar_headcounts(seminar=seminar)

    assert (headcounts.confirmed, headcounts.pending, headcounts.declined) == (2, 3, 1)
    assert headcounts.total == 6
    assert headcounts.seats_left == 8  # pending holds no seat


def test_dashboard_shows_pending_and_declined_at_a_screened_seminar(organiser_client):
    seminar = SeminarFactory(requires_approval=True)
    RegistrationFactory.create_batch(3, seminar=seminar, status=Status.PENDING)
    RegistrationFactory(seminar=seminar, status=Status.DECLINED)

    page = organiser_client.get(dashboard_url(seminar)).content.decode()

    assert '<dd data-figure="pending">3</dd>' in page
    assert '<dd data-figure="declined">1</dd>' in page


def test_dashboard_of_an_unscreened_seminar_has_no_screening_figures(organiser_client):
    page = organiser_client.get(dashboard_url(SeminarFactory())).content.decode()

    assert 'data-figure="pending"' not in page


def test_dashboard_shows_each_ways_seats_and_waitlist_at_a_hybrid_seminar(organiser_client):
    seminar = hybrid_with(room=38, online=12)

    page = organiser_client.get(dashboard_url(seminar)).content.decode()

    room = page[page.index('data-mode="in_person"') :]
    online = page[page.index('data-mode="online"') :]
    assert '<td data-mode-figure="confirmed">38 of 40</td>' in room
    assert '<td data-mode-figure="seats_left">2</td>' in room
    assert '<td data-mode-figure="waitlisted">2</td>' in room
    assert '<td data-mode-figure="pending">3</td>' in room
    assert '<td data-mode-figure="confirmed">12 of 300</td>' in online
    assert '<td data-mode-figure="seats_left">288</td>' in online
    # The headline adds both ways up.
    assert '<dd data-figure="capacity">340</dd>' in page
    assert '<dd data-figure="seats_left">290</dd>' in page


def test_dashboard_figures_per_mode_add_up_to_the_headcounts():
    seminar = hybrid_with(room=5, online=7)

    figures = seminar_dashboard_figures(seminar=seminar)

    assert [mode.confirmed for mode in figures.modes] == [5, 7]
    assert sum(mode.waitlisted for mode in figures.modes) == figures.headcounts.waitlisted
    assert sum(mode.pending for mode in figures.modes) == figures.headcounts.pending == 6


def test_a_single_format_seminar_has_no_per_mode_figures(organiser_client):
    seminar = SeminarFactory()

    page = organiser_client.get(dashboard_url(seminar)).content.decode()

    assert seminar_dashboard_figures(seminar=seminar).modes == []
    assert "Seats by way of attending" not in page


def test_hybrid_dashboard_query_count_does_not_grow_with_registrations(
    organiser_client, django_assert_num_queries
):
    small = hybrid_with(room=1, online=1)
    large = hybrid_with(room=40, online=60, scale=10)
    organiser_client.get(dashboard_url(small))  # warm the session and permission caches

    with django_assert_num_queries(9) as small_queries:
        organiser_client.get(dashboard_url(small))
    with django_assert_num_queries(len(small_queries)):
        organiser_client.get(dashboard_url(large))


def test_exports_give_the_new_statuses_in_words_and_the_mode(organiser_client):
    seminar = SeminarFactory(format="hybrid", capacity=5, online_capacity=5)
    RegistrationFactory(seminar=seminar, attendance_mode="in_person", email="room@example.com")
    RegistrationFactory(
        seminar=seminar, attendance_mode="online", status=Status.PENDING, email="p@example.com"
    )
    RegistrationFactory(
        seminar=seminar, attendance_mode="online", status=Status.DECLINED, email="d@example.com"
    )

    content = b"".join(organiser_client.get(export_url(seminar)).streaming_content)
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    sheet = openpyxl.load_workbook(
        io.BytesIO(organiser_client.get(export_url(seminar, "xlsx")).getvalue())
    ).active
    xlsx_header, *xlsx_rows = sheet.iter_rows(values_only=True)

    records = {row["Email"]: row for row in (dict(zip(header, row, strict=True)) for row in rows)}
    assert (
        records["room@example.com"]["Status"],
        records["room@example.com"]["Attendance mode"],
    ) == (
        "Confirmed",
        "In the room",
    )
    assert records["p@example.com"]["Status"] == "Awaiting approval"
    assert records["d@example.com"]["Status"] == "Declined"
    assert records["d@example.com"]["Attendance mode"] == "Online"
    assert list(xlsx_header) == header
    assert sorted(row[header.index("Status")] for row in xlsx_rows) == [
        "Awaiting approval",
        "Confirmed",
        "Declined",
    ]


def test_exporting_the_filtered_list_of_pending_registrations(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    seminar = SeminarFactory(requires_approval=True)
    pending = RegistrationFactory(seminar=seminar, status=Status.PENDING, email="p@example.com")
    RegistrationFactory(seminar=seminar, email="c@example.com")

    response = client.post(
        reverse("admin:registrations_registration_changelist") + "?status__exact=pending",
        {"action": "export_csv", "select_across": "1", "index": 0, "_selected_action": pending.pk},
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "p@example.com" in content and "c@example.com" not in content
