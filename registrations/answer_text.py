"""An answer as a person reads it, in the active language: the admin, exports and anything else
showing answers call `answer_text`, so a yes is written the same way everywhere."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Question, QuestionOption

# How a yes/no or a declaration may be stored; anything else is shown as it was stored.
YES = frozenset({"yes", "true", "on", "1", "y"})
NO = frozenset({"no", "false", "off", "0", "n"})
CHOICES_JOINED = "; "


def answer_text(*, question: Question, value: str, options: Iterable[QuestionOption] = ()) -> str:
    """The chosen options' labels (in the options' order, joined with "; ") for a choice
    question; Yes, No or Confirmed for yes/no and declarations; else the value as typed.

    `options` must be the answer's chosen options, already loaded (no query here).
    """
    if question.kind in Question.CHOICE_KINDS:
        chosen = sorted(options, key=lambda option: (option.order, option.pk))
        return CHOICES_JOINED.join(option.label for option in chosen)
    flag = value.strip().lower()
    if question.kind == Question.Kind.DECLARATION and flag in YES:
        return _("Confirmed")
    if question.kind == Question.Kind.YES_NO:
        if flag in YES:
            return _("Yes")
        if flag in NO:
            return _("No")
    return value
