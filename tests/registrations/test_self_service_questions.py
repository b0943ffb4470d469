"""The registrant's own page with the seminar's questions: their answers in the page's language,
and changing them while registration is open, by the same conditions as the form."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from registrations.answers import registration_answers_given
from registrations.models import Question, Registration
from registrations.services import registration_create
from tests.factories import (
    QuestionFactory,
    SeminarFactory,
    question_condition,
    question_option,
    registration_data,
    registration_post_data,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


def url(registration: Registration, page: str = "manage", language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    with translation.override("en"):
        return prefix + reverse(f"registrations:{page}", kwargs={"token": registration.token})


def field(question: Question) -> str:
    return f"question_{question.pk}"


def option_value(question: Question, label: str) -> str:
    return str(question_option(question, label).pk)


def radios(page: str, question: Question) -> list[str]:
    return re.findall(rf'<input[^>]*name="{field(question)}"[^>]*>', page)


def answers_of(registration: Registration) -> dict[str, str]:
    return {
        str(question.label): answer
        for question, answer in registration_answers_given(registration=registration)
    }


@pytest.fixture
def seminar():
    return SeminarFactory()


@pytest.fixture
def attend(seminar):
    return QuestionFactory(
        seminar=seminar,
        kind=Kind.CHOICE,
        label_en="How will you attend?",
        label_zh_hant="你會如何參加？",
        options=["In the room", "Online"],
    )


@pytest.fixture
def lunch(seminar, attend):
    """Asked of those in the room; personal data, say, for the caterer's list."""
    question = QuestionFactory(
        seminar=seminar, kind=Kind.SHORT_TEXT, label_en="Dietary needs", personal_data=True
    )
    question_condition(question, depends_on=attend, options=["In the room"])
    return question


@pytest.fixture
def cpd(seminar):
    question = QuestionFactory(
        seminar=seminar, label_en="CPD membership number", required=True, personal_data=True
    )
    question_condition(question, field="participant_type", values=["ip_practitioner"])
    return question


@pytest.fixture
def registration(seminar, attend, lunch, cpd):
    return registration_create(
        seminar=seminar,
        data=registration_data(participant_type="sme"),
        answers={attend: [question_option(attend, "In the room")], lunch: "Vegetarian"},
    )


def close_registration(registration: Registration) -> None:
    seminar = registration.seminar
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()


def test_the_registrants_page_shows_their_answers_in_the_pages_language(client, registration):
    room = question_option(registration.seminar.questions.get(kind=Kind.CHOICE), "In the room")
    room.label_zh_hant = "親身出席"
    room.save()

    english = client.get(url(registration)).content.decode()
    chinese = client.get(url(registration, language="zh-hant")).content.decode()

    assert "Your answers" in english
    assert "How will you attend?" in english and "In the room" in english
    assert "Vegetarian" in english
    assert url(registration, "answers") in english
    assert "你會如何參加？" in chinese and "親身出席" in chinese


