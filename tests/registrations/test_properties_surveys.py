"""Generated posts against the feedback survey form: never a server error; either the response
is stored with what was sent, or each message sits next to its question, the other answers are
kept, and nothing is saved."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import SurveyParticipation, SurveyQuestion, SurveyResponse
from tests.factories import SurveyQuestionFactory
from tests.hypothesis_budget import examples
from tests.registrations.survey_helpers import attendee, open_survey
from tests.registrations.test_properties import PROPERTY_SETTINGS, text

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind

value = st.one_of(
    st.sampled_from(["", "0", "1", "3", "5", "6", "10", "11", "-1", "4.5", "yes", "no", "on"]),
    st.integers(min_value=-5, max_value=2_000_000).map(str),
    text,
)
values = st.one_of(value, st.lists(value, max_size=4))


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


@pytest.fixture
def survey_and_registrant(db):
    survey = open_survey()
    SurveyQuestionFactory(survey=survey, kind=Kind.YES_NO, label_en="Length right?")
    SurveyQuestionFactory(survey=survey, kind=Kind.NUMBER, label_en="How many staff?")
    SurveyQuestionFactory(survey=survey, kind=Kind.DATE, label_en="When did you start?")
    SurveyQuestionFactory(
        survey=survey, kind=Kind.DROPDOWN, label_en="Sector?", options=["Trade", "Tech"]
    )
    return survey, attendee(survey)


@settings(max_examples=examples(150), **PROPERTY_SETTINGS)
@given(data=st.data(), language_prefix=st.sampled_from(["", "/zh-hant", "/zh-hans"]))
def test_survey_form_never_errors_and_puts_each_message_by_its_question(
    client, survey_and_registrant, data, language_prefix
):
    survey, registration = survey_and_registrant
    SurveyResponse.objects.all().delete()
    SurveyParticipation.objects.all().delete()
    questions = list(survey.questions.prefetch_related("options"))
    # Real option ids half the time, so some posts are valid.
    posted = {}
    for question in questions:
        name = f"question_{question.pk}"
        options = [str(option.pk) for option in question.options.all()]
        strategy = st.one_of(values, st.sampled_from(options)) if options else values
        if data.draw(st.booleans()):
            posted[name] = data.draw(strategy, label=name)
    with translation.override("en"):
        path = reverse("registrations:survey", kwargs={"token": registration.token})

    response = client.post(language_prefix + path, posted)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert SurveyResponse.objects.filter(survey=survey).count() == 1
        return
    form = response.context["form"]
    page = response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert form.errors and not form.non_field_errors()
    for name in form.errors:
        # The message next to its question: crispy's error id, or the scale's own.
        assert re.search(rf'id="(error_\d+_id_{name}|id_{name}_error)"', page), name
    for name, sent in posted.items():
        if (
            name not in form.errors
            and isinstance(sent, str)
            and sent.strip()
            and "\x00" not in sent
        ):
            # A long text the registrant typed is still there to correct the rest.
            question = next(q for q in questions if f"question_{q.pk}" == name)
            if question.kind == Kind.LONG_TEXT:
                assert escape(sent) in page
