"""The registrant's feedback survey: only the person the survey asks, only while it is open, one
response each (anonymous ones too), changeable until the close when it keeps names, final when
anonymous; the scores stored as numbers; a forged or retired option refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from registrations.editions import seminar_edition_copy
from registrations.errors import RegistrationError
from registrations.models import (
    Registration,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from registrations.surveys import (
    SURVEY_ANONYMOUS_SENT,
    SURVEY_CLOSED,
    SURVEY_NOT_ASKED,
    SURVEY_NOT_YET_OPEN,
    SurveyStage,
    survey_response_submit,
    survey_state,
)
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SurveyQuestionFactory
from tests.registrations.survey_helpers import (
    attendee,
    open_survey,
    past_seminar,
    posted,
    questions,
)

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind


def survey_url(registration: Registration) -> str:
    return reverse("registrations:survey", kwargs={"token": registration.token})


def answers_for(survey, **changes):
    by_kind = questions(survey)
    answers = {
        by_kind[Kind.RATING]: "5",
        by_kind[Kind.RECOMMEND]: "10",
        by_kind[Kind.CHOICE]: [by_kind[Kind.CHOICE].options.last()],
        by_kind[Kind.MULTIPLE]: list(by_kind[Kind.MULTIPLE].options.all()),
        by_kind[Kind.LONG_TEXT]: "Great speakers.",
    }
    answers.update({by_kind[kind]: value for kind, value in changes.items()})
    return answers


# Who may answer, and when.


def test_attendee_sees_the_form_with_intro_closing_time_and_private_headers(client):
    survey = open_survey()
    registration = attendee(survey)

    response = client.get(survey_url(registration))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tell us what you thought: it takes two minutes." in page
    assert "Please answer by" in page and "HKT" in page
    assert "How useful was it?" in page and "Would you recommend it?" in page
    assert "(Poor)" in page and "(Extremely likely)" in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"


def test_unknown_token_is_a_404(client):
    open_survey()

    response = client.get(reverse("registrations:survey", kwargs={"token": "x" * 43}))

    assert response.status_code == 404


def test_a_token_opens_only_its_own_registrants_survey(client):
    survey = open_survey()
    mine = attendee(survey, name_en="CHAN Mine")
    other_survey = open_survey()
    other = attendee(other_survey, name_en="LEE Other")

    page = client.get(survey_url(mine)).content.decode()

    assert survey.seminar.title in page
    assert other_survey.seminar.title not in page
    assert "LEE Other" not in page and other.email not in page


def test_confirmed_registrant_who_did_not_attend_is_told_why_and_cannot_post(client):
    survey = open_survey()
    absent = RegistrationFactory(seminar=survey.seminar)

    page = client.get(survey_url(absent)).content.decode()
    posted_response = client.post(survey_url(absent), posted(survey), follow=True)

    assert "our records do not show you as attending" in page
    assert "<form" not in page.split("<main", 1)[1]
    assert str(SURVEY_NOT_ASKED) in posted_response.content.decode()
    assert not SurveyParticipation.objects.exists()


def test_audience_of_all_confirmed_asks_those_who_did_not_attend(client):
    survey = open_survey(audience="confirmed")
    absent = RegistrationFactory(seminar=survey.seminar)

    client.post(survey_url(absent), posted(survey))

    assert SurveyResponse.objects.filter(registration=absent).exists()


def test_cancelled_registration_has_no_survey(client):
    survey = open_survey()
    cancelled = attendee(survey, status=Registration.Status.CANCELLED)

    page = client.get(survey_url(cancelled)).content.decode()

    assert "This registration was cancelled, so there is no survey to answer." in page
    with pytest.raises(RegistrationError) as refused:
        survey_response_submit(survey=survey, registration=cancelled, answers=answers_for(survey))
    assert refused.value.message == SURVEY_NOT_ASKED


def test_survey_before_it_opens_says_when(client):
    survey = open_survey(opens_at=timezone.now() + timedelta(days=2))
    registration = attendee(survey)

    page = client.get(survey_url(registration)).content.decode()

    assert "The survey opens on" in page
    with pytest.raises(RegistrationError) as refused:
        survey_response_submit(
            survey=survey, registration=registration, answers=answers_for(survey)
        )
    assert refused.value.message == SURVEY_NOT_YET_OPEN


def test_survey_after_it_closes_refuses_answers_and_thanks_those_who_answered(client):
    survey = open_survey()
    registration = attendee(survey)
    survey_response_submit(survey=survey, registration=registration, answers=answers_for(survey))
    late = attendee(survey)
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()

    answered_page = client.get(survey_url(registration)).content.decode()
    late_page = client.post(survey_url(late), posted(survey), follow=True).content.decode()

    assert "The survey closed on" in answered_page
    assert "Thank you, you answered on" in answered_page
    assert str(SURVEY_CLOSED) in late_page
    assert not SurveyParticipation.objects.filter(registration=late).exists()


def test_survey_of_a_cancelled_seminar_asks_nobody():
    survey = open_survey(audience="confirmed")
    registration = attendee(survey)
    Seminar.objects.filter(pk=survey.seminar_id).update(status=Seminar.Status.CANCELLED)
    survey.seminar.refresh_from_db()

    state = survey_state(survey=survey, registration=registration, now=timezone.now())

    assert state.stage == SurveyStage.NOT_ASKED


def test_seminar_without_a_survey_is_a_clear_404(client):
    registration = RegistrationFactory(seminar=past_seminar())

    response = client.get(survey_url(registration))

    assert response.status_code == 404
    assert "This seminar has no feedback survey." in response.content.decode()


# Answering: one response each.


def test_post_stores_one_response_with_scores_and_copies_the_registrants_figures(client):
    survey = open_survey()
    registration = attendee(
        survey,
        participant_type=Registration.ParticipantType.IP_PRACTITIONER,
        region=Registration.Region.MAINLAND,
        preferred_language="zh-hans",
    )

    response = client.post(survey_url(registration), posted(survey))

    assert response.status_code == 302 and response["Location"] == survey_url(registration)
    stored = SurveyResponse.objects.get()
    assert stored.registration == registration
    assert (stored.participant_type, stored.region, stored.language) == (
        "ip_practitioner",
        "mainland",
        "zh-hans",
    )
    assert stored.submitted_on == timezone.localdate()
    by_kind = questions(survey)
    scores = dict(stored.answers.values_list("question__kind", "score"))
    assert scores[Kind.RATING] == 4 and scores[Kind.RECOMMEND] == 9
    assert scores[Kind.LONG_TEXT] is None
    multiple = stored.answers.get(question=by_kind[Kind.MULTIPLE])
    assert multiple.options.count() == 2
    thanks = client.get(survey_url(registration)).content.decode()
    assert "Thank you for your feedback" in thanks
    assert thanks.count("alert-success") == 1  # one thank-you, not two saying the same


def test_answering_again_shows_earlier_answers_and_replaces_them(client):
    survey = open_survey()
    registration = attendee(survey)
    client.post(survey_url(registration), posted(survey))
    by_kind = questions(survey)
    rating = f"question_{by_kind[Kind.RATING].pk}"

    change_page = client.get(survey_url(registration) + "?change").content.decode()
    client.post(survey_url(registration), posted(survey, **{rating: "2"}))

    assert f'name="{rating}" id="id_{rating}_3" value="4" checked' in change_page
    assert "Very practical, thank you." in change_page
    assert SurveyResponse.objects.count() == 1
    assert SurveyParticipation.objects.count() == 1
    assert SurveyAnswer.objects.get(question=by_kind[Kind.RATING]).score == 2
    assert SurveyAnswer.objects.filter(question=by_kind[Kind.LONG_TEXT]).count() == 1


def test_anonymous_response_keeps_no_link_and_is_final(client):
    survey = open_survey(anonymous=True)
    registration = attendee(survey)

    page = client.get(survey_url(registration)).content.decode()
    client.post(survey_url(registration), posted(survey))
    again = client.post(survey_url(registration), posted(survey), follow=True)

    assert "your answers are not linked to you and cannot be changed once sent" in page
    stored = SurveyResponse.objects.get()
    assert stored.registration is None
    assert stored.participant_type == registration.participant_type
    assert SurveyParticipation.objects.filter(registration=registration).count() == 1
    assert str(SURVEY_ANONYMOUS_SENT) in again.content.decode()
    assert "?change" not in again.content.decode()
    with pytest.raises(RegistrationError) as refused:
        survey_response_submit(
            survey=survey, registration=registration, answers=answers_for(survey)
        )
    assert refused.value.message == SURVEY_ANONYMOUS_SENT
    assert SurveyResponse.objects.count() == 1


def test_anonymous_responses_of_two_people_cannot_be_told_apart_by_key_or_time():
    survey = open_survey(anonymous=True)
    first, second = attendee(survey), attendee(survey)

    survey_response_submit(survey=survey, registration=first, answers=answers_for(survey))
    survey_response_submit(survey=survey, registration=second, answers=answers_for(survey))

    responses = list(SurveyResponse.objects.all())
    assert len(responses) == 2
    assert {response.registration for response in responses} == {None}
    assert {response.submitted_on for response in responses} == {timezone.localdate()}


def test_required_question_left_out_gets_a_message_next_to_it_and_keeps_the_rest(client):
    survey = open_survey()
    registration = attendee(survey)
    rating = f"question_{questions(survey)[Kind.RATING].pk}"
    data = posted(survey)
    del data[rating]

    response = client.post(survey_url(registration), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{rating}_error"' in page
    assert "Very practical, thank you." in page
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "-1", "4.5", "five"])
def test_rating_outside_one_to_five_is_refused_by_form_and_service(client, score):
    survey = open_survey()
    registration = attendee(survey)
    rating = f"question_{questions(survey)[Kind.RATING].pk}"

    response = client.post(survey_url(registration), posted(survey, **{rating: score}))

    assert response.status_code == 200
    assert f'id="id_{rating}_error"' in response.content.decode()
    with pytest.raises(RegistrationError) as refused:
        survey_response_submit(
            survey=survey, registration=registration, answers=answers_for(survey, rating=score)
        )
    assert refused.value.field == rating
    assert not SurveyResponse.objects.exists()


def test_forged_or_retired_option_is_refused(client):
    survey = open_survey()
    registration = attendee(survey)
    choice = questions(survey)[Kind.CHOICE]
    retired = choice.options.first()
    retired.retired = True
    retired.save()
    other_survey = open_survey()
    foreign = questions(other_survey)[Kind.CHOICE].options.first()
    name = f"question_{choice.pk}"

    page = client.get(survey_url(registration)).content.decode()
    for forged in (str(retired.pk), str(foreign.pk), "999999"):
        response = client.post(survey_url(registration), posted(survey, **{name: forged}))
        assert "That choice is no longer offered. Please choose again." in (
            response.content.decode()
        )

    assert "Patents" not in page and "Brands" in page
    with pytest.raises(RegistrationError):
        survey_response_submit(
            survey=survey, registration=registration, answers=answers_for(survey, choice=[foreign])
        )
    assert not SurveyResponse.objects.exists()


def test_answer_to_another_surveys_question_is_refused():
    survey = open_survey()
    registration = attendee(survey)
    stray = SurveyQuestionFactory(kind=Kind.LONG_TEXT)

    with pytest.raises(RegistrationError):
        survey_response_submit(survey=survey, registration=registration, answers={stray: "Hello"})

    assert not SurveyParticipation.objects.exists()


def test_empty_optional_answers_are_not_stored():
    survey = open_survey()
    registration = attendee(survey)
    answers = answers_for(survey, recommend="", choice=[], multiple=[], long_text="  ")

    response = survey_response_submit(survey=survey, registration=registration, answers=answers)

    assert list(response.answers.values_list("question__kind", flat=True)) == [Kind.RATING]


# The registrant's own page.


def test_private_page_invites_while_open_then_thanks(client):
    survey = open_survey()
    registration = attendee(survey)
    manage = reverse("registrations:manage", kwargs={"token": registration.token})

    before = client.get(manage).content.decode()
    survey_response_submit(survey=survey, registration=registration, answers=answers_for(survey))
    after = client.get(manage).content.decode()

    assert "Tell us what you thought of the seminar." in before and "Answer by" in before
    assert survey_url(registration) in before
    assert "Thank you, you answered on" in after
    assert "Answer the survey" not in after


def test_private_page_says_nothing_of_a_survey_that_does_not_ask_the_registrant(client):
    survey = open_survey()
    absent = RegistrationFactory(seminar=survey.seminar)

    page = client.get(reverse("registrations:manage", kwargs={"token": absent.token}))

    assert "Feedback survey" not in page.content.decode()


def test_survey_page_queries_do_not_grow_with_questions(client, django_assert_max_num_queries):
    survey = open_survey()
    registration = attendee(survey)
    for number in range(20):
        SurveyQuestionFactory(survey=survey, kind=Kind.CHOICE, options=[f"A{number}", "B"])
    client.get(survey_url(registration))  # sessions, translations warmed

    with django_assert_max_num_queries(10):
        client.get(survey_url(registration))


# After the review: not ready, the words of refusals, a post after the close, empty questions.


def test_a_survey_not_marked_ready_is_not_open_to_anyone_whatever_the_time(client):
    survey = open_survey(ready=False)
    registration = attendee(survey)

    page = client.get(survey_url(registration)).content.decode()
    state = survey_state(survey=survey, registration=registration, now=timezone.now())

    assert state.stage == SurveyStage.NOT_YET_OPEN and state.opens_at is None
    assert "The survey is not open yet. Please come back later." in page
    assert "<form" not in page.split("</h1>", 1)[1]
    assert (
        "survey-card"
        not in client.get(
            reverse("registrations:manage", kwargs={"token": registration.token})
        ).content.decode()
    )
    with pytest.raises(RegistrationError) as refused:
        survey_response_submit(
            survey=survey, registration=registration, answers=answers_for(survey)
        )
    assert refused.value.message == SURVEY_NOT_YET_OPEN


@pytest.mark.parametrize(
    ("kind", "score", "words"),
    [(Kind.RATING, "6", "Choose a number from 1 to 5."), (Kind.RECOMMEND, "11", "from 0 to 10.")],
)
def test_a_forged_score_says_which_numbers_the_scale_has(client, kind, score, words):
    survey = open_survey()
    registration = attendee(survey)
    name = f"question_{questions(survey)[kind].pk}"

    page = client.post(survey_url(registration), posted(survey, **{name: score}))

    assert words in page.content.decode()
    assert "no longer offered" not in page.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_an_answer_over_the_limit_is_refused_in_our_words_with_its_length(client, language):
    survey = open_survey()
    registration = attendee(survey)
    comments = f"question_{questions(survey)[Kind.LONG_TEXT].pk}"
    expected = {
        "en": "Please shorten your answer to at most 5000 characters (it has 5003).",
        "zh-hant": "5000",
        "zh-hans": "5000",
    }[language]

    with translation.override(language):
        url = survey_url(registration)
    page = client.post(url, posted(survey, **{comments: "x" * 5003})).content.decode()

    assert expected in page and "5003" in page
    assert "確保" not in page and "确保" not in page and "Ensure this value" not in page
    assert not SurveyResponse.objects.exists()


def test_a_post_after_the_close_says_it_was_not_saved_and_shows_what_was_typed(client):
    survey = open_survey()
    registration = attendee(survey)
    data = posted(survey)
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()

    response = client.post(survey_url(registration), data)
    page = response.content.decode()

    assert response.status_code == 200  # the page itself, not a redirect losing the answers
    assert "Your answers were not saved" in page
    assert str(SURVEY_CLOSED) in page
    assert "Very practical, thank you." in page  # shown back, read only
    assert "Patents" in page  # a chosen option by its label
    assert "<textarea" not in page
    assert not SurveyResponse.objects.exists()


def test_changing_answers_says_the_changes_are_saved(client):
    survey = open_survey()
    registration = attendee(survey)
    client.post(survey_url(registration), posted(survey))

    changed = client.post(survey_url(registration), posted(survey), follow=True)
    page = changed.content.decode()

    assert "Your changes are saved" in page
    assert "Thank you for your feedback" not in page
    assert page.count("alert-success") == 1


def test_a_choice_question_with_no_option_on_offer_is_not_asked(client):
    survey = open_survey()
    empty = SurveyQuestionFactory(survey=survey, kind=Kind.DROPDOWN, label_en="Which venue?")
    retired = SurveyQuestionFactory(
        survey=survey, kind=Kind.DROPDOWN, label_en="Which format?", options=["Online"]
    )
    retired.options.update(retired=True)
    registration = attendee(survey)

    page = client.get(survey_url(registration)).content.decode()

    assert "Which venue?" not in page and "Which format?" not in page
    assert "Best topic?" in page
    survey_response_submit(survey=survey, registration=registration, answers=answers_for(survey))
    assert SurveyResponse.objects.count() == 1
    assert not SurveyAnswer.objects.filter(question__in=[empty, retired]).exists()


def test_next_years_edition_copies_the_survey_as_not_ready():
    survey = open_survey()

    copied = seminar_edition_copy(
        source=survey.seminar,
        starts_at=survey.seminar.starts_at + timedelta(days=365),
        slug="next-year",
    )

    assert survey.ready
    assert copied.seminar.survey.ready is False
