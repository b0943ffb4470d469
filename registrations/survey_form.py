"""The feedback survey as a form: the registration questions' fields for the kinds they share
(questions.py), and a scale of numbered buttons for a rating (1 to 5) and a recommendation
(0 to 10). Survey questions have no conditions, so every question is shown."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .answer_text import CHOICES_JOINED
from .models import SurveyAnswer, SurveyQuestion
from .questions import answer_from_cleaned, answer_initial, field_name, question_field
from .surveys import SCORE_INVALID, SCORE_RANGES

# Django's own words ("Ensure this value has at most 500 characters") read like a developer's.
ANSWER_TOO_LONG = _(
    "Please shorten your answer to at most %(limit)d characters (it has %(count)d)."
)

Kind = SurveyQuestion.Kind
# The words at each end of a scale, read with its first and last number.
SCALE_ENDS = {
    Kind.RATING: (_("Poor"), _("Excellent")),
    Kind.RECOMMEND: (_("Not at all likely"), _("Extremely likely")),
}


class ScaleSelect(forms.RadioSelect):
    """Numbered radio buttons in a row that wraps (0 to 10 takes two rows on a phone). The
    survey page draws it as a fieldset (templates/registrations/_survey_scale.html), whose
    legend is the question and whose end numbers carry the end words for screen readers."""

    is_scale = True

    def __init__(self, *args: Any, low: str = "", high: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high


class AnswerLengthValidator(MaxLengthValidator):
    """The length limit in our words, with the answer's own length to help shorten it."""

    message = ANSWER_TOO_LONG

    def __call__(self, value: str) -> None:
        if len(value) > self.limit_value:
            raise forms.ValidationError(
                self.message,
                code="too_long",
                params={"limit": self.limit_value, "count": len(value)},
            )


def survey_question_field(question: SurveyQuestion) -> forms.Field:
    if question.kind not in SCORE_RANGES:
        field = question_field(question)
        if getattr(field, "max_length", None):
            field.validators = [
                AnswerLengthValidator(field.max_length)
                if isinstance(validator, MaxLengthValidator)
                else validator
                for validator in field.validators
            ]
        return field
    low, high = SCALE_ENDS[question.kind]
    numbers = [(str(number), str(number)) for number in SCORE_RANGES[question.kind]]
    return forms.ChoiceField(
        label=question.label,
        help_text=question.help_text,
        required=question.required,
        choices=numbers,
        widget=ScaleSelect(low=low, high=high),
        error_messages={"invalid_choice": SCORE_INVALID[question.kind]},
    )


class SurveyForm(forms.Form):
    """One field per survey question (survey_questions loads them); `answers` once valid maps
    each question to its answer as survey_response_submit takes it, empty ones included."""

    def __init__(
        self,
        *args: Any,
        questions: Sequence[SurveyQuestion],
        response_answers: Sequence[SurveyAnswer] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        earlier = {answer.question_id: answer for answer in response_answers}
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = survey_question_field(question)
            if question.pk in earlier and not self.is_bound:
                self.initial[name] = answer_initial(question, earlier[question.pk])
        self.answers: dict[SurveyQuestion, Any] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.answers = {
            question: answer_from_cleaned(question, cleaned[field_name(question)])
            for question in self.questions
            if field_name(question) in cleaned
        }
        return cleaned


def survey_posted_answers(
    *, questions: Sequence[SurveyQuestion], data: QueryDict
) -> list[tuple[str, str]]:
    """What was typed in a form that could not be saved (the survey closed meanwhile), as
    (question, answer) to show back: chosen options by their labels, empty answers left out."""
    shown = []
    for question in questions:
        values = [value.strip() for value in data.getlist(field_name(question)) if value.strip()]
        if question.has_options:
            labels = {str(option.pk): option.label for option in question.options.all()}
            values = [labels[value] for value in values if value in labels]
        elif choices := getattr(survey_question_field(question), "choices", None):
            labels = {str(value): str(label) for value, label in choices}
            values = [labels[value] for value in values if value in labels]
        if values:
            shown.append((question.label, CHOICES_JOINED.join(values)))
    return shown
