from datetime import datetime

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.selectors import (
    seminar_dashboard_figures,
    seminar_event_summary,
    seminar_headcounts,
)
from tests.factories import RegistrationFactory, SeminarFactory

HONG_KONG = timezone.get_default_timezone()
Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    """5 seats: 3 confirmed (2 SME from Hong Kong, 1 official from the Mainland), 2 waitlisted,
    1 cancelled; attendance known for the confirmed ones (2 attended)."""
    seminar = SeminarFactory(capacity=5)
    RegistrationFactory(seminar=seminar, participant_type="sme", region="hong_kong", attended=True)
    RegistrationFactory(seminar=seminar, participant_type="sme", region="hong_kong", attended=True)
    RegistrationFactory(
        seminar=seminar, participant_type="government", region="mainland", attended=False
    )
    RegistrationFactory(
        seminar=seminar,
        status=Status.WAITLISTED,
        participant_type="ip_practitioner",
        region="macao",
        utm_source="newsletter",
    )
    RegistrationFactory(
        seminar=seminar,
        status=Status.WAITLISTED,
        participant_type="sme",
        region="mainland",
        utm_source="newsletter",
    )
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED, participant_type="other")
    return seminar


def test_seminar_headcounts(seminar):
    headcounts = seminar_headcounts(seminar=seminar)

    assert (headcounts.confirmed, headcounts.waitlisted, headcounts.cancelled) == (3, 2, 1)
    assert headcounts.total == 6
    assert headcounts.capacity == 5
    assert headcounts.seats_left == 2
    assert headcounts.fill_percent == 60.0
    assert headcounts.attended == 2
    assert headcounts.attendance_rate == 66.7


def test_seminar_headcounts_without_attendance_or_capacity():
    seminar = SeminarFactory(capacity=None)
    RegistrationFactory(seminar=seminar)

    headcounts = seminar_headcounts(seminar=seminar)

    assert headcounts.seats_left is None
    assert headcounts.fill_percent is None
    assert headcounts.attendance_rate is None


def test_seminar_breakdowns_count_active_registrations_with_percentages(seminar):
    breakdowns = {b.key: b for b in seminar_dashboard_figures(seminar=seminar).breakdowns}

    by_type = [(row.label, row.count, row.percent) for row in breakdowns["participant_type"].rows]
    assert by_type == [
        ("SME representative", 3, 60.0),
        ("Government official", 1, 20.0),
        ("IP practitioner", 1, 20.0),
    ]
    by_region = {row.value: row.count for row in breakdowns["region"].rows}
    assert by_region == {"hong_kong": 2, "mainland": 2, "macao": 1}
    by_utm = {row.label: row.count for row in breakdowns["utm_source"].rows}
    assert by_utm == {"newsletter": 2, "—": 3}
    assert set(breakdowns) == {
        "participant_type",
        "region",
        "industry",
        "preferred_language",
        "organisation_size",
        "heard_from",
        "source",
        "utm_source",
        "ref",
    }


def test_registrations_per_day_uses_hong_kong_dates_and_fills_gaps():
    seminar = SeminarFactory()
    for when in [
        datetime(2030, 7, 1, 23, 30, tzinfo=HONG_KONG),
        datetime(2030, 7, 2, 0, 30, tzinfo=HONG_KONG),  # 16:30 UTC on 1 July
        datetime(2030, 7, 4, 9, 0, tzinfo=HONG_KONG),
    ]:
        registration = RegistrationFactory(seminar=seminar)
        Registration.objects.filter(pk=registration.pk).update(created_at=when)

    per_day = seminar_dashboard_figures(seminar=seminar).per_day

    assert [(day.isoformat(), count) for day, count in per_day] == [
        ("2030-07-01", 1),
        ("2030-07-02", 1),
        ("2030-07-03", 0),
        ("2030-07-04", 1),
    ]


def test_event_summary_counts_attendees_once_attendance_is_known(seminar):
    summary = seminar_event_summary(seminar=seminar)

    assert summary.counted_attendance
    assert summary.participants == 2
    assert [(row.label, row.count) for row in summary.by_type] == [("SME representative", 2)]
    assert [(row.label, row.count) for row in summary.by_region] == [("Hong Kong", 2)]


def test_event_summary_before_attendance_counts_confirmed():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, participant_type="sme", region="macao")
    RegistrationFactory(seminar=seminar, participant_type="sme", region="hong_kong")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)

    summary = seminar_event_summary(seminar=seminar)

    assert not summary.counted_attendance
    assert summary.participants == 2
    assert [(row.label, row.count, row.percent) for row in summary.by_type] == [
        ("SME representative", 2, 100.0)
    ]


def test_registrations_per_day_is_empty_without_registrations():
    assert seminar_dashboard_figures(seminar=SeminarFactory()).per_day == []


def test_seminar_headcounts_ignore_other_seminars(seminar):
    other = SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=other)

    assert seminar_headcounts(seminar=seminar).total == 6
    assert seminar_headcounts(seminar=other).total == 3


def test_dashboard_and_headcounts_agree(seminar):
    assert seminar_dashboard_figures(seminar=seminar).headcounts == seminar_headcounts(
        seminar=seminar
    )
    assert seminar_event_summary(seminar=seminar).headcounts == seminar_headcounts(seminar=seminar)
