"""Reading answers back: a registration's answers, the dashboard's breakdowns, an answer's words."""

import pytest
from django.utils import translation

from registrations.answer_text import answer_text
from registrations.models import Question, Registration
from registrations.selectors import answer_breakdowns, registration_answers
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    QuestionOptionFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
)

pytestmark = pytest.mark.django_db
Kind = Question.Kind
Status = Registration.Status


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        (Kind.YES_NO, "yes", "Yes"),
        (Kind.YES_NO, "False", "No"),
        (Kind.DECLARATION, "true", "Confirmed"),
        (Kind.NUMBER, "42", "42"),
        (Kind.SHORT_TEXT, "yes", "yes"),
        (Kind.YES_NO, "perhaps", "perhaps"),
    ],
)
def test_answer_text_says_yes_no_and_confirmed_in_words(kind, value, text):
    assert answer_text(question=Question(kind=kind), value=value) == text


def test_answer_text_joins_chosen_options_in_their_order_in_the_active_language():
    question = choice_question("Trading", "Patents", "Mediation", kind=Kind.MULTIPLE)
    trading, _patents, mediation = question.options.all()
    mediation.label_zh_hant = "調解"
    mediation.save()

    with translation.override("zh-hant"):
        text = answer_text(question=question, value="", options=[mediation, trading])

    assert text == "Trading; 調解"


def test_registration_answers_follow_the_form_and_keep_retired_questions_only_if_answered():
    seminar = SeminarFactory()
    attend = choice_question("Live", "Recording", seminar=seminar, order=1, label_en="Attend")
    QuestionFactory(seminar=seminar, order=2, label_en="CPD number")
    QuestionFactory(seminar=seminar, order=3, label_en="Dropped", retired=True)
    old = QuestionFactory(seminar=seminar, order=4, label_en="Old", retired=True)
    registration = RegistrationFactory(seminar=seminar)
    AnswerFactory(registration=registration, question=attend, options=[attend.options.last()])
    AnswerFactory(registration=registration, question=old, value="kept")

    shown = registration_answers(registration=registration)

    assert [(item.question.label, item.text) for item in shown] == [
        ("Attend", "Recording"),
        ("CPD number", ""),
        ("Old", "kept"),
    ]


def test_breakdowns_count_each_option_over_active_registrations():
    seminar = SeminarFactory()
    topics = choice_question("Trading", "Patents", seminar=seminar, kind=Kind.MULTIPLE, order=1)
    trading, patents = topics.options.all()
    retired = QuestionOptionFactory(question=topics, label_en="Mediation", retired=True, order=3)
    for status, chosen in [
        (Status.CONFIRMED, [trading, patents]),
        (Status.CONFIRMED, [trading]),
        (Status.WAITLISTED, [retired]),
        (Status.CANCELLED, [patents]),
        (Status.CONFIRMED, []),  # an answer that chose nothing
    ]:
        registration = RegistrationFactory(seminar=seminar, status=status)
        AnswerFactory(registration=registration, question=topics, options=chosen)
    QuestionFactory(seminar=seminar, kind=Kind.SHORT_TEXT)  # text: no breakdown

    [breakdown] = answer_breakdowns(seminar=seminar)

    assert breakdown.total == 3  # who answered, among confirmed and waitlisted
    assert [(row.label, row.count, row.percent) for row in breakdown.rows] == [
        ("Trading", 2, 66.7),
        ("Patents", 1, 33.3),
        ("Mediation (no longer offered)", 1, 33.3),
    ]


def test_breakdowns_list_every_option_and_question_even_before_any_answer():
    seminar = SeminarFactory()
    choice_question("Live", "Recording", seminar=seminar, order=1, label_en="Attend")
    choice_question("Yes", seminar=seminar, order=2, label_en="Old", retired=True)

    breakdowns = answer_breakdowns(seminar=seminar)

    assert [(b.title, b.total) for b in breakdowns] == [("Attend", 0), ("Old (no longer asked)", 0)]
    assert [(row.count, row.percent) for row in breakdowns[0].rows] == [(0, None), (0, None)]


def test_breakdowns_take_two_queries_however_many_questions_and_answers(
    django_assert_num_queries,
):
    def seminar_with(questions: int, registrations: int):
        seminar = SeminarFactory()
        asked = [
            choice_question("A", "B", "C", seminar=seminar, kind=Kind.MULTIPLE, order=n)
            for n in range(questions)
        ]
        for registration in RegistrationFactory.create_batch(registrations, seminar=seminar):
            for question in asked:
                AnswerFactory(
                    registration=registration, question=question, options=question.options.all()
                )
        return seminar

    small, large = seminar_with(1, 2), seminar_with(5, 20)

    with django_assert_num_queries(2):
        answer_breakdowns(seminar=small)
    with django_assert_num_queries(2):
        breakdowns = answer_breakdowns(seminar=large)
    assert [row.count for row in breakdowns[4].rows] == [20, 20, 20]


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "4 January 2027"), ("zh-hant", "2027年1月4日"), ("zh-hans", "2027年1月4日")],
)
def test_a_date_answer_reads_in_the_organisers_language_on_the_registration_page(language, text):
    arrival = QuestionFactory(kind=Kind.DATE, label_en="Arriving on")
    answer = AnswerFactory(
        registration__seminar=arrival.seminar, question=arrival, value="2027-01-04"
    )

    with translation.override(language):
        shown = registration_answers(registration=answer.registration)

    assert [(item.question.label_en, item.text) for item in shown] == [("Arriving on", text)]


def test_answer_text_keeps_an_iso_date_for_exports_and_an_unreadable_one_as_stored():
    arrival = Question(kind=Kind.DATE)

    assert answer_text(question=arrival, value="2027-01-04", iso_dates=True) == "2027-01-04"
    assert answer_text(question=arrival, value="next Tuesday") == "next Tuesday"
