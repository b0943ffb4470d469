"""The rules a feedback survey's questions keep once organisers edit them, written once for the
admin and anything else that edits surveys (the edition copy, say).

Each check raises RegistrationError whose `field` names the SurveyQuestion field the message
belongs next to (None: the question's options as a whole). Answers must stay readable and
counted: a question or option someone answered is never deleted (an option is retired instead)
and an answered question keeps a kind its answers can be read as.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, ProtectedError
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seminar.models import Seminar
from seminar.templatetags.seminar_tags import hkt_datetime

from .errors import RegistrationError
from .models import Survey, SurveyAnswerChoice, SurveyOption, SurveyQuestion
from .questions import SHORT_TEXT_MAX

Kind = SurveyQuestion.Kind
# Any typed answer (a number, a date, a score) still reads as text.
TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

SURVEY_QUESTION_KIND_ANSWERED = _(
    "People have answered this question already, and their answers could not be read as %(kind)s. "
    "Keep the kind, or add a new question."
)
SURVEY_QUESTION_NEEDS_OPTIONS = _(
    "A choice question needs at least one option that is still offered."
)
SURVEY_QUESTION_OPTIONS_NOT_CHOICE = _(
    "A question of the kind “%(kind)s” has no options to choose from, so nobody would see these. "
    "Delete them, or choose a single or multiple choice kind."
)
SURVEY_QUESTION_ANSWERED = _(
    "“%(label)s” cannot be deleted: %(count)s. Its answers are part of the survey's results."
)
SURVEY_OPTION_ANSWERED = _(
    "“%(label)s” cannot be deleted: %(count)s. Tick “no longer offered” instead, which stops "
    "offering it and keeps the answers readable and counted."
)
SURVEY_HEADLINE_KIND = _(
    "Headline words are quoted only for a rating or a yes/no question: leave them empty here."
)
SURVEY_HAS_RESPONSES = _(
    "This survey cannot be deleted: %(count)s. Its results are kept for the seminar's report."
)
SURVEY_ANONYMITY_ANSWERED = _(
    "People have answered already, under the promise this setting made them: keep it as it is. "
    "Anonymous responses can never be linked back, and linked ones were not given anonymously."
)
SURVEY_CLOSES_BEFORE_OPENING = _(
    "The survey would close (%(closes)s) before it opens (%(opens)s). A blank opening time "
    "means the seminar's end, a blank closing time 14 days after it: set a closing time after "
    "the opening time."
)
SURVEY_QUESTION_HAS_OPTIONS = _(
    "This question has options (%(count)d), which a question of the kind “%(kind)s” cannot "
    "show. Keep a choice kind, or delete its options on its page first."
)
SURVEY_QUESTION_TOO_LONG_FOR_SHORT = _(
    "Answers longer than a short text allows (%(limit)d characters): %(count)d. Keep the long "
    "text kind so they stay whole."
)
# The kinds whose results make a "92% found ..." headline.
HEADLINE_KINDS = (Kind.RATING, Kind.YES_NO)


def _answered_by(count: int) -> str:
    return ngettext("%(count)d person answered it", "%(count)d people answered it", count) % {
        "count": count
    }


def _chosen_by(count: int) -> str:
    return ngettext("%(count)d person chose it", "%(count)d people chose it", count) % {
        "count": count
    }


def survey_question_kind_change_check(*, question: SurveyQuestion, kind: str) -> None:
    """A saved question may change kind only if what was answered stays readable and counted."""
    if question.pk is None:
        return
    old = SurveyQuestion.objects.values_list("kind", flat=True).get(pk=question.pk)
    if old == kind or not question.answers.exists():
        return
    if not _answers_stay_readable(question, old, kind):
        raise RegistrationError(
            SURVEY_QUESTION_KIND_ANSWERED % {"kind": Kind(kind).label.lower()}, field="kind"
        )
    if kind == Kind.SHORT_TEXT:
        # Typed answers read as short text only if they fit one: a longer one would be cut.
        too_long = (
            question.answers.annotate(length=Length("value"))
            .filter(length__gt=SHORT_TEXT_MAX)
            .count()
        )
        if too_long:
            raise RegistrationError(
                SURVEY_QUESTION_TOO_LONG_FOR_SHORT % {"count": too_long, "limit": SHORT_TEXT_MAX},
                field="kind",
            )


def _answers_stay_readable(question: SurveyQuestion, old: str, new: str) -> bool:
    choice_kinds = SurveyQuestion.CHOICE_KINDS
    if (old in choice_kinds) != (new in choice_kinds):
        return False  # chosen options and typed values are stored apart
    if old in choice_kinds:
        if old != Kind.MULTIPLE or new == Kind.MULTIPLE:
            return True
        # Single choice from multiple: fine unless someone chose several.
        return not (
            SurveyAnswerChoice.objects.filter(answer__question=question)
            .values("answer")
            .annotate(chosen=Count("pk"))
            .filter(chosen__gt=1)
            .exists()
        )
    # A score becomes meaningless on another scale (a 5 of 5 is not a 5 of 10), so scores
    # stay where they are; anything typed can still be read as text.
    return new in TEXT_KINDS and old not in SurveyQuestion.SCORE_KINDS


def survey_times_check(
    *, seminar: Seminar, opens_at: datetime | None, closes_at: datetime | None
) -> None:
    """The survey closes after it opens, as it will really be open: a blank opening is the
    seminar's end, a blank close SURVEY_OPEN_DAYS after it (Survey.effective_*). The message
    goes next to the time the organiser typed that makes it wrong."""
    draft = Survey(seminar=seminar, opens_at=opens_at, closes_at=closes_at)
    opens, closes = draft.effective_opens_at, draft.effective_closes_at
    if closes > opens:
        return
    words = {"opens": hkt_datetime(opens), "closes": hkt_datetime(closes)}
    raise RegistrationError(
        SURVEY_CLOSES_BEFORE_OPENING % words, field="closes_at" if closes_at else "opens_at"
    )


def survey_question_kind_options_check(*, question: SurveyQuestion, kind: str) -> None:
    """A question with options keeps a kind that shows them: options are dropped on the
    question's own page, on purpose, never as a side effect of a kind change."""
    if question.pk is None or kind in SurveyQuestion.CHOICE_KINDS:
        return
    count = question.options.count()
    if count:
        raise RegistrationError(
            SURVEY_QUESTION_HAS_OPTIONS % {"count": count, "kind": Kind(kind).label},
            field="kind",
        )


