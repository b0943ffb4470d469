"""What organisers see of personal join links: who opened theirs and when, in the registration
admin, the exports, the dashboard and the post-event summary."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.join_links import join_link_record
from registrations.models import Registration
from registrations.permissions import ORGANISERS
from registrations.selectors import seminar_headcounts
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.organiser.test_exporters import read_csv, read_xlsx
from tests.organiser.test_views import urls, user_in

pytestmark = pytest.mark.django_db

OPENED_AT = timezone.make_aware(
    timezone.datetime(2030, 8, 12, 14, 20), timezone.get_default_timezone()
)


@pytest.fixture
def organiser_client(client):
    client.force_login(user_in(ORGANISERS))
    return client


def opened(registration: Registration, *at) -> Registration:
    for moment in at or (OPENED_AT,):
        join_link_record(registration=registration, now=moment)
    registration.refresh_from_db()
    return registration


def test_admin_list_filters_who_opened(organiser_client):
    seminar = SeminarFactory()
    joined = opened(RegistrationFactory(seminar=seminar, name_en="CHAN Opened"))
    RegistrationFactory(seminar=seminar, name_en="WONG Never")
    changelist = reverse("admin:registrations_registration_changelist")

    everyone = organiser_client.get(changelist).content.decode()
    yes = organiser_client.get(changelist, {"join_opened": "yes"}).content.decode()
    no = organiser_client.get(changelist, {"join_opened": "no"}).content.decode()

    assert "By opened the join link" in everyone  # the filter's title
    assert "CHAN Opened" in yes and "WONG Never" not in yes
    assert "WONG Never" in no and "CHAN Opened" not in no
    assert joined.join_opens == 1


def test_admin_detail_shows_first_and_last_open_and_the_count(organiser_client):
    registration = opened(RegistrationFactory(), OPENED_AT, OPENED_AT + timedelta(minutes=45))
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    page = organiser_client.get(url).content.decode()

    assert "First opened the join link" in page
    assert "Last opened the join link" in page
    assert "Join link opens" in page
    assert "14:20" in page and "15:05" in page
    # Read-only: an organiser cannot make up an open.
    assert 'name="join_opens"' not in page


def test_exports_carry_the_opens_as_columns_35_to_37_in_hkt():
    registration = opened(RegistrationFactory(), OPENED_AT, OPENED_AT + timedelta(minutes=45))
    RegistrationFactory(seminar=registration.seminar)
    queryset = Registration.objects.order_by("pk")

    csv_rows = read_csv(queryset)
    xlsx_rows = read_xlsx(queryset)

    assert csv_rows[0][34:37] == [
        "Join link first opened at (HKT)",
        "Join link last opened at (HKT)",
        "Join link opens",
    ]
    assert csv_rows[1][34:37] == ["2030-08-12 14:20:00", "2030-08-12 15:05:00", "2"]
    assert csv_rows[2][34:37] == ["", "", "0"]
    assert list(xlsx_rows[1][34:37]) == [
        OPENED_AT.replace(tzinfo=None),
        (OPENED_AT + timedelta(minutes=45)).replace(tzinfo=None),
        2,
    ]


def test_headcounts_count_opened_of_those_who_get_a_link():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=10, online_capacity=10)
    opened(RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE))
    RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)
    cancelled_after = opened(
        RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    )
    Registration.objects.filter(pk=cancelled_after.pk).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )

    headcounts = seminar_headcounts(seminar=seminar)

    assert (headcounts.join_link_opened, headcounts.join_link_holders) == (1, 2)


def test_in_person_seminar_has_no_join_link_figure(organiser_client):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, venue_en="Room 1")
    RegistrationFactory(seminar=seminar)

    assert seminar_headcounts(seminar=seminar).join_link_holders == 0
    assert (
        "Opened the join link"
        not in organiser_client.get(urls(seminar)["dashboard"]).content.decode()
    )


def test_dashboard_and_summary_say_opened_n_of_m(organiser_client):
    seminar = SeminarFactory()
    opened(RegistrationFactory(seminar=seminar))
    RegistrationFactory.create_batch(2, seminar=seminar)

    dashboard = organiser_client.get(urls(seminar)["dashboard"]).content.decode()
    summary = organiser_client.get(urls(seminar)["summary"]).content.decode()

    assert 'data-figure="join_link_opened">1 of 3<' in dashboard
    assert "Opened the join link: 1 of 3 confirmed registrants attending online." in summary


def test_summary_query_count_does_not_grow_with_opens(organiser_client, django_assert_num_queries):
    small = SeminarFactory()
    opened(RegistrationFactory(seminar=small))
    large = SeminarFactory()
    for registration in RegistrationFactory.create_batch(12, seminar=large):
        opened(registration)

    # The 9th: whether the seminar has a feedback survey to quote.
    with django_assert_num_queries(9) as small_queries:
        organiser_client.get(urls(small)["summary"])
    with django_assert_num_queries(len(small_queries)):
        organiser_client.get(urls(large)["summary"])
