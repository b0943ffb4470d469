"""The raw survey responses as organisers download them, read back: one row per response, the
answers under their question, names only when the survey is not anonymous, the download in the
audit log; and the results page and one-page summary showing the hand-counted figures."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from registrations.models import AuditEntry, Registration, SurveyQuestion
from registrations.permissions import ORGANISERS, VIEWERS
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    survey_response,
)
from tests.organiser.test_admin_questions import user_in

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind


@pytest.fixture
def organiser_client(client, django_user_model):
    client.force_login(user_in(django_user_model, ORGANISERS))
    return client


def export(client, survey, file_format: str, **params):
    url = reverse(
        "admin:seminar_seminar_survey_export",
        kwargs={"seminar_id": survey.seminar_id, "file_format": file_format},
    )
    response = client.get(url, params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = [["" if cell is None else cell for cell in row] for row in sheet.values]
    # XLSX leaves out empty cells at a row's end; a spreadsheet shows them empty all the same.
    return [row + [""] * (len(rows[0]) - len(row)) for row in rows]


def two_responses(anonymous: bool):
    survey = SurveyFactory(anonymous=anonymous, seminar=SeminarFactory(slug="ip-2026"))
    useful = SurveyQuestionFactory(survey=survey, kind=Kind.RATING, label_en="How useful?")
    topics = SurveyQuestionFactory(
        survey=survey, kind=Kind.MULTIPLE, label_en="Topics?", options=["Patents", "Copyright"]
    )
    met = SurveyQuestionFactory(survey=survey, kind=Kind.YES_NO, label_en="Met expectations?")
    comments = SurveyQuestionFactory(survey=survey, kind=Kind.LONG_TEXT, label_en="Comments")
    chan = RegistrationFactory(
        seminar=survey.seminar,
        name_en="CHAN Tai Man",
        email="chan@example.com",
        participant_type=Registration.ParticipantType.SME,
        region=Registration.Region.HONG_KONG,
        preferred_language="zh-hant",
    )
    li = RegistrationFactory(
        seminar=survey.seminar,
        name_en="LI Ming",
        email="li@example.com",
        participant_type=Registration.ParticipantType.GOVERNMENT,
        region=Registration.Region.MAINLAND,
    )
    survey_response(
        survey,
        chan,
        {useful: 5, topics: ["Copyright", "Patents"], met: "yes", comments: "=SUM(A1)"},
    )
    survey_response(survey, li, {useful: 3, met: "no"})
    return survey


def more_responses(survey, count: int, **fields) -> None:
    """`count` more respondents (SME representatives in Hong Kong unless told) rating it 4."""
    fields.setdefault("participant_type", Registration.ParticipantType.SME)
    fields.setdefault("region", Registration.Region.HONG_KONG)
    useful = survey.questions.get(kind=Kind.RATING)
    for _ in range(count):
        registration = RegistrationFactory(seminar=survey.seminar, attended=True, **fields)
        survey_response(survey, registration, {useful: 4})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_named_responses_read_back_with_names_and_answers(organiser_client, file_format):
    survey = two_responses(anonymous=False)

    rows = export(organiser_client, survey, file_format)

    assert rows[0] == [
        "Answered on",
        "Participant type",
        "Region",
        "Language",
        "Name (survey not anonymous)",
        "Email (survey not anonymous)",
        "How useful?",
        "Topics?",
        "Met expectations?",
        "Comments",
    ]
    by_email = {row[5]: row[6:] for row in rows[1:]}
    comment = "'=SUM(A1)" if file_format == "csv" else "=SUM(A1)"
    useful = "5" if file_format == "csv" else 5
    assert by_email["chan@example.com"][1:] == ["Patents; Copyright", "Yes", comment]
    assert str(by_email["chan@example.com"][0]) == str(useful)
    assert by_email["li@example.com"][1:] == ["", "No", ""]
    assert {tuple(row[1:3]) for row in rows[1:]} == {
        ("SME representative", "Hong Kong"),
        ("Government official", "Mainland China"),
    }
    assert len(rows) == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_anonymous_responses_carry_no_names(organiser_client, file_format):
    survey = two_responses(anonymous=True)
    more_responses(survey, 3)

    rows = export(organiser_client, survey, file_format)

    assert rows[0][:5] == ["Answered on", "Participant type", "Region", "Language", "How useful?"]
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "CHAN" not in flat and "example.com" not in flat
    assert len(rows) == 6


def test_the_export_follows_the_filters_and_is_audit_logged(organiser_client):
    survey = two_responses(anonymous=False)

    rows = export(organiser_client, survey, "csv", region="mainland")

    assert [row[2] for row in rows[1:]] == ["Mainland China"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert entry.seminar == survey.seminar
    assert entry.details["rows"] == 1
    assert entry.details["exported"] == "feedback survey responses"


def test_the_export_takes_the_same_queries_however_many_responses(
    organiser_client, django_assert_max_num_queries
):
    survey = two_responses(anonymous=False)
    survey.seminar.capacity = None
    survey.seminar.save()
    url = reverse(
        "admin:seminar_seminar_survey_export",
        kwargs={"seminar_id": survey.seminar_id, "file_format": "csv"},
    )
    with django_assert_max_num_queries(30) as few:
        b"".join(organiser_client.get(url).streaming_content)
    for _ in range(20):
        registration = RegistrationFactory(seminar=survey.seminar)
        survey_response(survey, registration, {survey.questions.first(): 4})

    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(organiser_client.get(url).streaming_content)


def test_the_results_page_shows_the_hand_counted_figures(organiser_client):
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    useful = SurveyQuestionFactory(
        survey=survey, kind=Kind.RATING, label_en="How useful?", headline_en="found it useful"
    )
    for score in (5, 5, 4, 3, 4, 1, 5):
        registration = RegistrationFactory(seminar=survey.seminar, attended=True)
        survey_response(survey, registration, {useful: score})
    for _ in range(3):
        RegistrationFactory(seminar=survey.seminar, attended=True)  # asked, did not answer

    response = organiser_client.get(
        reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": survey.seminar_id})
    )
    page = response.content.decode()

    assert '<dd data-figure="responses">7</dd>' in page
    assert '<dd data-figure="rate">70.0%</dd>' in page
    assert "<strong data-average>3.9</strong>" in page
    assert '<tr data-value="5"><th scope="row">5</th><td>3</td><td>42.9%</td></tr>' in page
    assert "<li>71% found it useful</li>" in page
    assert '<svg class="share-chart"' in page


@pytest.mark.parametrize("responses", [3, 25])
def test_the_results_page_takes_the_same_queries_at_two_sizes(
    organiser_client, django_assert_num_queries, responses
):
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    questions = [
        SurveyQuestionFactory(survey=survey, kind=kind)
        for kind in (Kind.RATING, Kind.RECOMMEND, Kind.YES_NO, Kind.LONG_TEXT)
    ]
    for number in range(responses):
        registration = RegistrationFactory(seminar=survey.seminar, attended=True)
        values = [number % 5 + 1, number % 11, "yes", f"Comment {number}"]
        survey_response(survey, registration, dict(zip(questions, values, strict=True)))
    url = reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": survey.seminar_id})
    organiser_client.get(url)  # the session and permissions cached, as on any later visit

    # The admin's own (session, user, permissions, sidebar), the seminar and survey, and the
    # results' eight; the headlines reuse the results. The same at both sizes.
    with django_assert_num_queries(QUERIES_RESULTS_PAGE):
        response = organiser_client.get(url, {"participant_type": "sme"})

    assert response.context["results"].responses == responses


QUERIES_RESULTS_PAGE = 15


def test_the_printable_summary_quotes_the_rate_and_headlines(organiser_client):
    survey = SurveyFactory()
    useful = SurveyQuestionFactory(survey=survey, headline_en="found it useful")
    survey_response(survey, RegistrationFactory(seminar=survey.seminar, attended=True), {useful: 4})

    page = organiser_client.get(
        reverse("admin:seminar_seminar_survey_print", kwargs={"seminar_id": survey.seminar_id})
    ).content.decode()

    assert "Feedback survey: 1 response from 1 asked (100.0%)." in page
    assert "<li>100% found it useful</li>" in page
    assert "@page" not in page  # the print rules are in the stylesheet


def test_the_post_event_summary_quotes_the_survey_headlines(organiser_client):
    survey = SurveyFactory()
    useful = SurveyQuestionFactory(survey=survey, headline_en="found the seminar useful")
    for score in (5, 4, 2):
        registration = RegistrationFactory(seminar=survey.seminar, attended=True)
        survey_response(survey, registration, {useful: score})

    page = organiser_client.get(
        reverse("admin:seminar_seminar_summary", kwargs={"seminar_id": survey.seminar_id})
    ).content.decode()

    assert "<li>67% found the seminar useful</li>" in page


# An anonymous survey's small groups: the page, the summary and the exports.


def results_page(client, survey, **params):
    url = reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": survey.seminar_id})
    return client.get(url, params)


def print_page(client, survey, **params):
    url = reverse("admin:seminar_seminar_survey_print", kwargs={"seminar_id": survey.seminar_id})
    return client.get(url, params)


def anonymous_with_one_academic():
    """Six SME representatives in Hong Kong, and one academic from the Mainland who commented."""
    survey = two_responses(anonymous=True)  # an SME in Hong Kong, a government official
    more_responses(survey, 5)
    more_responses(
        survey,
        1,
        participant_type=Registration.ParticipantType.ACADEMIC,
        region=Registration.Region.MAINLAND,
    )
    return survey


@pytest.mark.parametrize("group", [ORGANISERS, VIEWERS])
def test_filtering_an_anonymous_survey_to_one_person_shows_only_the_count(
    client, django_user_model, group
):
    client.force_login(user_in(django_user_model, group))
    survey = anonymous_with_one_academic()

    page = results_page(client, survey, participant_type="academic", region="mainland")
    html = page.content.decode()

    assert '<dd data-figure="responses">1</dd>' in html
    assert "Fewer than 5 responses in this group: figures are not shown" in html
    assert 'data-figure="audience"' not in html and "share-chart" not in html
    whole = results_page(client, survey).content.decode()
    assert "Fewer than 5" not in whole and "share-chart" in whole


def test_the_printable_summary_withholds_a_small_anonymous_group(organiser_client):
    survey = anonymous_with_one_academic()

    page = print_page(organiser_client, survey, participant_type="academic").content.decode()

    assert "Feedback survey: 1 response." in page
    assert "Fewer than 5 responses in this group" in page
    assert "survey-print-table" not in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_filtered_export_of_a_small_anonymous_group_is_refused(organiser_client, file_format):
    survey = anonymous_with_one_academic()
    url = reverse(
        "admin:seminar_seminar_survey_export",
        kwargs={"seminar_id": survey.seminar_id, "file_format": file_format},
    )

    response = organiser_client.get(url, {"participant_type": "academic"}, follow=True)

    assert "Fewer than 5 responses in this group" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?participant_type=academic")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_raw_anonymous_export_blanks_the_type_and_region_of_small_groups(
    organiser_client, file_format
):
    survey = anonymous_with_one_academic()

    rows = export(organiser_client, survey, file_format)

    groups = sorted(tuple(row[1:3]) for row in rows[1:])
    assert groups == [("", "")] * 2 + [("SME representative", "Hong Kong")] * 6
    assert len(rows) == 9  # every response, the academic's among the blank ones


def test_a_filtered_anonymous_export_leaves_out_the_small_groups(organiser_client):
    survey = anonymous_with_one_academic()
    more_responses(survey, 1, region=Registration.Region.MACAO)  # the only SME from Macao

    rows = export(organiser_client, survey, "csv", participant_type="sme")

    # In the file filtered to SMEs it would be "the one whose region is blank", and the same
    # answers in a file filtered to Macao would give its region back: it is in neither.
    assert [tuple(row[1:3]) for row in rows[1:]] == [("SME representative", "Hong Kong")] * 6


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_headers_carry_the_whole_question_and_xlsx_scores_are_numbers(
    organiser_client, file_format
):
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    label = (
        "How likely are you to recommend this seminar to a friend or colleague working in "
        "intellectual property?"
    )
    recommend = SurveyQuestionFactory(survey=survey, kind=Kind.RECOMMEND, label_en=label)
    count = SurveyQuestionFactory(survey=survey, kind=Kind.NUMBER, label_en="How many staff?")
    registration = RegistrationFactory(seminar=survey.seminar, attended=True)
    survey_response(survey, registration, {recommend: 9, count: "12"})

    rows = export(organiser_client, survey, file_format)

    assert rows[0][-2:] == [label, "How many staff?"]
    if file_format == "xlsx":
        assert rows[1][-2:] == [9, 12]
    else:
        assert rows[1][-2:] == ["9", "12"]


def test_the_printable_summary_uses_chinese_punctuation_and_no_trailing_separator(
    organiser_client,
):
    survey = SurveyFactory(seminar=SeminarFactory(capacity=None))
    recommend = SurveyQuestionFactory(survey=survey, kind=Kind.RECOMMEND, label_en="Recommend?")
    useful = SurveyQuestionFactory(survey=survey, kind=Kind.RATING, label_en="Useful?")
    for score in (9, 10, 3):
        registration = RegistrationFactory(seminar=survey.seminar, attended=True)
        survey_response(survey, registration, {recommend: score, useful: 4})
    RegistrationFactory(seminar=survey.seminar, attended=True)  # asked, did not answer

    english = print_page(organiser_client, survey).content.decode()
    with translation.override("zh-hans"):
        page = print_page(organiser_client, survey).content.decode()

    assert "收到 3 份回应（75.0%）。" in page
    assert "平均分：" in page and "平均分 " not in page
    assert "; </td>" not in english and "；</td>" not in page
    assert "Recommend score: +33</td>" in english
