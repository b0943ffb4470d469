"""The dashboard's comparison with the previous edition of the series."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from registrations.permissions import ORGANISERS, groups_ensure
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
        ("present", "6", "8", "-2 (-25%)"),
        ("attendance_rate", "50.0%", "80.0%", "-30.0 percentage points"),
        ("waitlisted", "0", "1", "-1 (-100%)"),
    ]
    assert "Compared with 2025 IP Seminar (2025)" in response.content.decode()


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
