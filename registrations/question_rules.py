"""The rules a seminar's questions keep once organisers edit them, written once for the admin and
anything else that edits questions.

Each check raises RegistrationError whose `field` names the Question or QuestionCondition field the
message belongs next to (None: the question's options as a whole). The two deletions refuse while
answers exist, since answers must stay readable: retiring is the way to stop asking.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, ProtectedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .errors import RegistrationError
from .models import CONDITION_FIELDS, AnswerChoice, Question, QuestionOption, Registration

Kind = Question.Kind
# Any typed answer (a number, a date, an address) still reads as text.
TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

# The fixed fields a condition can name, as organisers call them on the dashboard.
CONDITION_FIELD_TITLES = {
    "participant_type": _("Participant type"),
    "organisation_size": _("Organisation size"),
    "region": _("Region"),
    "industry": _("Industry"),
    "heard_from": _("How they heard"),
    "preferred_language": _("Preferred language"),
    "attendance_mode": _("How they attend (hybrid seminars)"),
}

CONDITION_SOURCE_MISSING = _("Choose the earlier question or the registration field.")
CONDITION_ON_ITSELF = _("A question cannot depend on its own answer.")
CONDITION_OTHER_SEMINAR = _("Choose a question of the same seminar.")
CONDITION_NOT_CHOICE = _(
    "“%(label)s” is not a choice question: a condition needs answers to choose from."
)
CONDITION_NOT_EARLIER = _(
    "“%(label)s” comes after this question. A question can only depend on an earlier one: "
    "change the order so that “%(label)s” comes first."
)
CONDITION_ANSWERS_MISSING = _("Tick at least one answer that shows this question.")
CONDITION_ANSWERS_ELSEWHERE = _("Tick answers of “%(label)s” only.")
QUESTION_KIND_HAS_DEPENDENTS = _(
    "Other questions are shown depending on the answer to this one (%(labels)s), so it must stay "
    "a choice question. Change their conditions first."
)
QUESTION_KIND_ANSWERED = _(
    "People have answered this question already, and their answers could not be read as %(kind)s. "
    "Keep the kind, or retire this question and add a new one."
)
QUESTION_ORDER_AFTER_DEPENDENT = _(
    "“%(label)s” depends on this question, so this question must come before it (order below "
    "%(order)d)."
)
QUESTION_HAS_DEPENDENTS = _(
    "“%(label)s” cannot be deleted: other questions are shown depending on its answer "
    "(%(labels)s). Change their conditions first, or tick “no longer asked”."
)
QUESTION_NEEDS_OPTIONS = _("A choice question needs at least one option that is still offered.")
QUESTION_OPTIONS_NOT_CHOICE = _(
    "A question of the kind “%(kind)s” has no options to choose from, so nobody would see these. "
    "Delete them, or choose a single or multiple choice kind."
)
QUESTION_ANSWERED = _(
    "“%(label)s” cannot be deleted: %(count)s. Tick “no longer asked” instead, which stops asking "
    "it and keeps the answers readable."
)
OPTION_ANSWERED = _(
    "“%(label)s” cannot be deleted: %(count)s. Tick “no longer offered” instead, which stops "
    "offering it and keeps the answers readable and counted."
)
OPTION_IN_CONDITION = _(
    "“%(label)s” cannot be deleted: it decides when another question is shown (%(labels)s). "
    "Change that condition first, or tick “no longer offered”."
)


def _answered_by(count: int) -> str:
    return ngettext("%(count)d person answered it", "%(count)d people answered it", count) % {
        "count": count
    }


def _chosen_by(count: int) -> str:
    return ngettext("%(count)d person chose it", "%(count)d people chose it", count) % {
        "count": count
    }


def _position(question: Question) -> tuple[int, float]:
    """Where a question stands in its form: by order, then by age; a new one after the rest."""
    return (question.order, question.pk if question.pk is not None else float("inf"))


def question_precedes(*, question: Question, other: Question) -> bool:
    """Whether `question` comes before `other` in the form, so `other` may depend on it."""
    return _position(question) < _position(other)


def _labels(questions: Iterable[Question]) -> str:
    return ", ".join(f"“{question.label}”" for question in questions)


def condition_check(
    *,
    question: Question,
    depends_on: Question | None,
    options: Iterable[QuestionOption] = (),
    field: str = "",
    values: Iterable[str] = (),
) -> None:
    """A condition of `question` (as the organiser is about to save it, with its new order) is
    on an earlier choice question of the same seminar and some of its own options, or on a fixed
    registration field and some of its valid values."""
    if depends_on is not None:
        _condition_on_question_check(question=question, depends_on=depends_on, options=options)
    elif field in CONDITION_FIELDS:
        valid = {value for value, _label in condition_field_choices(field)}
        chosen = set(values)
        if not chosen:
            raise RegistrationError(CONDITION_ANSWERS_MISSING, field="values")
        if not chosen <= valid:
            title = CONDITION_FIELD_TITLES[field]
            raise RegistrationError(CONDITION_ANSWERS_ELSEWHERE % {"label": title}, field="values")
    else:
        raise RegistrationError(CONDITION_SOURCE_MISSING, field="depends_on")


def _condition_on_question_check(
    *, question: Question, depends_on: Question, options: Iterable[QuestionOption]
) -> None:
    label = {"label": depends_on.label}
    if question.pk is not None and depends_on.pk == question.pk:
        raise RegistrationError(CONDITION_ON_ITSELF, field="depends_on")
    if depends_on.seminar_id != question.seminar_id:
        raise RegistrationError(CONDITION_OTHER_SEMINAR, field="depends_on")
    if depends_on.kind not in Question.CHOICE_KINDS:
        raise RegistrationError(CONDITION_NOT_CHOICE % label, field="depends_on")
    if not question_precedes(question=depends_on, other=question):
        raise RegistrationError(CONDITION_NOT_EARLIER % label, field="depends_on")
    options = list(options)
    if not options:
        raise RegistrationError(CONDITION_ANSWERS_MISSING, field="options")
    if any(option.question_id != depends_on.pk for option in options):
        raise RegistrationError(CONDITION_ANSWERS_ELSEWHERE % label, field="options")


def condition_field_choices(field: str) -> list[tuple[str, str]]:
    """The values a fixed registration field can take, with their labels."""
    return [(value, label) for value, label in Registration._meta.get_field(field).choices]


def question_kind_change_check(*, question: Question, kind: str) -> None:
    """A saved question may change kind only if what was answered stays readable, and stays a
    choice question while other questions depend on its answer."""
    if question.pk is None:
        return
    old = Question.objects.values_list("kind", flat=True).get(pk=question.pk)
    if old == kind:
        return
    if kind not in Question.CHOICE_KINDS:
        dependents = _dependents(question)
        if dependents:
            raise RegistrationError(
                QUESTION_KIND_HAS_DEPENDENTS % {"labels": _labels(dependents)}, field="kind"
            )
    if question.answers.exists() and not _answers_stay_readable(question, old, kind):
        raise RegistrationError(
            QUESTION_KIND_ANSWERED % {"kind": Kind(kind).label.lower()}, field="kind"
        )


def _answers_stay_readable(question: Question, old: str, new: str) -> bool:
    if (old in Question.CHOICE_KINDS) != (new in Question.CHOICE_KINDS):
        return False  # chosen options and typed values are stored apart
    if old in Question.CHOICE_KINDS:
        if old != Kind.MULTIPLE or new == Kind.MULTIPLE:
            return True
        # Single choice from multiple: fine unless someone chose several.
        return not (
            AnswerChoice.objects.filter(answer__question=question)
            .values("answer")
            .annotate(chosen=Count("pk"))
            .filter(chosen__gt=1)
            .exists()
        )
    return new in TEXT_KINDS


def _dependents(question: Question) -> list[Question]:
    return list(
        Question.objects.filter(conditions__depends_on=question).exclude(pk=question.pk).distinct()
    )


def question_order_check(*, question: Question, order: int) -> None:
    """The questions that depend on this one must still come after it at its new order."""
    if question.pk is None:
        return
    moved = Question(pk=question.pk, order=order)
    for dependent in _dependents(question):
        if _position(dependent) <= _position(moved):
            params = {"label": dependent.label, "order": dependent.order}
            raise RegistrationError(QUESTION_ORDER_AFTER_DEPENDENT % params, field="order")


def question_options_check(*, kind: str, retired: bool, offered: int, kept: int) -> None:
    """A choice question still asked offers at least one option, and any other kind has none,
    as nobody would ever see them. `kept`: the options as the organiser is about to save them,
    `offered`: those of them not retired."""
    if kind not in Question.CHOICE_KINDS:
        if kept:
            raise RegistrationError(QUESTION_OPTIONS_NOT_CHOICE % {"kind": Kind(kind).label})
    elif not retired and offered < 1:
        raise RegistrationError(QUESTION_NEEDS_OPTIONS)


def question_delete_check(*, question: Question) -> None:
    answered = question.answers.count()
    if answered:
        raise RegistrationError(
            QUESTION_ANSWERED % {"label": question.label, "count": _answered_by(answered)}
        )
    dependents = _dependents(question)
    if dependents:
        raise RegistrationError(
            QUESTION_HAS_DEPENDENTS % {"label": question.label, "labels": _labels(dependents)}
        )


def option_delete_check(*, option: QuestionOption) -> None:
    chosen = AnswerChoice.objects.filter(option=option).count()
    if chosen:
        raise RegistrationError(
            OPTION_ANSWERED % {"label": option.label, "count": _chosen_by(chosen)}
        )
    deciding = Question.objects.filter(conditions__options=option).distinct()
    if deciding:
        raise RegistrationError(
            OPTION_IN_CONDITION % {"label": option.label, "labels": _labels(deciding)}
        )


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question nobody has answered (its options and conditions go with it)."""
    question_delete_check(question=question)
    try:
        question.delete()
    except ProtectedError as error:  # answered between the check and the delete
        raise RegistrationError(
            QUESTION_ANSWERED % {"label": question.label, "count": _answered_by(1)}
        ) from error


@transaction.atomic
def question_option_delete(*, option: QuestionOption) -> None:
    """Delete an option nobody has chosen and no condition names."""
    option_delete_check(option=option)
    try:
        option.delete()
    except ProtectedError as error:
        raise RegistrationError(
            OPTION_ANSWERED % {"label": option.label, "count": _chosen_by(1)}
        ) from error
