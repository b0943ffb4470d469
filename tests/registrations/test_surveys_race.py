"""Real threads, real connections: one survey response each when the same registrant's first
answers arrive at the same moment (a double click, two tabs, a retrying phone).

PostgreSQL only: SQLite's in-memory test database cannot be shared between threads, and its
IMMEDIATE transactions serialise writers by design.
"""

import pytest

from registrations.errors import RegistrationError
from registrations.models import SurveyAnswer, SurveyParticipation, SurveyResponse
from registrations.surveys import SURVEY_ANONYMOUS_SENT, survey_response_submit
from tests.registrations.survey_helpers import attendee, open_survey, questions
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def submit(survey, registration, score: int):
    rating = questions(survey)["rating"]
    return survey_response_submit(
        survey=survey, registration=registration, answers={rating: str(score)}
    )


def test_eight_first_submits_at_once_keep_one_response_with_one_set_of_answers():
    survey = open_survey()
    registration = attendee(survey)

    results = run_at_once(8, lambda n: submit(survey, registration, score=1 + n % 5))

    # A survey that keeps names: the later submits change the one response.
    assert all(isinstance(result, SurveyResponse) for result in results), results
    assert SurveyParticipation.objects.filter(registration=registration).count() == 1
    response = SurveyResponse.objects.get(survey=survey)
    assert response.registration == registration
    assert SurveyAnswer.objects.filter(response=response).count() == 1


def test_eight_anonymous_first_submits_at_once_keep_one_response_and_refuse_the_rest():
    survey = open_survey(anonymous=True)
    registration = attendee(survey)

    results = run_at_once(8, lambda n: submit(survey, registration, score=5))

    responses = [result for result in results if isinstance(result, SurveyResponse)]
    refused = [result for result in results if isinstance(result, RegistrationError)]
    assert (len(responses), len(refused)) == (1, 7), results
    assert {error.message for error in refused} == {SURVEY_ANONYMOUS_SENT}
    assert SurveyParticipation.objects.filter(registration=registration).count() == 1
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 1


def test_many_people_answering_an_anonymous_survey_at_once_each_count_once():
    survey = open_survey(anonymous=True)
    people = [attendee(survey) for _ in range(8)]

    results = run_at_once(8, lambda n: submit(survey, people[n], score=4))

    assert all(isinstance(result, SurveyResponse) for result in results), results
    assert SurveyResponse.objects.filter(survey=survey, registration=None).count() == 8
    assert SurveyParticipation.objects.filter(survey=survey).count() == 8
