from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.qualification import (
    online_minutes_required,
    registration_qualification,
    registrations_qualifying,
)
from seminar.models import Seminar
from tests.factories import RegistrationFactory
from tests.registrations.certificate_helpers import past_seminar_with_certificates

Status = Registration.Status
NOW = timezone.now()

# (case, seminar rule, registration facts, qualifies?) — the seminar lasts 120 minutes.
CASES = [
    ("exactly N minutes", ("minutes", 90), {"minutes_online": 90}, True),
    ("N-1 minutes", ("minutes", 90), {"minutes_online": 89}, False),
    ("exactly N per cent", ("percent", 75), {"minutes_online": 90}, True),
    ("a minute under N per cent", ("percent", 75), {"minutes_online": 89}, False),
    ("checked in, no minutes", ("percent", 75), {"checked_in_at": NOW}, True),
    ("attended but no minutes", ("percent", 75), {"attended": True}, False),
    ("nothing recorded", ("percent", 75), {}, False),
    (
        "minutes but cancelled",
        ("minutes", 10),
        {"minutes_online": 120, "status": Status.CANCELLED},
        False,
    ),
    (
        "waitlisted, checked in",
        ("minutes", 10),
        {"status": Status.WAITLISTED, "checked_in_at": NOW},
        False,
    ),
    (
        "checked in and few minutes",
        ("minutes", 90),
        {"checked_in_at": NOW, "minutes_online": 5},
        True,
    ),
]


def _case(rule, facts, **seminar_fields):
    unit, minimum = rule
    seminar = past_seminar_with_certificates(
        certificate_online_unit=unit, certificate_online_minimum=minimum, **seminar_fields
    )
    return RegistrationFactory(seminar=seminar, **facts)


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "rule", "facts", "qualifies"), CASES, ids=[c[0] for c in CASES])
def test_rule_function_and_queryset_agree(case, rule, facts, qualifies):
    registration = _case(rule, facts)

    verdict = registration_qualification(registration=registration)
    in_queryset = registrations_qualifying(seminar=registration.seminar).filter(pk=registration.pk)

    assert verdict.qualifies is qualifies
    assert in_queryset.exists() is qualifies
    assert verdict.reason


@pytest.mark.django_db
def test_hybrid_in_room_checked_in_qualifies_without_minutes():
    seminar = past_seminar_with_certificates(
        format=Seminar.Format.HYBRID, online_capacity=50, venue_en="Room 1"
    )
    registration = RegistrationFactory(
        seminar=seminar, attendance_mode="in_person", checked_in_at=NOW
    )

    verdict = registration_qualification(registration=registration)

    assert verdict.qualifies
    assert "Checked in at the door" in verdict.reason
    assert list(registrations_qualifying(seminar=seminar)) == [registration]


@pytest.mark.django_db
def test_nobody_qualifies_when_certificates_are_off():
    registration = _case(("minutes", 10), {"checked_in_at": NOW, "minutes_online": 120})
    Seminar.objects.filter(pk=registration.seminar_id).update(certificates_enabled=False)
    registration.seminar.refresh_from_db()

    verdict = registration_qualification(registration=registration)

    assert verdict == (False, "Certificates are off for this seminar.")
    assert not registrations_qualifying(seminar=registration.seminar).exists()


@pytest.mark.django_db
def test_percent_rounds_up_to_whole_minutes():
    starts_at = timezone.now() - timedelta(days=2)
    seminar = past_seminar_with_certificates(
        certificate_online_minimum=75,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=101),
    )

    assert online_minutes_required(seminar=seminar) == 76  # 75 % of 101 is 75.75


@pytest.mark.django_db
def test_reason_says_how_many_minutes_are_missing():
    registration = _case(("minutes", 90), {"minutes_online": 60})

    verdict = registration_qualification(registration=registration)

    assert verdict.reason == "Only 60 minutes online; 90 needed."
