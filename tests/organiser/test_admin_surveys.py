"""Organisers build a seminar's feedback survey in the admin: created from the usual evaluation
questions, refusals next to the field, answered questions and options kept; viewers read the
results only, check-in staff see nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import Survey, SurveyOption, SurveyQuestion
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS
from registrations.survey_rules import (
    SURVEY_ANONYMITY_ANSWERED,
    SURVEY_HEADLINE_KIND,
)
from seminar.models import Session
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SessionFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    survey_response,
)
from tests.hypothesis_budget import examples
from tests.organiser.test_admin_programme import posted_form
from tests.organiser.test_admin_questions import user_in
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind


@pytest.fixture
def organiser_client(client, django_user_model):
    client.force_login(user_in(django_user_model, ORGANISERS))
    return client


def survey_url(seminar) -> str:
    return reverse("admin:seminar_seminar_survey", kwargs={"seminar_id": seminar.pk})


def change_url(survey) -> str:
    return reverse("admin:registrations_survey_change", args=[survey.pk])


def question_url(question) -> str:
    return reverse("admin:registrations_surveyquestion_change", args=[question.pk])


def results_url(seminar) -> str:
    return reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": seminar.pk})


def answered(survey, question, value):
    registration = RegistrationFactory(seminar=survey.seminar, attended=True)
    return survey_response(survey, registration, {question: value})


def test_the_seminar_page_links_to_the_feedback_survey(organiser_client):
    seminar = SeminarFactory()

    page = organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))

    assert f'<a href="{survey_url(seminar)}">Feedback survey</a>' in page.content.decode()


def test_create_a_survey_from_the_usual_questions_in_three_languages(organiser_client):
    seminar = SeminarFactory()
    for title in ("Patents in the Greater Bay Area", "Trade marks online"):
        SessionFactory(seminar=seminar, kind=Session.Kind.TALK, title_en=title)
    SessionFactory(seminar=seminar, kind=Session.Kind.BREAK, title_en="Tea")
    start = organiser_client.get(survey_url(seminar))
    assert "The usual evaluation questions" in start.content.decode()

    response = organiser_client.post(survey_url(seminar), {"start": "usual"})

    survey = Survey.objects.get(seminar=seminar)
    assert response.url == change_url(survey)
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds == [Kind.RATING, Kind.CHOICE, Kind.MULTIPLE, Kind.RECOMMEND, Kind.LONG_TEXT]
    useful = survey.questions.get(kind=Kind.RATING)
    assert useful.headline_en == "found the seminar useful"
    assert all([useful.label_zh_hant, useful.label_zh_hans, useful.headline_zh_hans])
    topics = survey.questions.get(kind=Kind.CHOICE).options.values_list("label_en", flat=True)
    assert list(topics) == ["Patents in the Greater Bay Area", "Trade marks online"]
    assert organiser_client.get(survey_url(seminar)).url == change_url(survey)
    assert organiser_client.get(change_url(survey)).status_code == 200


def test_create_an_empty_survey(organiser_client):
    seminar = SeminarFactory()

    organiser_client.post(survey_url(seminar), {"start": "empty"})

    assert not Survey.objects.get(seminar=seminar).questions.exists()


def test_options_on_a_question_that_has_none_are_refused(organiser_client):
    question = SurveyQuestionFactory(kind=Kind.RATING)
    data = posted_form(organiser_client.get(question_url(question)))
    data.update({"options-TOTAL_FORMS": "1", "options-0-label_en": "Excellent"})

    response = organiser_client.post(question_url(question), data)

    assert "has no options to choose from" in response.content.decode()
    assert not SurveyOption.objects.exists()


def test_a_choice_question_without_options_is_refused(organiser_client):
    question = SurveyQuestionFactory(kind=Kind.MULTIPLE, options=["A"])
    data = posted_form(organiser_client.get(question_url(question)))
    data["options-0-DELETE"] = "on"

    response = organiser_client.post(question_url(question), data)

    assert "needs at least one option" in response.content.decode()
    assert question.options.count() == 1


def test_an_answered_option_is_retired_not_deleted(organiser_client):
    question = SurveyQuestionFactory(kind=Kind.CHOICE, options=["Chosen", "Other"])
    answered(question.survey, question, ["Chosen"])
    data = posted_form(organiser_client.get(question_url(question)))
    data["options-0-DELETE"] = "on"

    refused = organiser_client.post(question_url(question), data)
    del data["options-0-DELETE"]
    data["options-0-retired"] = "on"
    retired = organiser_client.post(question_url(question), data)

    assert "Tick “no longer offered” instead" in refused.content.decode()
    assert retired.status_code == 302
    assert question.options.get(label_en="Chosen").retired is True


def test_an_answered_question_cannot_be_deleted_nor_change_kind(organiser_client):
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING, label_en="How useful?")
    answered(survey, rating, 4)
    data = posted_form(organiser_client.get(change_url(survey)))

    deleted = organiser_client.post(change_url(survey), {**data, "questions-0-DELETE": "on"})
    changed = organiser_client.post(change_url(survey), {**data, "questions-0-kind": "recommend"})

    assert "“How useful?” cannot be deleted: 1 person answered it." in deleted.content.decode()
    assert "could not be read as would recommend" in changed.content.decode()
    rating.refresh_from_db()
    assert rating.kind == Kind.RATING
    assert organiser_client.get(question_url(rating)).content.decode().count("deletelink") == 0


def test_an_unanswered_question_is_deleted_and_a_new_one_added(organiser_client):
    survey = SurveyFactory()
    SurveyQuestionFactory(survey=survey, kind=Kind.RATING)
    data = posted_form(organiser_client.get(change_url(survey)))
    data.update(
        {
            "questions-0-DELETE": "on",
            "questions-TOTAL_FORMS": "2",
            "questions-1-kind": "yes_no",
            "questions-1-label_en": "Would you come again?",
            "questions-1-headline_en": "would come again",
            "questions-1-order": "1",
        }
    )

    response = organiser_client.post(change_url(survey), data)

    assert response.status_code == 302
    assert list(survey.questions.values_list("label_en", "kind")) == [
        ("Would you come again?", "yes_no")
    ]


def test_headline_words_only_where_the_summary_quotes_them(organiser_client):
    survey = SurveyFactory()
    SurveyQuestionFactory(survey=survey, kind=Kind.LONG_TEXT)
    data = posted_form(organiser_client.get(change_url(survey)))
    data["questions-0-headline_en"] = "liked it"

    response = organiser_client.post(change_url(survey), data)

    assert str(SURVEY_HEADLINE_KIND)[:40] in response.content.decode()


def test_anonymity_is_fixed_once_someone_answered(organiser_client):
    survey = SurveyFactory(anonymous=True)
    answered(survey, SurveyQuestionFactory(survey=survey), 5)
    data = posted_form(organiser_client.get(change_url(survey)))
    data.pop("anonymous")

    response = organiser_client.post(change_url(survey), data)

    assert str(SURVEY_ANONYMITY_ANSWERED)[:40] in response.content.decode()
    survey.refresh_from_db()
    assert survey.anonymous is True


def test_a_survey_with_responses_cannot_be_deleted(organiser_client):
    survey = SurveyFactory()
    answered(survey, SurveyQuestionFactory(survey=survey), 5)

    response = organiser_client.post(
        reverse("admin:registrations_survey_delete", args=[survey.pk]), {"post": "yes"}
    )

    assert response.url == change_url(survey)
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_viewers_read_the_results_but_not_the_builder(client, django_user_model):
    survey = SurveyFactory()
    client.force_login(user_in(django_user_model, VIEWERS, "viewer"))

    assert client.get(results_url(survey.seminar)).status_code == 200
    assert client.get(survey_url(survey.seminar)).status_code == 403
    assert client.get(change_url(survey)).status_code == 403
    assert client.post(survey_url(SeminarFactory()), {"start": "usual"}).status_code == 403
    export = reverse(
        "admin:seminar_seminar_survey_export",
        kwargs={"seminar_id": survey.seminar.pk, "file_format": "csv"},
    )
    assert client.get(export).status_code == 403


def test_check_in_staff_see_nothing_of_the_survey(client, django_user_model):
    survey = SurveyFactory()
    client.force_login(user_in(django_user_model, CHECK_IN_STAFF, "door"))

    for url in (
        results_url(survey.seminar),
        survey_url(survey.seminar),
        change_url(survey),
        reverse("admin:seminar_seminar_survey_print", kwargs={"seminar_id": survey.seminar.pk}),
    ):
        assert client.get(url).status_code == 403, url


text = st.text(max_size=30)
question_posts = st.fixed_dictionaries(
    {
        "questions-0-kind": st.sampled_from([*Kind.values, "", "stars"]),
        "questions-0-label_en": text,
        "questions-0-headline_en": st.sampled_from(["", "liked it", " "]),
        "questions-0-order": st.sampled_from(["0", "3", "-1", "x", ""]),
        "questions-0-DELETE": st.sampled_from(["on", ""]),
        "questions-1-kind": st.sampled_from(["choice", "rating", "bogus"]),
        "questions-1-label_en": text,
        "anonymous": st.sampled_from(["on", ""]),
        "ready": st.sampled_from(["on", ""]),
        "opens_at_0": st.sampled_from(["", "2026-01-01", "2030-01-01", "not a date"]),
        "opens_at_1": st.sampled_from(["", "10:00", "25:00"]),
        "closes_at_0": st.sampled_from(["", "2025-01-01", "2027-01-01"]),
        "closes_at_1": st.sampled_from(["", "09:00"]),
        "audience": st.sampled_from(["attendees", "confirmed", "everyone"]),
    }
)


@settings(max_examples=examples(60), **PROPERTY_SETTINGS)
@given(changes=question_posts)
def test_the_survey_page_never_errors_or_loses_answers(organiser_client, changes):
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    rating = SurveyQuestionFactory(survey=survey, kind=Kind.RATING)
    answered(survey, rating, 4)
    data = posted_form(organiser_client.get(change_url(survey)))
    data["questions-TOTAL_FORMS"] = "2"
    data.update(changes)

    response = organiser_client.post(change_url(survey), data)

    assert response.status_code in (200, 302)
    rating.refresh_from_db()
    assert rating.kind == Kind.RATING and rating.answers.count() == 1
    survey.refresh_from_db()
    assert survey.effective_closes_at > survey.effective_opens_at  # whatever was typed


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(
    option=st.sampled_from(["", "A", "x" * 400]),
    kind=st.sampled_from([Kind.CHOICE, Kind.RATING, "nonsense"]),
    delete=st.sampled_from(["on", ""]),
    retired=st.sampled_from(["on", ""]),
)
def test_the_question_page_never_errors(organiser_client, option, kind, delete, retired):
    question = SurveyQuestionFactory(kind=Kind.CHOICE, options=["Chosen"])
    answered(question.survey, question, ["Chosen"])
    data = posted_form(organiser_client.get(question_url(question)))
    data.update({"kind": kind, "options-0-DELETE": delete, "options-0-retired": retired})
    data.update({"options-TOTAL_FORMS": "2", "options-1-label_en": option})

    response = organiser_client.post(question_url(question), data)

    assert response.status_code in (200, 302)
    assert question.options.filter(label_en="Chosen").exists()


@settings(max_examples=examples(60), **PROPERTY_SETTINGS)
@given(
    params=st.dictionaries(
        st.sampled_from(["participant_type", "region", "other"]),
        st.one_of(st.sampled_from(["sme", "macao", "", "government"]), st.text(max_size=20)),
    )
)
def test_the_results_filters_never_error(organiser_client, params):
    survey = SurveyFactory()
    answered(survey, SurveyQuestionFactory(survey=survey), 3)

    response = organiser_client.get(results_url(survey.seminar), params)

    assert response.status_code == 200
    assert response.context["results"].responses in (0, 1)


# After the review: ready, effective times, kinds that would hide or cut answers, notices.


def test_a_survey_from_the_usual_questions_starts_not_ready_and_says_to_tick_ready(
    organiser_client,
):
    seminar = SeminarFactory()

    response = organiser_client.post(survey_url(seminar), {"start": "usual"}, follow=True)

    survey = Survey.objects.get(seminar=seminar)
    assert survey.ready is False
    assert "then tick “Ready” and save" in response.content.decode()
    labels = survey.questions.values_list("label_en", "label_zh_hant", "label_zh_hans")
    assert not any("（" in text or "(" in text for label in labels for text in label)


def test_opening_after_the_default_close_is_refused_next_to_the_opening(organiser_client):
    survey = SurveyFactory()
    ends = survey.seminar.ends_at
    data = posted_form(organiser_client.get(change_url(survey)))
    opens = timezone.localtime(ends + timedelta(days=20))
    data.update({"opens_at_0": opens.strftime("%Y-%m-%d"), "opens_at_1": opens.strftime("%H:%M")})

    response = organiser_client.post(change_url(survey), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The survey would close" in page and "before it opens" in page
    assert page.index("The survey would close") < page.index('name="opens_at_0"')
    survey.refresh_from_db()
    assert survey.opens_at is None


def test_a_choice_question_with_options_cannot_become_long_text(organiser_client):
    survey = SurveyFactory()
    SurveyQuestionFactory(survey=survey, kind=Kind.CHOICE, options=["A", "B"])
    data = posted_form(organiser_client.get(change_url(survey)))

    response = organiser_client.post(change_url(survey), {**data, "questions-0-kind": "long_text"})

    assert "This question has options (2)" in response.content.decode()
    assert survey.questions.get().kind == Kind.CHOICE


def test_long_text_cannot_become_short_text_when_an_answer_is_too_long(organiser_client):
    survey = SurveyFactory()
    comments = SurveyQuestionFactory(survey=survey, kind=Kind.LONG_TEXT)
    answered(survey, comments, "x" * 600)
    answered(survey, comments, "Short.")
    data = posted_form(organiser_client.get(change_url(survey)))

    response = organiser_client.post(change_url(survey), {**data, "questions-0-kind": "text"})

    assert "(500 characters): 1." in response.content.decode()
    assert survey.questions.get().kind == Kind.LONG_TEXT


def test_saving_a_choice_question_without_options_warns_with_a_link(organiser_client):
    survey = SurveyFactory()
    question = SurveyQuestionFactory(survey=survey, kind=Kind.CHOICE, label_en="Which venue?")
    data = posted_form(organiser_client.get(change_url(survey)))

    response = organiser_client.post(change_url(survey), data, follow=True)

    page = response.content.decode()
    assert "“Which venue?” has no options yet: it is not asked until it has one." in page
    assert f'<a href="{question_url(question)}">Add them on its page.</a>' in page


def test_opening_before_the_end_says_the_invitations_wait(organiser_client):
    survey = SurveyFactory()
    data = posted_form(organiser_client.get(change_url(survey)))
    opens = timezone.localtime(survey.seminar.starts_at)
    data.update({"opens_at_0": opens.strftime("%Y-%m-%d"), "opens_at_1": opens.strftime("%H:%M")})

    page = organiser_client.post(change_url(survey), data, follow=True).content.decode()

    assert "the invitations are emailed only once it has ended" in page


def test_the_survey_list_shows_the_effective_times(organiser_client):
    survey = SurveyFactory()

    page = organiser_client.get(reverse("admin:registrations_survey_changelist")).content.decode()

    closes = timezone.localtime(survey.effective_closes_at).strftime("%H:%M")
    assert '<td class="field-opens">-</td>' not in page
    assert closes in page and "field-closes" in page