def survey_questions_without_options(*, survey: Survey) -> list[SurveyQuestion]:
    """Choice questions with no option on offer: respondents are not asked them (see
    survey_questions) until they have one, which the admin says after saving."""
    offered = SurveyOption.objects.filter(question=OuterRef("pk"), retired=False)
    return list(
        survey.questions.filter(kind__in=SurveyQuestion.CHOICE_KINDS)
        .exclude(Exists(offered))
        .order_by("order", "pk")
    )


def survey_anonymity_change_check(*, survey: Survey, anonymous: bool) -> None:
    """Whether answers are anonymous is what respondents were told: fixed once anyone answered."""
    if survey.pk is None:
        return
    old = Survey.objects.values_list("anonymous", flat=True).get(pk=survey.pk)
    if old != anonymous and survey.participations.exists():
        raise RegistrationError(SURVEY_ANONYMITY_ANSWERED, field="anonymous")


def survey_question_headline_check(*, kind: str, headline: str) -> None:
    """Headline words only where the summary quotes them."""
    if headline.strip() and kind not in HEADLINE_KINDS:
        raise RegistrationError(SURVEY_HEADLINE_KIND, field="headline")


def survey_question_options_check(*, kind: str, offered: int, kept: int) -> None:
    """A choice question offers at least one option, and any other kind has none, as nobody
    would ever see them. `kept`: the options as the organiser is about to save them,
    `offered`: those of them not retired."""
    if kind not in SurveyQuestion.CHOICE_KINDS:
        if kept:
            raise RegistrationError(SURVEY_QUESTION_OPTIONS_NOT_CHOICE % {"kind": Kind(kind).label})
    elif offered < 1:
        raise RegistrationError(SURVEY_QUESTION_NEEDS_OPTIONS)


def survey_question_delete_check(*, question: SurveyQuestion) -> None:
    answered = question.answers.count() if question.pk else 0
    if answered:
        raise RegistrationError(
            SURVEY_QUESTION_ANSWERED % {"label": question.label, "count": _answered_by(answered)}
        )


def survey_option_delete_check(*, option: SurveyOption) -> None:
    chosen = SurveyAnswerChoice.objects.filter(option=option).count() if option.pk else 0
    if chosen:
        raise RegistrationError(
            SURVEY_OPTION_ANSWERED % {"label": option.label, "count": _chosen_by(chosen)}
        )


def survey_delete_check(*, survey: Survey) -> None:
    responses = survey.responses.count()
    if responses:
        count = ngettext("%(count)d response", "%(count)d responses", responses) % {
            "count": responses
        }
        raise RegistrationError(SURVEY_HAS_RESPONSES % {"count": count})


@transaction.atomic
def survey_question_delete(*, question: SurveyQuestion) -> None:
    """Delete a question nobody has answered (its options go with it)."""
    survey_question_delete_check(question=question)
    try:
        question.delete()
    except ProtectedError as error:  # answered between the check and the delete
        raise RegistrationError(
            SURVEY_QUESTION_ANSWERED % {"label": question.label, "count": _answered_by(1)}
        ) from error


@transaction.atomic
def survey_option_delete(*, option: SurveyOption) -> None:
    """Delete an option nobody has chosen."""
    survey_option_delete_check(option=option)
    try:
        option.delete()
    except ProtectedError as error:
        raise RegistrationError(
            SURVEY_OPTION_ANSWERED % {"label": option.label, "count": _chosen_by(1)}
        ) from error
