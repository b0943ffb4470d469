"""The survey's audience: the queryset and the per-registration answer agree on every case."""

import pytest
from django.utils import timezone

from registrations.models import Registration, Survey
from registrations.survey_audience import survey_asks, survey_audience
from tests.factories import RegistrationFactory, SeminarFactory, SurveyFactory

pytestmark = pytest.mark.django_db

CASES = [
    # (status, checked in, attended, anonymised, asked when attendees, asked when confirmed)
    (Registration.Status.CONFIRMED, True, None, False, True, True),
    (Registration.Status.CONFIRMED, False, True, False, True, True),
    (Registration.Status.CONFIRMED, False, False, False, False, True),
    (Registration.Status.CONFIRMED, False, None, False, False, True),
    (Registration.Status.CONFIRMED, True, True, True, False, False),
    (Registration.Status.WAITLISTED, False, None, False, False, False),
    (Registration.Status.CANCELLED, True, True, False, False, False),
    (Registration.Status.PENDING, False, None, False, False, False),
]


@pytest.mark.parametrize("audience", [Survey.Audience.ATTENDEES, Survey.Audience.CONFIRMED])
def test_queryset_and_single_check_agree(audience):
    seminar = SeminarFactory()
    survey = SurveyFactory(seminar=seminar, audience=audience)
    expected = set()
    for status, checked_in, attended, anonymised, for_attendees, for_confirmed in CASES:
        registration = RegistrationFactory(
            seminar=seminar,
            status=status,
            checked_in_at=timezone.now() if checked_in else None,
            attended=attended,
            anonymised_at=timezone.now() if anonymised else None,
        )
        wanted = for_attendees if audience == Survey.Audience.ATTENDEES else for_confirmed
        assert survey_asks(survey=survey, registration=registration) is wanted
        if wanted:
            expected.add(registration.pk)

    assert set(survey_audience(survey=survey).values_list("pk", flat=True)) == expected


def test_another_seminars_registrant_is_never_asked():
    survey = SurveyFactory(audience=Survey.Audience.CONFIRMED)
    other = RegistrationFactory(status=Registration.Status.CONFIRMED, attended=True)

    assert survey_asks(survey=survey, registration=other) is False
    assert not survey_audience(survey=survey).filter(pk=other.pk).exists()
