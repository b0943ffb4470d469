"""A survey's results against hand-counted fixtures: the shares, averages and recommend score an
organiser quotes, the filters, and a query count that does not grow with the responses."""

import pytest
from django.utils import timezone, translation

from registrations.models import Registration, Survey, SurveyQuestion
from registrations.survey_results import TEXTS_SHOWN, survey_headlines, survey_results
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    survey_response,
)

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind
Type, Region = Registration.ParticipantType, Registration.Region


def _respondent(survey: Survey, **fields) -> Registration:
    return RegistrationFactory(seminar=survey.seminar, attended=True, **fields)


def _result(results, question):
    return next(result for result in results.questions if result.question == question)


def test_ratings_are_counted_with_shares_of_those_who_answered_and_their_average():
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING)
    for score in (5, 5, 4, 3, 4, 1, 5):
        survey_response(survey, _respondent(survey), {rating: score})
    survey_response(survey, _respondent(survey), {})  # skipped the question

    result = _result(survey_results(survey=survey), rating)

    assert result.answered == 7
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("1", 1, 14.3),
        ("2", 0, 0.0),
        ("3", 1, 14.3),
        ("4", 2, 28.6),
        ("5", 3, 42.9),
    ]
    assert result.average == pytest.approx(3.857, abs=0.001)
    assert result.agree_percent == 71  # 5 of 7 gave 4 or 5: 71.43, rounded once


def test_recommend_score_is_promoters_minus_detractors():
    survey = SurveyFactory()
    recommend = SurveyQuestionFactory(survey=survey, kind=Kind.RECOMMEND)
    # 4 promoters (9, 10, 10, 9), 2 passives (7, 8), 4 detractors (6, 0, 5, 3)
    for score in (9, 10, 10, 9, 7, 8, 6, 0, 5, 3):
        survey_response(survey, _respondent(survey), {recommend: score})

    result = _result(survey_results(survey=survey), recommend)

    assert (result.recommend.promoters, result.recommend.passives) == (4, 2)
    assert result.recommend.detractors == 4
    assert result.recommend.score == 0
    assert [row.percent for row in result.recommend.groups] == [40.0, 20.0, 40.0]
    assert result.average == 6.7
    assert len(result.rows) == 11


def test_multiple_choice_counts_each_option_against_those_who_answered():
    survey = SurveyFactory()
    topics = SurveyQuestionFactory(
        survey=survey, kind=Kind.MULTIPLE, options=["Patents", "Trade marks", "Copyright"]
    )
    survey_response(survey, _respondent(survey), {topics: ["Patents", "Trade marks"]})
    survey_response(survey, _respondent(survey), {topics: ["Patents"]})
    survey_response(survey, _respondent(survey), {topics: ["Copyright", "Patents"]})
    survey_response(survey, _respondent(survey), {topics: []})  # chose nothing

    result = _result(survey_results(survey=survey), topics)

    assert result.answered == 3
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("Patents", 3, 100.0),
        ("Trade marks", 1, 33.3),
        ("Copyright", 1, 33.3),
    ]


def test_a_retired_option_stays_in_the_results_only_while_someone_chose_it():
    survey = SurveyFactory()
    topic = SurveyQuestionFactory(survey=survey, kind=Kind.CHOICE, options=["Old", "Unused", "New"])
    survey_response(survey, _respondent(survey), {topic: ["Old"]})
    topic.options.filter(label_en__in=["Old", "Unused"]).update(retired=True)

    result = _result(survey_results(survey=survey), topic)

    assert [row.label for row in result.rows] == ["Old (no longer offered)", "New"]


