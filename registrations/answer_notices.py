"""What a registrant is told when a change of their details or of how they attend touches their
answers: which answers go and why, and which questions now apply with no answer.

A question shown only for some participant types, or only to online attendees, stops applying
when the registrant changes that field, and its answer is removed (answers.py); another may
start applying, and nobody would ask it unless we say so. The registrant reads both before the
change where the page can tell (the details page, the mode switch page) and after it.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .answers import AnswersChange, AnswersState
from .models import Question
from .questions import conditions_text, fixed_conditions


def questions_quoted(questions: Iterable[Question]) -> str:
    """“CPD membership number”, “Topics of interest” (「…」、「…」 in Traditional Chinese)."""
    return pgettext("separator between items of a list", ", ").join(
        pgettext("a question's label, quoted", "“%(label)s”") % {"label": question.label}
        for question in questions
    )


def answers_removed_notices(
    change: AnswersChange, *, questions: Sequence[Question], mode: str = ""
) -> list[str]:
    """One sentence per removed answer, saying why: at a change of attendance mode, that the
    question is not asked of those attending that way (`mode`, "online"); otherwise the
    conditions under which it applies."""
    notices = []
    for question in change.removed:
        if mode:
            notices.append(
                _(
                    "Your answer to “%(question)s” was removed: it is not asked of those "
                    "attending %(mode)s."
                )
                % {"question": question.label, "mode": mode}
            )
            continue
        conditions = conditions_text(question.conditions.all(), questions=questions)
        if conditions:
            notices.append(
                _(
                    "Your answer to “%(question)s” was removed: it applies only if you chose "
                    "%(conditions)s."
                )
                % {"question": question.label, "conditions": conditions}
            )
        else:
            notices.append(
                _(
                    "Your answer to “%(question)s” was removed: the question no longer applies "
                    "to you."
                )
                % {"question": question.label}
            )
    return notices


def questions_asked_notice(change: AnswersChange, *, editable: bool, mode: str = "") -> str:
    """What to answer now ("" when nothing new applies). While answers can still be changed,
    the registrant is sent to the answers page with this; after registration has closed, only
    the organisers can take the answer."""
    if not change.asked:
        return ""
    count = len(change.asked)
    values = {"questions": questions_quoted(change.asked), "mode": mode}
    if not editable:
        return (
            ngettext(
                "This question now applies to you: %(questions)s. Registration has closed, so it "
                "can no longer be answered on this website: please contact the organisers.",
                "These questions now apply to you: %(questions)s. Registration has closed, so "
                "they can no longer be answered on this website: please contact the organisers.",
                count,
            )
            % values
        )
    if mode:
        return (
            ngettext(
                "The organisers have a question for those attending %(mode)s. Please answer it: "
                "%(questions)s.",
                "The organisers have questions for those attending %(mode)s. Please answer them: "
                "%(questions)s.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "A question now applies to you. Please answer it: %(questions)s.",
            "Some questions now apply to you. Please answer them: %(questions)s.",
            count,
        )
        % values
    )


def mode_switch_notices(change: AnswersChange, *, mode: str) -> list[str]:
    """Before a switch of attendance mode: what it would do to the answers."""
    notices = [
        _(
            "Your answer to “%(question)s” will be removed: it is not asked of those attending "
            "%(mode)s."
        )
        % {"question": question.label, "mode": mode}
        for question in change.removed
    ]
    if change.asked:
        notices.append(
            ngettext(
                "The organisers have a question for those attending %(mode)s: %(questions)s. "
                "You will be asked to answer it after switching.",
                "The organisers have questions for those attending %(mode)s: %(questions)s. "
                "You will be asked to answer them after switching.",
                len(change.asked),
            )
            % {"mode": mode, "questions": questions_quoted(change.asked)}
        )
    return notices


def details_warnings(state: AnswersState, *, labels: Mapping[str, str]) -> list[str]:
    """Before a change of details: each answer that depends on a field of the form (`labels`:
    its fields by name, as it labels them), with the choices that keep it."""
    warnings = []
    for question in state.questions:
        if question.pk not in state.answered:
            continue
        conditions = fixed_conditions(question, questions=state.questions, fields=labels)
        if conditions:
            warnings.append(
                _(
                    "Your answer to “%(question)s” applies only if you chose %(conditions)s: "
                    "changing that removes the answer."
                )
                % {
                    "question": question.label,
                    "conditions": conditions_text(
                        conditions, questions=state.questions, labels=labels
                    ),
                }
            )
    return warnings
