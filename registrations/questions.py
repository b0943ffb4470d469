"""A seminar's own questions as registrants meet them: which are asked, when each is shown, and
the form field of each kind. Storing and reading the answers is in answers.py.

The visibility rule (`question_visible`) is written once and used three times: by the form, to
know which questions may be required and which posted answers to ignore; by the storing
services (answers.py), so that an answer to a hidden question is never kept whoever calls them;
and by the page, to tell the script what to show live (`condition_data`) and a reader without
the script when a question applies (`condition_hint`).

A question is shown when all its conditions hold. A condition on a fixed registration field
holds when the registrant chose one of its values; a condition on an earlier choice question
holds when that question is itself shown and was answered with one of its options. A question
whose earlier question is not asked any more (retired) or comes later is therefore hidden.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Prefetch, Q
from django.utils.html import conditional_escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar
from seminar.validators import phone_validate

from .models import (
    CONDITION_FIELDS,
    Answer,
    Question,
    QuestionCondition,
    QuestionOption,
    Registration,
)

Kind = Question.Kind
# What a registrant gave for one question: text (every kind without options, as stored), or
# the chosen options. Empty ("" or []) means no answer.
AnswerValue = str | list[QuestionOption]
Answers = Mapping[Question, AnswerValue]

YES, NO = "yes", "no"
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
# Yes or no, as the registrant reads it: the stored value is "yes" or "no".
YES_NO_CHOICES = ((YES, _("Yes")), (NO, _("No")))
# An option retired (or relabelled away) while the form was open, or a forged one: Django's own
# words would quote its internal id, which the registrant never saw.
CHOICE_GONE = _("That choice is no longer offered. Please choose again.")
# A date answer outside these years is a slip of the keyboard (0001, 9999), not a date.
DATE_EARLIEST, DATE_LATEST = date(1900, 1, 1), date(2100, 12, 31)
DATE_OUT_OF_RANGE = _("Enter a date between the years 1900 and 2100.")


def field_name(question: Question) -> str:
    """The form field (and posted name) of a question."""
    return f"question_{question.pk}"


def seminar_questions(*, seminar: Seminar, keep_options: Iterable[int] = ()) -> list[Question]:
    """The questions the seminar asks, in order, with their options and conditions loaded:
    four queries however many there are.

    Retired questions are left out, and so are retired options, except those in `keep_options`
    (options a registrant chose before they were retired stay on that registrant's page).
    """
    keep = list(keep_options)
    options = QuestionOption.objects.filter(Q(retired=False) | Q(pk__in=keep))
    return list(
        Question.objects.filter(seminar=seminar, retired=False)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("options", queryset=options.order_by("order", "pk")),
            Prefetch(
                "conditions",
                queryset=QuestionCondition.objects.order_by("pk").prefetch_related("options"),
            ),
        )
    )


def registration_fixed(registration: Registration) -> dict[str, str]:
    """The registration's fixed fields that a condition can name, as stored."""
    return {name: getattr(registration, name) for name in CONDITION_FIELDS}


def seminar_fixed(seminar: Seminar) -> dict[str, str]:
    """Fixed values the seminar itself decides: the attendance mode when there is only one."""
    modes = seminar.attendance_modes
    return {"attendance_mode": modes[0]} if len(modes) == 1 else {}


def _condition_holds(
    condition: QuestionCondition,
    *,
    fixed: Mapping[str, Any],
    chosen: Mapping[int, set[int]],
    shown: set[int],
) -> bool:
    if condition.depends_on_id:
        if condition.depends_on_id not in shown:
            return False
        wanted = {option.pk for option in condition.options.all()}
        return bool(wanted & chosen.get(condition.depends_on_id, set()))
    value = fixed.get(condition.field)
    return value not in (None, "") and str(value) in {str(wanted) for wanted in condition.values}


def question_visible(
    *,
    question: Question,
    fixed: Mapping[str, Any],
    chosen: Mapping[int, set[int]],
    shown: set[int],
) -> bool:
    """Whether `question` is shown: all its conditions hold.

    `fixed` holds the registrant's fixed fields (participant_type...), `chosen` the options
    (ids) chosen for each earlier choice question (by question id), and `shown` the questions
    found visible so far: a question that depends on a hidden one is hidden too.
    """
    return all(
        _condition_holds(condition, fixed=fixed, chosen=chosen, shown=shown)
        for condition in question.conditions.all()
    )


def questions_visible(
    *,
    questions: Iterable[Question],
    fixed: Mapping[str, Any],
    chosen: Mapping[int, set[int]],
) -> set[int]:
    """The ids of the questions shown for these answers, deciding in the seminar's order so a
    chain of conditions resolves in one pass."""
    shown: set[int] = set()
    for question in sorted(questions, key=lambda question: (question.order, question.pk)):
        if question_visible(question=question, fixed=fixed, chosen=chosen, shown=shown):
            shown.add(question.pk)
    return shown


def questions_applicable(
    *, questions: Sequence[Question], known: Mapping[str, Any]
) -> list[Question]:
    """The questions a form should carry when some fixed values are `known` already (not asked
    in that form): a question ruled out by a known value can never be shown there, nor can one
    depending on a question that is not carried, or on options it no longer offers."""
    carried: dict[int, set[int]] = {}  # question -> the options it offers
    applicable = []
    for question in questions:
        possible = True
        for condition in question.conditions.all():
            if condition.depends_on_id:
                offered = carried.get(condition.depends_on_id, set())
                possible = possible and any(
                    option.pk in offered for option in condition.options.all()
                )
            elif condition.field in known:
                possible = possible and _condition_holds(
                    condition, fixed=known, chosen={}, shown=set()
                )
        if possible:
            carried[question.pk] = {option.pk for option in question.options.all()}
            applicable.append(question)
    return applicable


def chosen_options(answers: Answers) -> dict[int, set[int]]:
    """The options chosen per question, as question_visible() takes them."""
    return {
        question.pk: {option.pk for option in value}
        for question, value in answers.items()
        if question.has_options and isinstance(value, list)
    }


# Building the form.


# Fixed fields the form asks in words other than the field's name, which is the organisers'.
FIXED_FIELD_QUESTIONS = {"attendance_mode": _("How will you attend?")}


def _fixed_field_label(name: str) -> str:
    if name in FIXED_FIELD_QUESTIONS:
        return str(FIXED_FIELD_QUESTIONS[name])
    return capfirst(Registration._meta.get_field(name).verbose_name)


def _fixed_value_label(name: str, value: str) -> str:
    return str(dict(Registration._meta.get_field(name).flatchoices).get(value, value))


def conditions_text(
    conditions: Iterable[QuestionCondition],
    *,
    questions: Sequence[Question],
    labels: Mapping[str, str] | None = None,
) -> str:
    """Conditions in words, each naming what to choose and where ("IP practitioner for “I am
    attending as”"), joined with "and"; "" for none. A fixed field is named as `labels` has it
    (the label of its field on the form the reader sees), else as the registrant is asked it."""
    labels = labels or {}
    by_pk = {other.pk: other for other in questions}
    parts = []
    for condition in conditions:
        if condition.depends_on_id:
            earlier = by_pk.get(condition.depends_on_id)
            subject = earlier.label if earlier else ""
            offered = {option.pk for option in earlier.options.all()} if earlier else set()
            # Name only what this form offers, not options retired since.
            choices = [option.label for option in condition.options.all() if option.pk in offered]
        else:
            subject = labels.get(condition.field) or _fixed_field_label(condition.field)
            choices = [_fixed_value_label(condition.field, value) for value in condition.values]
        parts.append(
            gettext("%(choices)s for “%(question)s”")
            % {
                "choices": pgettext("between the choices that show a question", " or ").join(
                    choices
                ),
                "question": subject,
            }
        )
    return pgettext("between the conditions of a question", " and ").join(parts)


def fixed_conditions(
    question: Question, *, questions: Sequence[Question], fields: Iterable[str]
) -> list[QuestionCondition]:
    """The conditions on these fixed `fields` that decide whether `question` is shown, its own
    and those of the earlier questions it depends on: changing one of those fields may hide it."""
    by_pk = {other.pk: other for other in questions}
    wanted = set(fields)
    found, seen, todo = [], set(), [question]
    while todo:
        current = todo.pop(0)
        if current.pk in seen:
            continue
        seen.add(current.pk)
        for condition in current.conditions.all():
            if condition.depends_on_id in by_pk:
                todo.append(by_pk[condition.depends_on_id])
            elif not condition.depends_on_id and condition.field in wanted:
                found.append(condition)
    return found


def condition_hint(
    question: Question,
    *,
    questions: Sequence[Question],
    known: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> str:
    """When the question applies, in words, for a reader without the script ("Answer only if
    you chose IP practitioner for “I am attending as”."); "" for a question always shown.
    Conditions on `known` values hold already in this form and are not repeated; `labels` are
    the form's own labels of the fixed fields it asks."""
    conditions = [
        condition
        for condition in question.conditions.all()
        if condition.depends_on_id or condition.field not in known
    ]
    text = conditions_text(conditions, questions=questions, labels=labels)
    if not text:
        return ""
    return gettext("Answer only if you chose %(conditions)s.") % {"conditions": text}


def condition_data(question: Question, *, known: Mapping[str, Any]) -> str:
    """The question's conditions for the script (static/js/questions.js) as JSON: each names
    the form field to read, the values that satisfy it and, for an earlier question, the
    wrapper that must be visible. Empty for a question always shown."""
    data = []
    for condition in question.conditions.all():
        if condition.depends_on_id:
            data.append(
                {
                    "name": f"question_{condition.depends_on_id}",
                    "values": [str(option.pk) for option in condition.options.all()],
                    "question": f"question-{condition.depends_on_id}",
                }
            )
        elif condition.field not in known:
            data.append({"name": condition.field, "values": [str(v) for v in condition.values]})
    return json.dumps(data) if data else ""


def _help_text(question: Question, hint: str) -> str:
    """Help text as HTML (crispy forms prints it as it is): the organiser's words escaped."""
    parts = []
    if question.help_text:
        parts.append(conditional_escape(question.help_text))
    if hint:
        parts.append(format_html('<span class="question-condition">{}</span>', hint))
    return format_html(" ".join(["{}"] * len(parts)), *parts) if parts else ""


def _option_choices(question: Question) -> list[tuple[str, str]]:
    return [(str(option.pk), option.label) for option in question.options.all()]


def _date_in_range(value: date) -> None:
    if not DATE_EARLIEST <= value <= DATE_LATEST:
        raise forms.ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


def question_field(question: Question, *, hint: str = "") -> forms.Field:
    """The form field for one question, labelled in the active language (English when the
    organiser left a translation empty). A declaration is a checkbox that must be ticked,
    labelled with its full text; every other kind is required only if the organiser said so.
    The form still decides whether a shown question's answer may be missing: a hidden one
    never needs one."""
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": _help_text(question, hint),
        "required": question.required,
    }
    kind = question.kind
    if kind in Question.CHOICE_KINDS or kind == Kind.YES_NO:
        common["error_messages"] = {"invalid_choice": CHOICE_GONE}
    if kind == Kind.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_TEXT_MAX, **common)
    if kind == Kind.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == Kind.CHOICE:
        return forms.ChoiceField(
            choices=_option_choices(question), widget=forms.RadioSelect, **common
        )
    if kind == Kind.DROPDOWN:
        return forms.ChoiceField(
            choices=[("", _("- Select an option -")), *_option_choices(question)], **common
        )
    if kind == Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=_option_choices(question), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if kind == Kind.DECLARATION:
        return forms.BooleanField(
            **{**common, "required": True},
            error_messages={"required": _("Please tick the box to confirm.")},
        )
    if kind == Kind.NUMBER:
        return forms.DecimalField(
            max_digits=15,
            decimal_places=4,
            widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )
    if kind == Kind.DATE:
        limits = {"min": DATE_EARLIEST.isoformat(), "max": DATE_LATEST.isoformat()}
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date", **limits}, format="%Y-%m-%d"),
            validators=[_date_in_range],
            **common,
        )
    if kind == Kind.EMAIL:
        return forms.EmailField(
            max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}), **common
        )
    if kind == Kind.PHONE:
        field = forms.CharField(max_length=30, validators=[phone_validate], **common)
        field.widget.input_type = "tel"
        return field
    raise ValueError(f"Unknown question kind {kind!r}")