def test_yes_no_share_and_free_texts_newest_first():
    survey = SurveyFactory()
    met = SurveyQuestionFactory(survey=survey, kind=Kind.YES_NO)
    comments = SurveyQuestionFactory(survey=survey, kind=Kind.LONG_TEXT)
    survey_response(survey, _respondent(survey), {met: "yes", comments: "Great speakers"})
    survey_response(survey, _respondent(survey), {met: "yes", comments: ""})
    survey_response(survey, _respondent(survey), {met: "no", comments: "Too short"})

    results = survey_results(survey=survey)

    yes_no = _result(results, met)
    assert [(row.value, row.count, row.percent) for row in yes_no.rows] == [
        ("yes", 2, 66.7),
        ("no", 1, 33.3),
    ]
    assert yes_no.agree_percent == 67
    texts = _result(results, comments)
    assert (texts.answered, texts.texts, texts.texts_left_out) == (
        2,
        ["Too short", "Great speakers"],
        0,
    )


def test_only_the_latest_free_texts_are_listed_with_the_total():
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    comments = SurveyQuestionFactory(survey=survey, kind=Kind.SHORT_TEXT)
    for number in range(TEXTS_SHOWN + 3):
        survey_response(survey, _respondent(survey), {comments: f"Comment {number}"})

    result = _result(survey_results(survey=survey), comments)

    assert result.answered == TEXTS_SHOWN + 3
    assert len(result.texts) == TEXTS_SHOWN
    assert result.texts[0] == f"Comment {TEXTS_SHOWN + 2}"
    assert result.texts_left_out == 3


def test_response_rate_counts_anonymous_responses_against_those_asked():
    survey = SurveyFactory(anonymous=True, audience=Survey.Audience.ATTENDEES)
    rating = SurveyQuestionFactory(survey=survey)
    for _ in range(4):
        _respondent(survey)  # asked, did not answer
    RegistrationFactory(seminar=survey.seminar, attended=False)  # not asked
    for _ in range(5):
        survey_response(survey, _respondent(survey), {rating: 5})

    results = survey_results(survey=survey)

    assert (results.responses, results.audience, results.rate) == (5, 9, 55.6)
    assert not survey.responses.filter(registration__isnull=False).exists()


def test_filters_narrow_responses_and_audience_alike():
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey)
    survey_response(survey, _respondent(survey, participant_type=Type.SME), {rating: 5})
    survey_response(
        survey,
        _respondent(survey, participant_type=Type.GOVERNMENT, region=Region.MAINLAND),
        {rating: 1},
    )
    _respondent(survey, participant_type=Type.GOVERNMENT, region=Region.HONG_KONG)

    government = survey_results(survey=survey, participant_type=Type.GOVERNMENT)
    mainland = survey_results(survey=survey, region=Region.MAINLAND)
    both = survey_results(survey=survey, participant_type=Type.SME, region=Region.MAINLAND)

    assert (government.responses, government.audience) == (1, 2)
    assert _result(government, rating).average == 1
    assert (mainland.responses, mainland.audience, mainland.rate) == (1, 1, 100.0)
    assert (both.responses, _result(both, rating).answered) == (0, 0)
    assert _result(both, rating).average is None


def _survey_with_everything(responses: int) -> Survey:
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    kinds = [Kind.RATING, Kind.RECOMMEND, Kind.YES_NO, Kind.NUMBER, Kind.LONG_TEXT]
    questions = [SurveyQuestionFactory(survey=survey, kind=kind) for kind in kinds]
    choice = SurveyQuestionFactory(survey=survey, kind=Kind.MULTIPLE, options=["A", "B"])
    for number in range(responses):
        values = [number % 5 + 1, number % 11, "yes", str(number), f"Text {number}", ["A", "B"]]
        survey_response(
            survey, _respondent(survey), dict(zip([*questions, choice], values, strict=False))
        )
    return survey


@pytest.mark.parametrize("responses", [2, 30])
def test_results_take_the_same_queries_however_many_responses(responses, django_assert_num_queries):
    survey = _survey_with_everything(responses)

    # questions, options, answered, counted values, chosen options, texts, responses, audience
    with django_assert_num_queries(8):
        results = survey_results(survey=survey, region=Region.HONG_KONG)

    assert results.responses == responses


