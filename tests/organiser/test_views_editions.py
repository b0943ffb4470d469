"""The dashboard's comparison with the previous edition of the series."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from registrations.permissions import ORGANISERS, groups_ensure
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory, SeriesFactory

pytestmark = pytest.mark.django_db
HKT = timezone.get_default_timezone()
Status = Registration.Status


@pytest.fixture
def organiser_client(client):
    groups_ensure()
    user = get_user_model().objects.create_user("mei.ling", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    client.force_login(user)
    return client


def edition(series, year: int) -> object:
    start = datetime(year, 8, 12, 14, 30, tzinfo=HKT)
    return SeminarFactory(
        series=series,
        title_en=f"{year} IP Seminar",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_opens_at=start - timedelta(days=30),
        capacity=None,
    )


def people(seminar, count: int, **fields) -> None:
    RegistrationFactory.create_batch(count, seminar=seminar, **fields)


@pytest.fixture
def editions():
    """Hand-counted. 2025: 10 confirmed, of whom 6 in the report, 1 of those also checked in,
    and 2 more only checked in (8 present); 1 waitlisted. 2026: 12 confirmed, 6 present (5 in
    the report, 1 checked in), 0 waitlisted, 3 cancelled (never counted)."""
    series = SeriesFactory()
    last, this = edition(series, 2025), edition(series, 2026)
    now = timezone.now()
    people(last, 1, attended=True, checked_in_at=now)
    people(last, 5, attended=True)
    people(last, 2, attended=False, checked_in_at=now)
    people(last, 2, attended=False)
    people(last, 1, status=Status.WAITLISTED)
    people(this, 5, attended=True)
    people(this, 1, checked_in_at=now)
    people(this, 6)
    people(this, 3, status=Status.CANCELLED, attended=True)
    return last, this


def dashboard(seminar) -> str:
    return reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})


def test_dashboard_compares_with_the_previous_edition(organiser_client, editions):
    last, this = editions

    response = organiser_client.get(dashboard(this))

    comparison = response.context["comparison"]
    assert comparison.previous == last
    assert comparison.year == "2025"
    assert [(r.key, r.current, r.previous, r.difference) for r in comparison.rows] == [
        ("confirmed", "12", "10", "+2 (+20%)"),
        ("attended", "6", "8", "-2 (-25%)"),
        ("attendance_rate", "50.0%", "80.0%", "-30.0 percentage points"),
        ("waitlisted", "0", "1", "-1 (-100%)"),
    ]
    # The title has the year already: it is not said twice.
    assert "Compared with 2025 IP Seminar</h2>" in response.content.decode()


def test_first_edition_has_no_comparison(organiser_client, editions):
    last, _this = editions

    response = organiser_client.get(dashboard(last))

    assert response.context["comparison"] is None
    assert "Compared with" not in response.content.decode()


def test_comparison_costs_two_queries_whatever_the_registrations(
    organiser_client, editions, django_assert_num_queries
):
    _last, this = editions
    alone = SeminarFactory()
    organiser_client.get(dashboard(alone))  # warm the session and permission caches

    with django_assert_num_queries(9) as alone_queries:
        organiser_client.get(dashboard(alone))
    with django_assert_num_queries(len(alone_queries) + 2):  # the previous edition, its counts
        organiser_client.get(dashboard(this))
    people(_last, 30, attended=True)
    with django_assert_num_queries(len(alone_queries) + 2):
        organiser_client.get(dashboard(this))


def test_heading_gives_the_year_when_the_title_does_not(organiser_client, editions):
    last, this = editions
    Seminar.objects.filter(pk=last.pk).update(title_en="IP Seminar")

    page = organiser_client.get(dashboard(this)).content.decode()

    assert "Compared with IP Seminar (2025)" in page


@pytest.fixture
def upcoming():
    """This edition starts in 30 days; the previous one started a year before. Of the previous
    edition's 7 confirmed, 4 had registered 30 days or more before its start; 2 more did later
    but were cancelled (never counted), 1 waitlisted."""
    series = SeriesFactory()
    now = timezone.now()
    this = SeminarFactory(
        series=series,
        title_en="IP Seminar",
        starts_at=now + timedelta(days=30, hours=1),
        ends_at=now + timedelta(days=30, hours=3),
        capacity=None,
    )
    last = SeminarFactory(
        series=series,
        title_en="IP Seminar",
        starts_at=this.starts_at - timedelta(days=365),
        ends_at=this.ends_at - timedelta(days=365),
        capacity=None,
    )
    early = last.starts_at - timedelta(days=40)
    late = last.starts_at - timedelta(days=10)
    for created_at, count, fields in [
        (early, 4, {"attended": True}),
        (late, 3, {"attended": False}),
        (early, 2, {"status": Status.CANCELLED}),
        (late, 1, {"status": Status.WAITLISTED}),
    ]:
        people(last, count, **fields)
        just_made = Registration.objects.filter(
            seminar=last, created_at__gt=now - timedelta(hours=1)
        )
        just_made.update(created_at=created_at)
    people(this, 5)
    return last, this


def test_upcoming_edition_compares_registrations_at_the_same_point_not_attendance(
    organiser_client, upcoming
):
    _last, this = upcoming

    response = organiser_client.get(dashboard(this))

    rows = [
        (r.key, r.current, r.previous, r.difference) for r in response.context["comparison"].rows
    ]
    assert rows == [
        ("confirmed", "5", "7", "-2 (-29%)"),
        ("confirmed_same_point", "5", "4", "+1 (+25%)"),
        ("attended", "—", "4", "—"),
        ("attendance_rate", "—", "57.1%", "—"),
        ("waitlisted", "0", "1", "-1 (-100%)"),
    ]
    assert "Confirmed at the same point before the start (30 days before)" in (
        response.content.decode()
    )


def test_upcoming_comparison_costs_one_query_more(
    organiser_client, upcoming, django_assert_num_queries
):
    _last, this = upcoming
    alone = SeminarFactory()
    organiser_client.get(dashboard(alone))

    with django_assert_num_queries(9) as alone_queries:
        organiser_client.get(dashboard(alone))
    with django_assert_num_queries(len(alone_queries) + 3):  # and the same-point count
        organiser_client.get(dashboard(this))


def test_hybrid_attended_is_the_same_figure_on_dashboard_comparison_and_summary(
    organiser_client,
):
    """2 checked in at the door only, 3 online in the report only, 1 both, 2 absent: 6
    attended of 8 confirmed, wherever it is quoted."""
    series = SeriesFactory()
    start = datetime(2025, 8, 12, 14, 30, tzinfo=HKT)
    previous = SeminarFactory(
        series=series, starts_at=start - timedelta(days=365), ends_at=start - timedelta(days=364)
    )
    hybrid = SeminarFactory(
        series=series,
        format=Seminar.Format.HYBRID,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=None,
        online_capacity=None,
    )
    now = timezone.now()
    room, online = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE
    people(hybrid, 2, attendance_mode=room, checked_in_at=now)
    people(hybrid, 3, attendance_mode=online, attended=True)
    people(hybrid, 1, attendance_mode=online, attended=True, checked_in_at=now)
    people(hybrid, 1, attendance_mode=room)
    people(hybrid, 1, attendance_mode=online, attended=False)
    people(previous, 1)

    page = organiser_client.get(dashboard(hybrid))
    summary = organiser_client.get(
        reverse("admin:seminar_seminar_summary", kwargs={"seminar_id": hybrid.pk})
    )

    assert page.context["headcounts"].attended == 6
    assert '<dd data-figure="attended">6</dd>' in page.content.decode()
    assert '<dd data-figure="attendance_rate">75.0%</dd>' in page.content.decode()
    rows = {row.key: row.current for row in page.context["comparison"].rows}
    assert (rows["attended"], rows["attendance_rate"]) == ("6", "75.0%")
    assert summary.context["headline"].startswith("6 participants attended")
