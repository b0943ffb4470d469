"""A seminar that ended yesterday with its feedback survey open now, one question of each kind a
survey test needs, and an attendee to answer it."""

from datetime import timedelta

from django.utils import timezone

from registrations.models import Registration, Survey, SurveyQuestion
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SurveyFactory,
    SurveyQuestionFactory,
)

Kind = SurveyQuestion.Kind


def past_seminar(**fields):
    starts_at = timezone.now() - timedelta(days=1, hours=2)
    return SeminarFactory(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        registration_opens_at=starts_at - timedelta(days=30),
        **fields,
    )


def open_survey(**fields) -> Survey:
    """A survey open now (from the seminar's end yesterday for SURVEY_OPEN_DAYS) with a rating,
    a recommend, a choice, a multiple choice and a long text question."""
    survey = SurveyFactory(seminar=fields.pop("seminar", None) or past_seminar(), **fields)
    SurveyQuestionFactory(
        survey=survey, kind=Kind.RATING, label_en="How useful was it?", required=True
    )
    SurveyQuestionFactory(survey=survey, kind=Kind.RECOMMEND, label_en="Would you recommend it?")
    SurveyQuestionFactory(
        survey=survey, kind=Kind.CHOICE, label_en="Best topic?", options=["Patents", "Brands"]
    )
    SurveyQuestionFactory(
        survey=survey,
        kind=Kind.MULTIPLE,
        label_en="Next year?",
        options=["Licensing", "Valuation", "Disputes"],
    )
    SurveyQuestionFactory(survey=survey, kind=Kind.LONG_TEXT, label_en="Any other comments?")
    return survey


def attendee(survey: Survey, **fields) -> Registration:
    fields.setdefault("checked_in_at", survey.seminar.starts_at + timedelta(minutes=5))
    return RegistrationFactory(seminar=survey.seminar, **fields)


def questions(survey: Survey) -> dict[str, SurveyQuestion]:
    return {question.kind: question for question in survey.questions.all()}


def posted(survey: Survey, **overrides) -> dict[str, str | list[str]]:
    """A full, valid POST for open_survey()'s questions."""
    by_kind = questions(survey)
    data = {
        f"question_{by_kind[Kind.RATING].pk}": "4",
        f"question_{by_kind[Kind.RECOMMEND].pk}": "9",
        f"question_{by_kind[Kind.CHOICE].pk}": str(by_kind[Kind.CHOICE].options.first().pk),
        f"question_{by_kind[Kind.MULTIPLE].pk}": [
            str(option.pk) for option in by_kind[Kind.MULTIPLE].options.all()[:2]
        ],
        f"question_{by_kind[Kind.LONG_TEXT].pk}": "Very practical, thank you.",
    }
    data.update(overrides)
    return data
