"""A seminar's own questions: which are asked and when each is shown, by the rules in
registrations/questions.py."""

import pytest

from registrations.models import Question
from registrations.questions import (
    question_visible,
    questions_visible,
    seminar_questions,
)
from tests.factories import (
    QuestionFactory,
    question_condition,
    question_option,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


def visible(questions, *, fixed=None, chosen=None) -> list[str]:
    shown = questions_visible(questions=questions, fixed=fixed or {}, chosen=chosen or {})
    return [question.label for question in questions if question.pk in shown]


def chosen(question: Question, *labels: str) -> dict[int, set[int]]:
    return {question.pk: {question_option(question, label).pk for label in labels}}


# Which questions are asked.


def test_seminar_questions_are_the_seminars_own_in_order_without_retired_ones(seminar):
    second = QuestionFactory(seminar=seminar, label_en="Second", order=2)
    first = QuestionFactory(seminar=seminar, label_en="First", order=1, options=["A", "B", "C"])
    QuestionFactory(seminar=seminar, label_en="Retired", order=0, retired=True)
    QuestionFactory(label_en="Another seminar's", order=0)
    first.options.filter(label_en="B").update(retired=True)

    questions = seminar_questions(seminar=seminar)

    assert questions == [first, second]
    assert [option.label for option in questions[0].options.all()] == ["A", "C"]


def test_seminar_questions_keep_a_retired_option_the_registrant_chose(seminar):
    question = QuestionFactory(seminar=seminar, kind=Kind.MULTIPLE, options=["A", "B"])
    retired = question_option(question, "B")
    retired.retired = True
    retired.save()

    questions = seminar_questions(seminar=seminar, keep_options=[retired.pk])

    assert [option.label for option in questions[0].options.all()] == ["A", "B"]


@pytest.mark.parametrize("count", [2, 10])
def test_seminar_questions_take_four_queries_however_many(
    seminar, attend, count, django_assert_num_queries
):
    for number in range(count):
        question = QuestionFactory(seminar=seminar, kind=Kind.DROPDOWN, options=["X", "Y"])
        question_condition(question, depends_on=attend, options=["Online"])
        question_condition(question, field="region", values=["hong_kong", f"{number}"])

    online = chosen(attend, "Online")

    with django_assert_num_queries(4):
        questions = seminar_questions(seminar=seminar)
        shown = visible(questions, fixed={"region": "hong_kong"}, chosen=online)

    assert len(shown) == count + 1


# When a question is shown.


def test_a_question_without_conditions_is_always_shown(attend):
    assert question_visible(question=attend, fixed={}, chosen={}, shown=set())


def test_a_condition_on_a_fixed_field_shows_the_question_for_its_values_only(cpd):
    for participant_type, shown in [("ip_practitioner", True), ("sme", False), ("", False)]:
        assert (
            question_visible(
                question=cpd, fixed={"participant_type": participant_type}, chosen={}, shown=set()
            )
            is shown
        )


def test_a_condition_on_an_earlier_question_shows_the_question_for_its_options(seminar, attend):
    room = QuestionFactory(seminar=seminar, label_en="Dietary needs")
    question_condition(room, depends_on=attend, options=["In the room"])
    questions = [attend, room]

    assert visible(questions, chosen=chosen(attend, "In the room")) == [
        "How will you attend?",
        "Dietary needs",
    ]
    assert visible(questions, chosen=chosen(attend, "Online")) == ["How will you attend?"]
    assert visible(questions) == ["How will you attend?"]


def test_any_of_a_conditions_options_will_do(seminar):
    topics = QuestionFactory(seminar=seminar, kind=Kind.MULTIPLE, options=["Patents", "Marks"])
    detail = QuestionFactory(seminar=seminar, label_en="Which patents or marks?")
    question_condition(detail, depends_on=topics, options=["Patents", "Marks"])

    assert "Which patents or marks?" in visible([topics, detail], chosen=chosen(topics, "Marks"))


def test_combined_conditions_must_all_hold(seminar, attend):
    badge = QuestionFactory(seminar=seminar, label_en="Name on your badge")
    question_condition(badge, depends_on=attend, options=["In the room"])
    question_condition(badge, field="region", values=["mainland", "macao"])
    questions = [attend, badge]
    room = chosen(attend, "In the room")

    assert "Name on your badge" in visible(questions, fixed={"region": "macao"}, chosen=room)
    assert "Name on your badge" not in visible(
        questions, fixed={"region": "hong_kong"}, chosen=room
    )
    assert "Name on your badge" not in visible(
        questions, fixed={"region": "macao"}, chosen=chosen(attend, "Online")
    )


def test_a_question_depending_on_a_hidden_question_is_hidden_too(seminar, attend):
    group = QuestionFactory(
        seminar=seminar, kind=Kind.DROPDOWN, label_en="Breakout group", options=["A", "B"]
    )
    question_condition(group, depends_on=attend, options=["In the room"])
    table = QuestionFactory(seminar=seminar, label_en="Group A table")
    question_condition(table, depends_on=group, options=["A"])
    questions = [attend, group, table]
    # Group A was chosen while in the room, then the registrant switched to online.
    answers = {**chosen(attend, "Online"), **chosen(group, "A")}

    assert visible(questions, chosen=answers) == ["How will you attend?"]
    assert visible(questions, chosen={**answers, **chosen(attend, "In the room")}) == [
        "How will you attend?",
        "Breakout group",
        "Group A table",
    ]


def test_a_question_depending_on_a_later_or_retired_question_is_hidden(seminar):
    later = QuestionFactory(seminar=seminar, kind=Kind.CHOICE, order=5, options=["Yes please"])
    early = QuestionFactory(seminar=seminar, label_en="Early", order=1)
    question_condition(early, depends_on=later, options=["Yes please"])

    assert "Early" not in visible([early, later], chosen=chosen(later, "Yes please"))
