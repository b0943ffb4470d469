"""Copying a seminar's questions to another one: the next edition usually asks the same."""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Max, Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .errors import RegistrationError
from .models import Question, QuestionCondition, QuestionOption

QUESTIONS_COPY_SAME_SEMINAR = _("Choose another seminar: these are this seminar's own questions.")
QUESTIONS_COPY_NOTHING = _("“%(title)s” asks no questions that could be copied.")
QUESTIONS_COPY_ALL_ASKED = _(
    "This seminar already asks every question of “%(title)s” (questions with the same English "
    "label): nothing was copied."
)


@dataclass(frozen=True)
class QuestionsCopied:
    questions: list[Question]
    # Conditions on a question or on options no longer asked: they have nothing to point at.
    conditions_left_out: int
    # The source's questions not copied because the target already asks them.
    already_asked: list[Question]


def row_copy(instance: models.Model, **changes) -> models.Model:
    """An unsaved copy of every column, each language of a translated field included. Read
    from the row itself: a translated field's attribute would give the current language's.
    Also used for a whole new edition of a seminar (editions.py)."""
    row = vars(instance)
    values = {
        field.attname: row[field.attname]
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    return type(instance)(**{**values, **changes})


def _same_label(label: str | None) -> str:
    """An English label as compared for "already asked": case and spacing aside."""
    return " ".join((label or "").split()).casefold()


@transaction.atomic
def questions_copy(
    *, source: Seminar, target: Seminar, actor: AbstractBaseUser | None = None
) -> QuestionsCopied:
    """Copy `source`'s questions still asked, with their options still offered and their
    conditions, after `target`'s own questions, keeping their order and every language.

    A question `target` already asks (the same English label) is not copied again, so copying
    twice, or from an edition that shares some questions, asks nothing twice; conditions that
    named it point at `target`'s own question and its options of the same English labels.
    Conditions point at the copies of the questions and options they named. The seminar's admin
    history records who copied what.
    """
    if source.pk == target.pk:
        raise RegistrationError(QUESTIONS_COPY_SAME_SEMINAR, field="source")
    offered = QuestionOption.objects.filter(retired=False)
    originals = list(
        source.questions.filter(retired=False)
        .prefetch_related(Prefetch("options", queryset=offered), "conditions__options")
        .order_by("order", "pk")
    )
    if not originals:
        raise RegistrationError(QUESTIONS_COPY_NOTHING % {"title": source.title}, field="source")
    # Lock the target so two copies at once neither number their questions alike nor both copy
    # what neither saw asked yet.
    Seminar.objects.select_for_update().filter(pk=target.pk).first()
    asked = {
        _same_label(question.label_en): question
        for question in target.questions.filter(retired=False).prefetch_related(
            Prefetch("options", queryset=offered)
        )
    }
    to_copy = [original for original in originals if _same_label(original.label_en) not in asked]
    if not to_copy:
        raise RegistrationError(QUESTIONS_COPY_ALL_ASKED % {"title": source.title}, field="source")
    last = target.questions.aggregate(last=Max("order"))["last"]
    shift = 0 if last is None else last + 1 - to_copy[0].order

    # What each of the source's questions and options became on the target, for conditions.
    copies: dict[int, Question] = {}
    option_copies: dict[int, QuestionOption] = {}
    already_asked = []
    for original in originals:
        same = asked.get(_same_label(original.label_en))
        if same is not None:
            already_asked.append(original)
            _stand_in(original, same, copies, option_copies)
            continue
        copy = row_copy(original, seminar_id=target.pk, order=original.order + shift)
        copy.save()
        copies[original.pk] = copy
        for option in original.options.all():
            option_copy = row_copy(option, question_id=copy.pk)
            option_copy.save()
            option_copies[option.pk] = option_copy

    left_out = 0
    for original in to_copy:
        for condition in original.conditions.all():
            if not _condition_copy(condition, copies, option_copies):
                left_out += 1

    copied = [copies[original.pk] for original in to_copy]
    if actor is not None and actor.is_authenticated:
        _history_record(actor=actor, target=target, copies=copied)
    return QuestionsCopied(
        questions=copied, conditions_left_out=left_out, already_asked=already_asked
    )


def _stand_in(
    original: Question,
    asked: Question,
    copies: dict[int, Question],
    option_copies: dict[int, QuestionOption],
) -> None:
    """The target's own question (asked before the copies) answers for `original` in the
    copied conditions, if it is a choice question; its options by their English labels."""
    if asked.kind not in Question.CHOICE_KINDS:
        return
    copies[original.pk] = asked
    options = {_same_label(option.label_en): option for option in asked.options.all()}
    for option in original.options.all():
        if _same_label(option.label_en) in options:
            option_copies[option.pk] = options[_same_label(option.label_en)]


def _condition_copy(
    condition: QuestionCondition,
    copies: dict[int, Question],
    option_copies: dict[int, QuestionOption],
) -> bool:
    """Copy one condition onto the copy of its question; False when it has nothing to point
    at any more (an earlier question or all its options were not copied)."""
    question = copies[condition.question_id]
    if not condition.depends_on_id:
        row_copy(condition, question_id=question.pk).save()
        return True
    depends_on = copies.get(condition.depends_on_id)
    options = [option_copies[o.pk] for o in condition.options.all() if o.pk in option_copies]
    if depends_on is None or not options:
        return False
    copy = row_copy(condition, question_id=question.pk, depends_on_id=depends_on.pk)
    copy.save()
    copy.options.set(options)
    return True


def _history_record(*, actor: AbstractBaseUser, target: Seminar, copies: list[Question]) -> None:
    """One entry in the seminar's admin history naming each question added. Seminar set-up is
    recorded there rather than in the audit log, which is about registrations and exports."""
    with translation.override(None):  # stored untranslated, read in each reader's language
        name = str(Question._meta.verbose_name)
    message = [{"added": {"name": name, "object": copy.label_en}} for copy in copies]
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[target], action_flag=CHANGE, change_message=message
    )
