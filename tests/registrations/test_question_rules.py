import pytest

from registrations.errors import RegistrationError
from registrations.models import CONDITION_FIELDS, Question, QuestionCondition, QuestionOption
from registrations.question_rules import (
    CONDITION_ANSWERS_ELSEWHERE,
    CONDITION_ANSWERS_MISSING,
    CONDITION_FIELD_TITLES,
    CONDITION_NOT_CHOICE,
    CONDITION_NOT_EARLIER,
    CONDITION_ON_ITSELF,
    CONDITION_OTHER_SEMINAR,
    CONDITION_SOURCE_MISSING,
    OPTION_ANSWERED,
    QUESTION_ANSWERED,
    QUESTION_HAS_DEPENDENTS,
    QUESTION_KIND_ANSWERED,
    QUESTION_KIND_HAS_DEPENDENTS,
    QUESTION_NEEDS_OPTIONS,
    QUESTION_OPTIONS_NOT_CHOICE,
    QUESTION_ORDER_AFTER_DEPENDENT,
    condition_check,
    question_delete,
    question_kind_change_check,
    question_option_delete,
    question_options_check,
    question_order_check,
)
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    RegistrationFactory,
    choice_question,
)

pytestmark = pytest.mark.django_db
Kind = Question.Kind


def refusal(check, **kwargs) -> RegistrationError:
    with pytest.raises(RegistrationError) as raised:
        check(**kwargs)
    return raised.value


@pytest.fixture
def attend():
    return choice_question("Live", "Recording", order=1, label_en="How will you attend?")


def test_every_condition_field_has_a_title_for_organisers():
    assert set(CONDITION_FIELD_TITLES) == set(CONDITION_FIELDS)


def test_a_condition_on_an_earlier_choice_question_and_its_options_is_accepted(attend):
    later = QuestionFactory(seminar=attend.seminar, order=2)

    condition_check(question=later, depends_on=attend, options=[attend.options.first()])


def test_a_condition_on_a_later_question_is_refused_next_to_the_question(attend):
    earlier = QuestionFactory(seminar=attend.seminar, order=0)

    error = refusal(
        condition_check, question=earlier, depends_on=attend, options=attend.options.all()
    )

    assert error.field == "depends_on"
    assert error.message == CONDITION_NOT_EARLIER % {"label": "How will you attend?"}


def test_a_new_question_at_the_same_order_comes_after_the_saved_one(attend):
    new = Question(seminar=attend.seminar, order=attend.order, kind=Kind.SHORT_TEXT)

    condition_check(question=new, depends_on=attend, options=attend.options.all())


def test_a_question_cannot_depend_on_itself(attend):
    error = refusal(condition_check, question=attend, depends_on=attend, options=[])

    assert (error.field, error.message) == ("depends_on", CONDITION_ON_ITSELF)


def test_a_condition_names_a_question_of_the_same_seminar(attend):
    elsewhere = choice_question("Yes", order=0)

    error = refusal(condition_check, question=attend, depends_on=elsewhere, options=[])

    assert (error.field, error.message) == ("depends_on", CONDITION_OTHER_SEMINAR)


def test_a_condition_names_a_choice_question(attend):
    text = QuestionFactory(seminar=attend.seminar, order=0, label_en="Membership number")
    later = QuestionFactory(seminar=attend.seminar, order=9)

    error = refusal(condition_check, question=later, depends_on=text, options=[])

    assert error.field == "depends_on"
    assert error.message == CONDITION_NOT_CHOICE % {"label": "Membership number"}


def test_a_condition_needs_answers_of_its_own_question(attend):
    later = QuestionFactory(seminar=attend.seminar, order=2)
    stranger = choice_question("Elsewhere", seminar=attend.seminar, order=0).options.get()

    missing = refusal(condition_check, question=later, depends_on=attend, options=[])
    elsewhere = refusal(condition_check, question=later, depends_on=attend, options=[stranger])

    assert (missing.field, missing.message) == ("options", CONDITION_ANSWERS_MISSING)
    assert (elsewhere.field, elsewhere.message) == (
        "options",
        CONDITION_ANSWERS_ELSEWHERE % {"label": "How will you attend?"},
    )


def test_a_field_condition_takes_only_the_fields_own_values():
    question = QuestionFactory()

    condition_check(
        question=question, depends_on=None, field="participant_type", values=["ip_practitioner"]
    )
    wrong = refusal(
        condition_check,
        question=question,
        depends_on=None,
        field="participant_type",
        values=["macao"],
    )
    empty = refusal(condition_check, question=question, depends_on=None, field="region", values=[])
    unknown = refusal(condition_check, question=question, depends_on=None, field="email")

    assert wrong.field == "values"
    assert wrong.message == CONDITION_ANSWERS_ELSEWHERE % {"label": "Participant type"}
    assert (empty.field, empty.message) == ("values", CONDITION_ANSWERS_MISSING)
    assert (unknown.field, unknown.message) == ("depends_on", CONDITION_SOURCE_MISSING)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (Kind.CHOICE, Kind.DROPDOWN, True),
        (Kind.CHOICE, Kind.MULTIPLE, True),
        (Kind.NUMBER, Kind.SHORT_TEXT, True),
        (Kind.EMAIL, Kind.LONG_TEXT, True),
        (Kind.SHORT_TEXT, Kind.NUMBER, False),
        (Kind.SHORT_TEXT, Kind.CHOICE, False),
        (Kind.CHOICE, Kind.SHORT_TEXT, False),
        (Kind.YES_NO, Kind.DATE, False),
    ],
)
def test_a_kind_change_after_answers_keeps_them_readable(old, new, allowed):
    question = QuestionFactory(kind=old)
    AnswerFactory(question=question, registration__seminar=question.seminar, value="42")

    if allowed:
        question_kind_change_check(question=question, kind=new)
    else:
        error = refusal(question_kind_change_check, question=question, kind=new)
        assert error.field == "kind"
        assert error.message == QUESTION_KIND_ANSWERED % {"kind": Kind(new).label.lower()}