def answer_from_cleaned(question: Question, value: Any) -> AnswerValue:
    """A cleaned form value as stored: options for choice kinds, text otherwise."""
    if question.has_options:
        # A box ticked twice in a forged form counts once.
        wanted = dict.fromkeys(value if isinstance(value, list) else [value])
        options = {str(option.pk): option for option in question.options.all()}
        return [options[pk] for pk in wanted if pk in options]
    # Not `value in (None, "", False)`: the number 0 equals False.
    if value is None or value is False or value == "":
        return ""
    if value is True:
        return YES
    if isinstance(value, Decimal):
        return format((value + 0).normalize(), "f")  # + 0 turns -0 into 0
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value).strip()


def answer_initial(question: Question, answer: Answer | None) -> Any:
    """A stored answer as the form shows it again."""
    if answer is None:
        return None
    if question.has_options:
        chosen = [str(option.pk) for option in answer.options.all()]
        return chosen if question.kind == Kind.MULTIPLE else (chosen[0] if chosen else None)
    if question.kind == Kind.DECLARATION:
        return answer.value == YES
    return answer.value


def questions_signature(*, questions: Sequence[Question], known: Mapping[str, Any]) -> str:
    """A digest of everything about these questions that a rendered form shows, in the active
    language: a cached empty form is stale exactly when it changes."""
    data = [
        [
            question.pk,
            question.kind,
            question.label,
            question.help_text,
            question.required,
            [(option.pk, option.label) for option in question.options.all()],
            [
                (c.depends_on_id, [o.pk for o in c.options.all()], c.field, c.values)
                for c in question.conditions.all()
            ],
        ]
        for question in questions
    ]
    payload = json.dumps([data, sorted(known.items())], default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()
