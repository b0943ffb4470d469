"""Answers to a seminar's questions as they come in, checked by one set of rules whoever sends
them: the public form (forms.QuestionsMixin) and the API.

Each question is checked by its own form field (questions.question_field: required or not,
lengths, offered options, dates, numbers), then `answers_shown` keeps the answers to the
questions the registrant is shown: an answer, or a missing one, to a question that does not
apply is not looked at.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question
from .questions import (
    AnswerValue,
    answer_from_cleaned,
    chosen_options,
    question_field,
    questions_visible,
)

NOT_A_QUESTION = _("This seminar asks no question with this id.")
NOT_A_LIST = _("Give a list of the chosen options' ids.")
NOT_A_VALUE = _("Give one value: text, a number, or true or false.")


class AnswersInvalid(Exception):
    """Some answers cannot be taken; `errors` maps the question id (as sent) to its messages."""

    def __init__(self, errors: dict[str, list[forms.ValidationError]]):
        self.errors = errors
        super().__init__(str(errors))


def answers_shown(
    *,
    questions: Sequence[Question],
    fixed: Mapping[str, Any],
    given: Mapping[Question, AnswerValue],
) -> tuple[dict[Question, AnswerValue], set[int]]:
    """The answers to keep of those `given` (checked already), and the ids of the questions
    shown for them and the registrant's `fixed` fields."""
    shown = questions_visible(questions=questions, fixed=fixed, chosen=chosen_options(given))
    return {question: value for question, value in given.items() if question.pk in shown}, shown


def _as_posted(question: Question, value: Any) -> Any:
    """A JSON value as the question's form field takes it: option ids as text."""
    if question.kind == Question.Kind.MULTIPLE:
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in value
        ):
            raise forms.ValidationError(NOT_A_LIST, code="invalid")
        return [str(item) for item in value]
    if isinstance(value, list | dict):
        raise forms.ValidationError(NOT_A_VALUE, code="invalid")
    if question.has_options and value is not None and not isinstance(value, bool):
        return str(value)
    return value


def answers_from_values(
    *,
    questions: Sequence[Question],
    values: Mapping[str, Any],
    fixed: Mapping[str, Any],
) -> dict[Question, AnswerValue]:
    """Answers sent as {question id: value} (a program's JSON): each checked by the field the
    form uses for that question, then kept only for the questions shown. Raises AnswersInvalid
    for unknown questions and for answers to shown questions that their field refuses."""
    by_id = {str(question.pk): question for question in questions}
    errors: dict[str, list[forms.ValidationError]] = {
        key: [forms.ValidationError(NOT_A_QUESTION, code="unknown_question")]
        for key in values
        if str(key) not in by_id
    }
    given: dict[Question, AnswerValue] = {}
    refused: dict[Question, forms.ValidationError] = {}
    for key, question in by_id.items():
        field = question_field(question)
        try:
            cleaned = field.clean(_as_posted(question, values.get(key)))
        except forms.ValidationError as error:
            refused[question] = error
        else:
            given[question] = answer_from_cleaned(question, cleaned)
    kept, shown = answers_shown(questions=questions, fixed=fixed, given=given)
    for question, error in refused.items():
        if question.pk in shown:
            errors[str(question.pk)] = error.error_list
    if errors:
        raise AnswersInvalid(errors)
    return kept