def test_any_kind_change_is_fine_before_anyone_answers():
    question = QuestionFactory(kind=Kind.SHORT_TEXT)

    question_kind_change_check(question=question, kind=Kind.DATE)


def test_multiple_to_single_choice_is_refused_only_once_someone_chose_several():
    question = choice_question("A", "B", kind=Kind.MULTIPLE)
    first, second = question.options.all()
    registration = RegistrationFactory(seminar=question.seminar)
    AnswerFactory(registration=registration, question=question, options=[first])

    question_kind_change_check(question=question, kind=Kind.CHOICE)
    AnswerFactory(
        question=question, registration__seminar=question.seminar, options=[first, second]
    )
    error = refusal(question_kind_change_check, question=question, kind=Kind.DROPDOWN)

    assert error.field == "kind"


def test_a_question_others_depend_on_stays_a_choice_question_and_before_them(attend):
    dependent = QuestionFactory(seminar=attend.seminar, order=5, label_en="Which session?")
    condition = QuestionCondition.objects.create(question=dependent, depends_on=attend)
    condition.options.set(attend.options.all())

    kind = refusal(question_kind_change_check, question=attend, kind=Kind.SHORT_TEXT)
    order = refusal(question_order_check, question=attend, order=6)
    question_order_check(question=attend, order=5)  # same order: the older question first
    question_kind_change_check(question=attend, kind=Kind.MULTIPLE)

    assert (kind.field, kind.message) == (
        "kind",
        QUESTION_KIND_HAS_DEPENDENTS % {"labels": "“Which session?”"},
    )
    assert (order.field, order.message) == (
        "order",
        QUESTION_ORDER_AFTER_DEPENDENT % {"label": "Which session?", "order": 5},
    )


def test_a_choice_question_still_asked_offers_an_option():
    question_options_check(kind=Kind.CHOICE, retired=False, offered=1, kept=2)
    question_options_check(kind=Kind.CHOICE, retired=True, offered=0, kept=1)
    question_options_check(kind=Kind.SHORT_TEXT, retired=False, offered=0, kept=0)

    error = refusal(question_options_check, kind=Kind.MULTIPLE, retired=False, offered=0, kept=1)

    assert (error.field, error.message) == (None, QUESTION_NEEDS_OPTIONS)


@pytest.mark.parametrize("retired", [False, True])
def test_a_question_that_is_not_a_choice_keeps_no_options(retired):
    error = refusal(question_options_check, kind=Kind.NUMBER, retired=retired, offered=0, kept=1)

    assert (error.field, error.message) == (
        None,
        QUESTION_OPTIONS_NOT_CHOICE % {"kind": "Number"},
    )


def test_an_answered_question_or_option_is_not_deleted_and_retiring_is_suggested(attend):
    live = attend.options.first()
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[live])

    question_error = refusal(question_delete, question=attend)
    option_error = refusal(question_option_delete, option=live)

    assert question_error.message == QUESTION_ANSWERED % {
        "label": "How will you attend?",
        "count": "1 person answered it",
    }
    assert option_error.message == OPTION_ANSWERED % {"label": "Live", "count": "1 person chose it"}
    assert "no longer offered" in str(option_error.message)
    assert Question.objects.filter(pk=attend.pk).exists()
    assert QuestionOption.objects.filter(pk=live.pk).exists()


def test_a_question_others_depend_on_is_not_deleted(attend):
    dependent = QuestionFactory(seminar=attend.seminar, order=5, label_en="Which session?")
    QuestionCondition.objects.create(question=dependent, depends_on=attend).options.set(
        attend.options.all()[:1]
    )

    error = refusal(question_delete, question=attend)
    option_error = refusal(question_option_delete, option=attend.options.first())

    assert error.message == QUESTION_HAS_DEPENDENTS % {
        "label": "How will you attend?",
        "labels": "“Which session?”",
    }
    assert "“Which session?”" in str(option_error.message)


def test_an_unanswered_question_is_deleted_with_its_options(attend):
    question_delete(question=attend)

    assert not Question.objects.filter(pk=attend.pk).exists()
    assert not QuestionOption.objects.filter(question_id=attend.pk).exists()


def test_deleting_refuses_an_answer_that_arrived_after_the_check(attend, monkeypatch):
    # The check passed, then someone chose the option before the delete ran: the database's
    # protection is turned into the same message, never a server error.
    from registrations import question_rules

    live = attend.options.first()
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[live])
    monkeypatch.setattr(question_rules, "option_delete_check", lambda **kwargs: None)

    error = refusal(question_option_delete, option=live)

    assert "no longer offered" in str(error.message)
    assert QuestionOption.objects.filter(pk=live.pk).exists()
