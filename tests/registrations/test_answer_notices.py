"""What a registrant is told when a change of their details or of how they attend touches their
answers: the questions that now apply are asked (the answers page, with a message naming
them), and answers removed are named with the reason, before the change where the page can
tell and after it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

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

ROOM, ONLINE = "in_person", "online"


def url(registration: Registration, page: str = "manage", language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    with translation.override("en"):
        return prefix + reverse(f"registrations:{page}", kwargs={"token": registration.token})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def answers_of(registration: Registration) -> dict[str, str]:
    return {
        str(question.label): answer
        for question, answer in registration_answers_given(registration=registration)
    }


def close_registration(seminar) -> None:
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()


# A hybrid seminar asking online attendees which device they join from, and phone users which
# phone (the reviewer's chain: mode -> device -> phone model).


@pytest.fixture
def hybrid():
    return SeminarFactory(format="hybrid", capacity=10, online_capacity=10)


@pytest.fixture
def device(hybrid):
    question = QuestionFactory(
        seminar=hybrid,
        kind=Kind.CHOICE,
        label_en="Which device will you join from?",
        label_zh_hant="你會用哪部裝置參加？",
        label_zh_hans="你会用哪台设备参加？",
        options=["Computer", "Phone"],
        required=True,
        personal_data=True,
    )
    question_condition(question, field="attendance_mode", values=[ONLINE])
    return question


@pytest.fixture
def phone_model(hybrid, device):
    """Not personal data: under the old rule its answer outlived the question it hangs on."""
    question = QuestionFactory(seminar=hybrid, label_en="Which phone model?", required=True)
    question_condition(question, depends_on=device, options=["Phone"])
    return question


def book(seminar, mode: str, answers=None) -> Registration:
    return registration_create(
        seminar=seminar, data=registration_data(attendance_mode=mode), answers=answers or {}
    )


def test_switching_to_online_says_a_question_awaits_then_sends_the_registrant_to_it(
    client, hybrid, device
):
    registration = book(hybrid, ROOM)

    question = text_of(client.get(url(registration, "mode_change")))
    response = client.post(url(registration, "mode_change"))
    page = client.get(response["Location"])

    assert (
        "The organisers have a question for those attending online: “Which device will you "
        "join from?”. You will be asked to answer it after switching." in question
    )
    assert response["Location"] == url(registration, "answers")
    text = text_of(page)
    assert "You now attend online, and your seat is confirmed." in text
    assert (
        "The organisers have a question for those attending online. Please answer it: "
        "“Which device will you join from?”." in text
    )
    assert f'name="question_{device.pk}"' in page.content.decode()
    assert "Answer the questions" in text  # nothing answered yet


@pytest.mark.parametrize(
    ("language", "asked"),
    [
        ("zh-hant", "主辦機構有問題要問網上出席的人士，請回答：「你會用哪部裝置參加？」。"),
        ("zh-hans", "主办方有问题要问线上参加的人员，请回答：“你会用哪台设备参加？”。"),
    ],
)
def test_the_questions_after_a_switch_are_named_in_the_pages_language(
    client, hybrid, device, language, asked
):
    registration = book(hybrid, ROOM)

    response = client.post(url(registration, "mode_change", language), follow=True)

    assert asked in text_of(response)


def test_switching_back_to_the_room_removes_the_whole_online_chain_and_says_so(
    client, hybrid, device, phone_model
):
    registration = book(
        hybrid, ONLINE, {device: [question_option(device, "Phone")], phone_model: "Pixel 9"}
    )

    question = text_of(client.get(url(registration, "mode_change")))
    response = client.post(url(registration, "mode_change"), follow=True)

    warning = (
        "Your answer to “Which phone model?” will be removed: it is not asked of those "
        "attending in the room."
    )
    assert warning in question
    text = text_of(response)
    assert (
        "Your answer to “Which device will you join from?” was removed: it is not asked of "
        "those attending in the room." in text
    )
    assert "Your answer to “Which phone model?” was removed" in text
    assert answers_of(registration) == {}
    assert "Your answers" not in text  # nothing held, nothing to ask an attendee in the room


def test_a_switch_with_no_question_for_the_new_mode_goes_back_to_the_private_page(
    client, hybrid, device
):
    registration = book(hybrid, ONLINE, {device: [question_option(device, "Computer")]})

    response = client.post(url(registration, "mode_change"))

    assert response["Location"] == url(registration)


def test_the_private_page_asks_for_a_required_answer_still_missing(client, hybrid, device):
    registration = book(hybrid, ROOM)
    registration.attendance_mode = ONLINE  # an organiser moved them, say
    registration.save()

    text = text_of(client.get(url(registration)))

    assert "The organisers need your answer to “Which device will you join from?”." in text
    assert "Answer the questions" in text


# Change my details: a participant type that a question depends on.


@pytest.fixture
def seminar():
    return SeminarFactory(enquiries_name_en="Ms LAM", enquiries_email="events@example.com")


@pytest.fixture
def cpd(seminar):
    question = QuestionFactory(
        seminar=seminar, label_en="CPD membership number", label_zh_hans="CPD 会员编号"
    )
    question_condition(question, field="participant_type", values=["ip_practitioner"])
    return question


def test_becoming_an_ip_practitioner_sends_the_registrant_to_the_cpd_question(client, seminar, cpd):
    registration = registration_create(
        seminar=seminar, data=registration_data(participant_type="sme")
    )

    response = client.post(
        url(registration, "edit"), registration_post_data(participant_type="ip_practitioner")
    )
    page = text_of(client.get(response["Location"]))

    assert response["Location"] == url(registration, "answers")
    assert "Your changes have been saved." in page
    assert "A question now applies to you. Please answer it: “CPD membership number”." in page


def test_changing_a_field_no_question_depends_on_asks_nothing(client, seminar, cpd):
    registration = registration_create(
        seminar=seminar, data=registration_data(participant_type="sme")
    )

    response = client.post(
        url(registration, "edit"), registration_post_data(participant_type="sme", phone="")
    )

    assert response["Location"] == url(registration)


def test_the_details_page_warns_which_answer_a_change_would_remove(client, seminar, cpd):
    registration = registration_create(
        seminar=seminar,
        data=registration_data(participant_type="ip_practitioner"),
        answers={cpd: "CPD-1"},
    )

    text = text_of(client.get(url(registration, "edit")))

    assert (
        "Your answer to “CPD membership number” applies only if you chose IP practitioner for "
        "“I am attending as”: changing that removes the answer." in text
    )
    assert "Registration has closed" not in text


def test_saving_details_that_hide_a_question_says_its_answer_was_removed_and_why(
    client, seminar, cpd
):
    registration = registration_create(
        seminar=seminar,
        data=registration_data(participant_type="ip_practitioner"),
        answers={cpd: "CPD-1"},
    )

    response = client.post(
        url(registration, "edit"), registration_post_data(participant_type="sme"), follow=True
    )
    chinese = registration_create(
        seminar=seminar,
        data=registration_data(email="lee@example.com", participant_type="ip_practitioner"),
        answers={cpd: "CPD-2"},
    )
    simplified = client.post(
        url(chinese, "edit", "zh-hans"),
        registration_post_data(email="lee@example.com", participant_type="sme"),
        follow=True,
    )

    assert (
        "Your answer to “CPD membership number” was removed: it applies only if you chose IP "
        "practitioner for “I am attending as”." in text_of(response)
    )
    assert answers_of(registration) == {}
    assert (
        "你对“CPD 会员编号”的答案已删除：此问题仅当你在“参加身份”中选择了知识产权从业人员时适用。"
        in (text_of(simplified))
    )


def test_after_registration_closes_the_details_page_warns_an_answer_would_be_lost_for_good(
    client, seminar, cpd
):
    registration = registration_create(
        seminar=seminar,
        data=registration_data(participant_type="ip_practitioner"),
        answers={cpd: "CPD-1"},
    )
    close_registration(seminar)

    text = text_of(client.get(url(registration, "edit")))

    assert (
        "Registration has closed, so an answer removed now cannot be given again on this "
        "website." in text
    )


def test_after_registration_closes_a_question_that_now_applies_points_to_the_organisers(
    client, seminar, cpd
):
    registration = registration_create(
        seminar=seminar, data=registration_data(participant_type="sme")
    )
    close_registration(seminar)

    response = client.post(
        url(registration, "edit"), registration_post_data(participant_type="ip_practitioner")
    )
    text = text_of(client.get(response["Location"]))

    assert response["Location"] == url(registration)
    assert (
        "This question now applies to you: “CPD membership number”. Registration has closed, "
        "so it can no longer be answered on this website: please contact the organisers." in text
    )
    assert "events@example.com" in text