def test_a_registrant_without_questions_to_answer_sees_no_answers_section(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    page = client.get(url(registration)).content.decode()

    assert "Your answers" not in page
    assert client.get(url(registration, "answers")).status_code == 302


def test_the_answers_page_starts_from_the_current_answers(client, registration, attend, lunch):
    page = client.get(url(registration, "answers")).content.decode()

    assert 'value="Vegetarian"' in page
    assert [box for box in radios(page, attend) if "checked" in box] == [
        next(box for box in radios(page, attend) if "In the room" not in box and "_0" in box)
    ]
    assert "CPD membership number" not in page  # an SME: it can never apply here
    assert "Answer only if you chose In the room for “How will you attend?”." in page
    assert "I am attending as" not in page
    assert "js/questions.js" in page


def test_changing_answers_saves_them_and_says_so(client, registration, attend, lunch):
    response = client.post(
        url(registration, "answers"),
        {field(attend): option_value(attend, "In the room"), field(lunch): "Halal"},
        follow=True,
    )

    assert "Your answers have been saved." in response.content.decode()
    assert answers_of(registration) == {
        "How will you attend?": "In the room",
        "Dietary needs": "Halal",
    }


def test_choosing_online_removes_the_personal_answer_only_the_room_needed(
    client, registration, attend, lunch
):
    client.post(
        url(registration, "answers"),
        {field(attend): option_value(attend, "Online"), field(lunch): "Still vegetarian"},
    )

    assert answers_of(registration) == {"How will you attend?": "Online"}


def test_an_answer_posted_for_a_question_that_never_applies_is_ignored(
    client, registration, cpd, attend
):
    response = client.post(
        url(registration, "answers"),
        {field(attend): option_value(attend, "Online"), field(cpd): "CPD-123"},
    )

    assert response.status_code == 302
    assert "CPD membership number" not in answers_of(registration)


def test_bad_answers_are_refused_next_to_the_question_and_nothing_changes(client, seminar):
    seats = QuestionFactory(seminar=seminar, kind=Kind.NUMBER, label_en="How many seats?")
    note = QuestionFactory(seminar=seminar, label_en="Anything else?")
    registration = registration_create(
        seminar=seminar, data=registration_data(), answers={seats: "2"}
    )

    response = client.post(
        url(registration, "answers"), {field(seats): "two", field(note): "Near the door"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field(seats): ["Enter a number."]}
    page = response.content.decode()
    assert 'value="Near the door"' in page and 'value="two"' in page
    assert answers_of(registration) == {"How many seats?": "2"}


def test_a_required_question_cannot_be_cleared(client, registration, cpd):
    registration.participant_type = "ip_practitioner"
    registration.save()

    response = client.post(url(registration, "answers"), {field(cpd): ""})

    assert response.context["form"].errors == {field(cpd): ["This field is required."]}


def test_a_retired_option_the_registrant_chose_is_still_offered_to_them_only(
    client, registration, attend
):
    room = question_option(attend, "In the room")
    room.retired = True
    room.save()
    newcomer = registration_create(
        seminar=registration.seminar, data=registration_data(email="new@example.com")
    )

    own = client.get(url(registration, "answers")).content.decode()
    other = client.get(url(newcomer, "answers")).content.decode()
    kept = client.post(url(registration, "answers"), {field(attend): str(room.pk)})

    assert len(radios(own, attend)) == 2 and len(radios(other, attend)) == 1
    assert "Answer only if you chose In the room" in own
    assert "In the room" not in other and "Dietary needs" not in other  # it can never apply
    assert kept.status_code == 302
    assert answers_of(registration)["How will you attend?"] == "In the room"


def test_once_registration_closes_answers_are_shown_but_not_changed(client, registration, attend):
    registration.seminar.enquiries_email = "events@example.com"
    registration.seminar.save()
    close_registration(registration)

    page = client.get(url(registration)).content.decode()
    edit = client.get(url(registration, "answers"))
    post = client.post(
        url(registration, "answers"), {field(attend): option_value(attend, "Online")}
    )

    closed = (
        "Registration has closed, so your answers can no longer be changed on this website. "
        "To change them, please contact the organisers."
    )
    assert "In the room" in page
    assert url(registration, "answers") not in page
    assert closed in page and "events@example.com" in page
    # A bookmarked link or an old tab says the same rather than redirecting without a word.
    for response in (edit, post):
        assert response.status_code == 200
        assert closed in response.content.decode()
        assert "In the room" in response.content.decode()
        assert f'name="{field(attend)}"' not in response.content.decode()
    assert answers_of(registration)["How will you attend?"] == "In the room"


@pytest.mark.parametrize(
    ("language", "closed"),
    [
        ("zh-hant", "報名已截止，答案不能再在本網站更改。如需更改，請聯絡主辦機構。"),
        ("zh-hans", "报名已截止，答案不能再在本网站更改。如需更改，请联系主办方。"),
    ],
)
def test_the_closed_answers_notice_is_in_the_pages_language(client, registration, language, closed):
    close_registration(registration)

    page = client.get(url(registration, "answers", language)).content.decode()

    assert closed in page


def test_a_cancelled_seminar_does_not_speak_of_closed_answers(client, registration):
    seminar = registration.seminar
    seminar.status = seminar.Status.CANCELLED
    seminar.save()

    page = client.get(url(registration)).content.decode()

    assert "can no longer be changed on this website. To change them" not in page
    assert client.get(url(registration, "answers")).status_code == 302


def test_a_cancelled_registration_cannot_change_its_answers(client, registration, attend):
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save()

    response = client.post(
        url(registration, "answers"), {field(attend): option_value(attend, "Online")}
    )

    assert response.status_code == 302
    assert answers_of(registration)["How will you attend?"] == "In the room"


def test_becoming_an_ip_practitioner_on_the_details_page_then_asks_for_the_cpd_number(
    client, registration, cpd
):
    client.post(
        url(registration, "edit"), registration_post_data(participant_type="ip_practitioner")
    )

    page = client.get(url(registration, "answers")).content.decode()

    assert "CPD membership number" in page


def test_the_button_invites_answers_until_some_are_given(client, seminar, attend):
    registration = registration_create(seminar=seminar, data=registration_data())

    before = client.get(url(registration)).content.decode()
    form = client.get(url(registration, "answers")).content.decode()
    client.post(url(registration, "answers"), {field(attend): option_value(attend, "Online")})
    after = client.get(url(registration)).content.decode()

    assert "Answer the questions" in before and "Change my answers" not in before
    assert '<h1 class="h2">Answer the questions</h1>' in form
    assert "Change my answers" in after and "Answer the questions" not in after


@pytest.mark.parametrize(
    ("language", "written"),
    [("", "4 January 2027"), ("zh-hant", "2027年1月4日"), ("zh-hans", "2027年1月4日")],
)
def test_a_date_answer_reads_as_the_page_writes_dates(client, seminar, language, written):
    arrival = QuestionFactory(seminar=seminar, kind=Kind.DATE, label_en="Arriving on")
    registration = registration_create(
        seminar=seminar, data=registration_data(), answers={arrival: "2027-01-04"}
    )

    page = client.get(url(registration, language=language)).content.decode()

    assert written in page
    assert "2027-01-04" not in page


def test_a_date_answer_out_of_range_is_refused_on_the_answers_page(client, seminar):
    arrival = QuestionFactory(seminar=seminar, kind=Kind.DATE, label_en="Arriving on")
    registration = registration_create(seminar=seminar, data=registration_data())

    response = client.post(url(registration, "answers"), {field(arrival): "9999-12-31"})

    assert response.context["form"].errors == {
        field(arrival): ["Enter a date between the years 1900 and 2100."]
    }
    assert 'min="1900-01-01"' in response.content.decode()
