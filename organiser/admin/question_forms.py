"""The forms behind the questions' admin pages. Every rule they apply is in
registrations/question_rules.py; a refusal is shown next to the field it concerns."""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.errors import RegistrationError
from registrations.models import CONDITION_FIELDS, Question, QuestionCondition, QuestionOption
from registrations.question_rules import (
    CONDITION_ANSWERS_ELSEWHERE,
    CONDITION_FIELD_TITLES,
    condition_check,
    condition_field_choices,
    option_delete_check,
    question_kind_change_check,
    question_option_delete,
    question_options_check,
    question_order_check,
    question_precedes,
)
from seminar.models import Seminar


def _refusal_add(form: forms.BaseForm, refusal: RegistrationError, fields: dict[str, str]) -> None:
    """The rule's message next to the form field that shows the rule's field."""
    form.add_error(fields.get(refusal.field, refusal.field), str(refusal.message))


class QuestionAdminForm(forms.ModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        question = self.instance
        checks = [
            ("kind", lambda: question_kind_change_check(question=question, kind=cleaned["kind"])),
            ("order", lambda: question_order_check(question=question, order=cleaned["order"])),
        ]
        for name, check in checks:
            if name not in cleaned:
                continue  # already refused by the field itself
            try:
                check()
            except RegistrationError as refusal:
                _refusal_add(self, refusal, {})
        return cleaned


class QuestionOptionFormSet(BaseInlineFormSet):
    """A choice question keeps an option on offer, other kinds have none; an option anyone
    chose is never deleted."""

    def clean(self) -> None:
        # Before the admin's own check, which would list the answers as "protected objects".
        for form in self.deleted_forms:
            if form.instance.pk:
                self._deletion_check(form.instance)
        super().clean()
        offered = kept = 0
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue  # an empty row the organiser left alone
            if self._should_delete_form(form):
                continue
            kept += 1
            if form.cleaned_data and not form.cleaned_data.get("retired"):
                offered += 1
        question = self.instance
        try:
            question_options_check(
                kind=question.kind, retired=question.retired, offered=offered, kept=kept
            )
        except RegistrationError as refusal:
            raise forms.ValidationError(str(refusal.message)) from refusal

    def _deletion_check(self, option: QuestionOption) -> None:
        try:
            option_delete_check(option=option)
        except RegistrationError as refusal:
            raise forms.ValidationError(str(refusal.message)) from refusal

    def delete_existing(self, obj: QuestionOption, commit: bool = True) -> None:
        if commit:
            question_option_delete(option=obj)


# A condition's "source" and "answers" name what they point at, so one pair of fields covers
# both kinds of condition: "question:12" / "option:34", "field:region" / "region:macao".
QUESTION_PREFIX, OPTION_PREFIX, FIELD_PREFIX = "question:", "option:", "field:"


@dataclass(frozen=True)
class ConditionSources:
    """What a question's conditions can point at: the seminar's other choice questions (with
    their options) and the fixed registration fields, loaded once for all the condition rows.

    Only the choice questions before this one are offered (`earlier`). The later ones are still
    known, so a condition naming one (posted from a page opened before someone reordered the
    questions) is refused by the rule, which says why, not as an unknown choice."""

    questions: dict[int, Question]
    options: dict[int, QuestionOption]
    earlier: frozenset[int]

    @classmethod
    def load(cls, question: Question) -> "ConditionSources":
        others = (
            Question.objects.filter(seminar_id=question.seminar_id, kind__in=Question.CHOICE_KINDS)
            .exclude(pk=question.pk)
            .prefetch_related("options")
        )
        questions = {other.pk: other for other in others}
        options = {
            option.pk: option for other in questions.values() for option in other.options.all()
        }
        earlier = frozenset(
            pk
            for pk, other in questions.items()
            if question_precedes(question=other, other=question)
        )
        return cls(questions=questions, options=options, earlier=earlier)

    def offered(self, keep: int | None = None) -> list[int]:
        """The questions a condition row offers: the earlier ones, and `keep`, the question its
        saved condition names, so that it shows as saved even if it has come later since."""
        return [pk for pk in self.questions if pk in self.earlier or pk == keep]

    def source_choices(self, questions: Iterable[int]) -> list:
        questions = [(f"{QUESTION_PREFIX}{pk}", self.questions[pk].label) for pk in questions]
        fields = [
            (f"{FIELD_PREFIX}{name}", CONDITION_FIELD_TITLES[name]) for name in CONDITION_FIELDS
        ]
        return [
            ("", "---------"),
            (_("An earlier question"), questions),
            (_("A registration detail"), fields),
        ]

    def answer_choices(self, questions: Iterable[int]) -> list:
        """The answers grouped by what they answer; each group knows its source, so the page's
        script can show only the group of the source chosen."""
        groups = [
            (
                AnswerGroup(question.label, f"{QUESTION_PREFIX}{question.pk}"),
                [(f"{OPTION_PREFIX}{o.pk}", o.label) for o in question.options.all()],
            )
            for question in map(self.questions.__getitem__, questions)
        ]
        groups += [
            (
                AnswerGroup(CONDITION_FIELD_TITLES[name], f"{FIELD_PREFIX}{name}"),
                [(f"{name}:{value}", label) for value, label in condition_field_choices(name)],
            )
            for name in CONDITION_FIELDS
        ]
        return groups


@dataclass(frozen=True)
class AnswerGroup:
    """A group of answers to tick: reads as its label, and names the source it belongs to."""

    label: str
    source: str

    def __str__(self) -> str:
        return str(self.label)


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset per group, its legend naming the question or detail. Rendered
    by the project's templates (the form renderer sees only the apps' own)."""

    template_name = "admin/registrations/question/grouped_checkboxes.html"

    def render(self, name, value, attrs=None, renderer=None) -> str:
        context = self.get_context(name, value, attrs)
        # A template's output is already marked safe; its variables were escaped as it rendered.
        return render_to_string(self.template_name, context)


class QuestionConditionForm(forms.ModelForm):
    source = forms.ChoiceField(
        label=_("Show this question only if"),
        required=False,
        help_text=_("Only an earlier choice question can decide: change the order if needed."),
    )
    answers = forms.MultipleChoiceField(
        label=_("is one of"),
        required=False,
        widget=GroupedCheckboxes,
        help_text=_("Tick the answers under the question or detail chosen above."),
    )
    # Where the rules' fields are shown on this form.
    FIELDS = {"depends_on": "source", "field": "source", "options": "answers", "values": "answers"}

    class Meta:
        model = QuestionCondition
        fields = ()

    def __init__(self, *args, sources: ConditionSources, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sources = sources
        condition = self.instance
        offered = sources.offered(keep=condition.depends_on_id if condition.pk else None)
        # Any of the seminar's choice questions is accepted, and refused by the rule with its
        # reason when it comes later; only the ones a condition can name are offered.
        source, answers = self.fields["source"], self.fields["answers"]
        source.choices = sources.source_choices(sources.questions)
        source.widget.choices = sources.source_choices(offered)
        answers.choices = sources.answer_choices(sources.questions)
        answers.widget.choices = sources.answer_choices(offered)
        self._options: list[QuestionOption] = []
        if condition.pk:
            if condition.depends_on_id:
                self.initial["source"] = f"{QUESTION_PREFIX}{condition.depends_on_id}"
                self.initial["answers"] = [
                    f"{OPTION_PREFIX}{option.pk}" for option in condition.options.all()
                ]
            else:
                self.initial["source"] = f"{FIELD_PREFIX}{condition.field}"
                self.initial["answers"] = [f"{condition.field}:{v}" for v in condition.values]

    def clean(self) -> dict:
        cleaned = super().clean()
        source, answers = cleaned.get("source", ""), cleaned.get("answers", [])
        condition = self.instance
        condition.depends_on, condition.field, condition.values = None, "", []
        self._options = []
        if source.startswith(QUESTION_PREFIX):
            condition.depends_on = self.sources.questions[int(source.removeprefix(QUESTION_PREFIX))]
            if not all(answer.startswith(OPTION_PREFIX) for answer in answers):
                # Ticked under a registration detail: said, rather than dropped unnoticed.
                label = {"label": condition.depends_on.label}
                self.add_error("answers", str(CONDITION_ANSWERS_ELSEWHERE % label))
                return cleaned
            self._options = [
                self.sources.options[int(answer.removeprefix(OPTION_PREFIX))] for answer in answers
            ]
        elif source.startswith(FIELD_PREFIX):
            condition.field = source.removeprefix(FIELD_PREFIX)
            prefix = f"{condition.field}:"
            condition.values = [answer.removeprefix(prefix) for answer in answers]
        try:
            condition_check(
                question=condition.question,
                depends_on=condition.depends_on,
                options=self._options,
                field=condition.field,
                values=condition.values,
            )
        except RegistrationError as refusal:
            _refusal_add(self, refusal, self.FIELDS)
        return cleaned

    def _save_m2m(self) -> None:
        super()._save_m2m()
        self.instance.options.set(self._options if self.instance.depends_on_id else [])


class QuestionConditionFormSet(BaseInlineFormSet):
    sources: ConditionSources

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "sources": self.sources}


class SeminarChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seminar: Seminar) -> str:
        return f"{seminar.title} ({timezone.localtime(seminar.starts_at):%Y-%m-%d})"


class QuestionsCopyForm(forms.Form):
    source = SeminarChoiceField(
        label=_("Copy the questions of"),
        queryset=Seminar.objects.none(),
        help_text=_(
            "Questions still asked are copied with their options, conditions and every "
            "language, after this seminar's own questions. A question this seminar already "
            "asks (the same English label) is not copied again."
        ),
    )

    def __init__(self, *args, target: Seminar, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Seminar.objects.filter(questions__retired=False)
            .exclude(pk=target.pk)
            .distinct()
            .order_by("-starts_at")
        )
