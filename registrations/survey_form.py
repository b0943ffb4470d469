"""The feedback survey as a form: the registration questions' fields for the kinds they share
(questions.py), and a scale of numbered buttons for a rating (1 to 5) and a recommendation
(0 to 10). Survey questions have no conditions, so every question is shown."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SurveyAnswer, SurveyQuestion
from .questions import CHOICE_GONE, answer_from_cleaned, answer_initial, field_name, question_field
from .surveys import SCORE_RANGES

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


def survey_question_field(question: SurveyQuestion) -> forms.Field:
    if question.kind not in SCORE_RANGES:
        return question_field(question)
    low, high = SCALE_ENDS[question.kind]
    numbers = [(str(number), str(number)) for number in SCORE_RANGES[question.kind]]
    return forms.ChoiceField(
        label=question.label,
        help_text=question.help_text,
        required=question.required,
        choices=numbers,
        widget=ScaleSelect(low=low, high=high),
        error_messages={"invalid_choice": CHOICE_GONE},
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