def test_headlines_quote_the_share_and_the_recommend_score_in_each_language():
    survey = SurveyFactory()
    useful = SurveyQuestionFactory(
        survey=survey,
        kind=Kind.RATING,
        headline_en="found the seminar useful",
        headline_zh_hant="認為研討會有用",
        headline_zh_hans="认为研讨会有用",
    )
    SurveyQuestionFactory(survey=survey, kind=Kind.RATING)  # no headline words: not quoted
    recommend = SurveyQuestionFactory(survey=survey, kind=Kind.RECOMMEND)
    for score in (5, 5, 4, 3, 4, 1, 5):
        survey_response(survey, _respondent(survey), {useful: score, recommend: score + 5})

    headlines = {}
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            headlines[language] = survey_headlines(survey=survey)

    # 5 of 7 rated 4 or 5: 71.4%; recommend 10,10,9,8,9,6,10: 5 promoters, 1 passive, 1 detractor
    assert headlines["en"] == [
        "71% found the seminar useful",
        "Recommend score: +57 (from 7 answers).",
    ]
    assert headlines["zh-hant"] == ["71%認為研討會有用", "淨推薦值：+57（共7個回答）。"]
    assert headlines["zh-hans"] == ["71%认为研讨会有用", "净推荐值：+57（共7个回答）。"]


def test_no_headline_without_answers():
    survey = SurveyFactory()
    SurveyQuestionFactory(survey=survey, kind=Kind.YES_NO, headline_en="would come again")

    assert survey_headlines(survey=survey) == []


# Small groups of an anonymous survey, and rounding once.


def _anonymous_with(groups: dict[tuple[str, str], int]) -> tuple[Survey, SurveyQuestion]:
    survey = SurveyFactory(anonymous=True)
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING, headline_en="found it useful")
    for (participant_type, region), count in groups.items():
        for _ in range(count):
            respondent = _respondent(survey, participant_type=participant_type, region=region)
            survey_response(survey, respondent, {rating: 5})
    return survey, rating


def test_an_anonymous_survey_filtered_down_to_one_person_gives_only_the_count():
    survey, _rating = _anonymous_with(
        {(Type.SME, Region.HONG_KONG): 6, (Type.ACADEMIC, Region.MAINLAND): 1}
    )

    one = survey_results(survey=survey, participant_type=Type.ACADEMIC, region=Region.MAINLAND)
    whole = survey_results(survey=survey)

    assert one.withheld and one.responses == 1 and one.questions == []
    assert "Fewer than 5 responses in this group" in one.withheld_reason
    assert not whole.withheld and whole.responses == 7


def test_an_anonymous_survey_with_four_responses_shows_no_figures_nor_headlines():
    survey, _rating = _anonymous_with({(Type.SME, Region.HONG_KONG): 4})

    assert survey_results(survey=survey).withheld
    assert survey_headlines(survey=survey) == []


def test_a_named_survey_filtered_to_one_person_shows_its_figures():
    survey = SurveyFactory(anonymous=False)
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING)
    survey_response(survey, _respondent(survey, participant_type=Type.ACADEMIC), {rating: 2})

    results = survey_results(survey=survey, participant_type=Type.ACADEMIC)

    assert not results.withheld and results.questions[0].average == 2


def test_shares_are_rounded_once_from_the_exact_counts():
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING, headline_en="found it useful")
    for number in range(94):  # 70 of 94 gave 4 or 5: 74.47%
        survey_response(survey, _respondent(survey), {rating: 5 if number < 70 else 2})

    result = _result(survey_results(survey=survey), rating)

    assert result.agree_percent == 74
    assert survey_headlines(survey=survey) == ["74% found it useful"]


def test_asked_zero_is_explained_when_the_registrations_were_anonymised():
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey)
    for _ in range(2):
        survey_response(survey, _respondent(survey), {rating: 4})
    Registration.objects.update(anonymised_at=timezone.now())

    results = survey_results(survey=survey)

    assert (results.responses, results.audience, results.audience_anonymised) == (2, 0, 2)
