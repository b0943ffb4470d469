"""An answer as a person reads it, in the active language: the admin, exports and anything else
showing answers call `answer_text`, so a yes is written the same way everywhere."""

from collections.abc import Iterable
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Question, QuestionOption

# How a yes/no or a declaration may be stored; anything else is shown as it was stored.
YES = frozenset({"yes", "true", "on", "1", "y"})
NO = frozenset({"no", "false", "off", "0", "n"})
CHOICES_JOINED = "; "


def answer_text(
    *,
    question: Question,
    value: str,
    options: Iterable[QuestionOption] = (),
    iso_dates: bool = False,
) -> str:
    """The chosen options' labels (in the options' order, joined with "; ") for a choice
    question; Yes, No or Confirmed for yes/no and declarations; a date as the active language
    writes one ("4 January 2027", "2027年1月4日"), or as stored (YYYY-MM-DD) with `iso_dates`,
    for exports, whose other dates are ISO too; else the value as typed.

    `options` must be the answer's chosen options, already loaded (no query here).
    """
    if question.kind in Question.CHOICE_KINDS:
        chosen = sorted(options, key=lambda option: (option.order, option.pk))
        return CHOICES_JOINED.join(option.label for option in chosen)
    if question.kind == Question.Kind.DATE and not iso_dates:
        try:
            return date_format(date.fromisoformat(value.strip()), "DATE_FORMAT")
        except ValueError:
            return value
    flag = value.strip().lower()
    if question.kind == Question.Kind.DECLARATION and flag in YES:
        return _("Confirmed")
    if question.kind == Question.Kind.YES_NO:
        if flag in YES:
            return _("Yes")
        if flag in NO:
            return _("No")
    return value
