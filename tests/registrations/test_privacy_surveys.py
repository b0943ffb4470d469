"""Removing personal data keeps feedback survey responses counted but unlinked."""

from datetime import timedelta

import pytest

from registrations.models import SurveyParticipation, SurveyResponse
from registrations.privacy import personal_data_purge
from registrations.surveys import survey_response_submit
from tests.registrations.survey_helpers import attendee, open_survey, questions

pytestmark = pytest.mark.django_db


def test_anonymised_registrations_responses_lose_the_link_and_stay_counted():
    survey = open_survey()
    registration = attendee(survey)
    kept = attendee(survey)
    rating = questions(survey)["rating"]
    for person in (registration, kept):
        survey_response_submit(survey=survey, registration=person, answers={rating: "4"})

    report = personal_data_purge(now=survey.seminar.ends_at + timedelta(days=1), days=0)

    assert report.registrations == 2
    assert SurveyResponse.objects.filter(survey=survey).count() == 2
    assert not SurveyResponse.objects.filter(registration__isnull=False).exists()
    assert sorted(SurveyResponse.objects.values_list("answers__score", flat=True)) == [4, 4]
    assert SurveyParticipation.objects.filter(survey=survey).count() == 2
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
