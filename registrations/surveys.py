"""A registrant answering the seminar's feedback survey: what their page shows, and storing one
response each.

One response each is kept without a lock: the first submit inserts the registrant's
SurveyParticipation row, which is unique per survey and registration, so of two submits racing
(a double click, two tabs) the database lets one in and the other meets an IntegrityError. For
a survey that keeps names, the loser then changes the response the winner stored; for an
anonymous one, whose responses cannot be found again, it is refused in words the registrant
reads. Who is asked is survey_audience.py's rule, read here through survey_asks().
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .errors import RegistrationError
from .models import (
    Registration,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyOption,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from .models.surveys import SURVEY_OPEN_DAYS
from .questions import field_name
from .survey_audience import survey_asks

Kind = SurveyQuestion.Kind
# The range of each scored kind, ends included.
SCORE_RANGES = {Kind.RATING: range(1, 6), Kind.RECOMMEND: range(0, 11)}

SURVEY_NOT_ASKED = _("This survey is not open to you.")
SURVEY_NOT_YET_OPEN = _("The survey has not opened yet.")
SURVEY_CLOSED = _("The survey has closed, so answers can no longer be sent or changed.")
SURVEY_ANONYMOUS_SENT = _(
    "You have already answered this survey. Answers are not linked to you, so they cannot be "
    "changed once sent."
)
SURVEY_QUESTION_GONE = _("The survey has changed since the page was opened. Please answer again.")
SURVEY_ANSWER_REQUIRED = _("Please answer this question.")
# A score off the scale (only a forged post sends one): which numbers the scale has.
SCORE_INVALID = {
    Kind.RATING: _("Choose a number from 1 to 5."),
    Kind.RECOMMEND: _("Choose a number from 0 to 10."),
}


class SurveyStage:
    NOT_ASKED = "not_asked"
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class SurveyState:
    """What the registrant's survey page shows. `answered_on` is the day of a response that
    keeps their name (an anonymous one is not linked, so only `answered` is known)."""

    stage: str
    survey: Survey | None = None
    answered: bool = False
    answered_on: date | None = None

    @property
    def can_answer(self) -> bool:
        return self.stage == SurveyStage.OPEN or (
            self.stage == SurveyStage.ANSWERED and self.editable
        )

    @property
    def editable(self) -> bool:
        return self.survey is not None and not self.survey.anonymous

    @property
    def opens_at(self) -> datetime | None:
        """When it opens, if known: a survey not marked ready has no date to promise yet."""
        if self.survey is None or not self.survey.ready:
            return None
        return self.survey.effective_opens_at

    @property
    def closes_at(self) -> datetime | None:
        return self.survey.effective_closes_at if self.survey else None


def survey_refusal(state: SurveyState) -> str:
    """Why this registrant cannot send answers now, in their words ("" when they can)."""
    if state.can_answer:
        return ""
    if state.stage == SurveyStage.ANSWERED:
        return SURVEY_ANONYMOUS_SENT
    return {
        SurveyStage.NOT_ASKED: SURVEY_NOT_ASKED,
        SurveyStage.NOT_YET_OPEN: SURVEY_NOT_YET_OPEN,
        SurveyStage.CLOSED: SURVEY_CLOSED,
    }[state.stage]


def registration_survey(*, registration: Registration) -> Survey | None:
    """The survey of the registration's seminar, if it has one (one query)."""
    return (
        Survey.objects.select_related("seminar").filter(seminar_id=registration.seminar_id).first()
    )


def survey_state(
    *, survey: Survey | None, registration: Registration, now: datetime
) -> SurveyState:
    """Where this registrant stands with the survey at `now`: not asked (no survey, a cancelled
    seminar, or not among those it asks), not open yet, open to answer, answered (changeable
    until the close unless anonymous) or closed. One query when asked, none otherwise."""
    if (
        survey is None
        or survey.seminar.status == Seminar.Status.CANCELLED
        or not survey_asks(survey=survey, registration=registration)
    ):
        return SurveyState(stage=SurveyStage.NOT_ASKED, survey=survey)
    if not survey.ready or now < survey.effective_opens_at:
        # Not ready: the organisers are still checking the questions, whatever the time.
        return SurveyState(stage=SurveyStage.NOT_YET_OPEN, survey=survey)
    answered, answered_on = _answered(survey=survey, registration=registration)
    if now >= survey.effective_closes_at:
        return SurveyState(
            stage=SurveyStage.CLOSED, survey=survey, answered=answered, answered_on=answered_on
        )
    stage = SurveyStage.ANSWERED if answered else SurveyStage.OPEN
    return SurveyState(stage=stage, survey=survey, answered=answered, answered_on=answered_on)


def _answered(*, survey: Survey, registration: Registration) -> tuple[bool, date | None]:
    participation = (
        SurveyParticipation.objects.filter(survey=survey, registration=registration)
        .values_list("pk", flat=True)
        .first()
    )
    if participation is None:
        return False, None
    if survey.anonymous:
        return True, None
    response = SurveyResponse.objects.filter(survey=survey, registration=registration).first()
    return True, response.submitted_on if response else None


def survey_questions(*, survey: Survey) -> list[SurveyQuestion]:
    """The questions respondents are asked, in order, with the options still offered: two
    queries. A choice question with no option on offer is left out (an organiser added it and
    has not given it options yet): shown, it would be a question with nothing to answer."""
    offered = SurveyOption.objects.filter(retired=False).order_by("order", "pk")
    questions = survey.questions.order_by("order", "pk").prefetch_related(
        Prefetch("options", queryset=offered)
    )
    return [
        question for question in questions if not question.has_options or question.options.all()
    ]


def survey_response_of(*, survey: Survey, registration: Registration) -> SurveyResponse | None:
    """The registrant's own response, with its answers, when the survey keeps names."""
    if survey.anonymous:
        return None
    return (
        SurveyResponse.objects.filter(survey=survey, registration=registration)
        .prefetch_related("answers__options")
        .first()
    )


def survey_response_submit(
    *,
    survey: Survey,
    registration: Registration,
    answers: Mapping[SurveyQuestion, str | list[SurveyOption]],
    now: datetime | None = None,
) -> SurveyResponse:
    """Store the registrant's answers: their one response, or, when the survey keeps names and
    they answered before, the same response with its answers replaced.

    The response copies the registration's participant type, region and language (the results'
    filters); an anonymous one has no link to the registration and only the day it was sent.
    Empty answers are not stored. Refused with a RegistrationError the registrant reads when
    they are not asked, the survey is not open, an anonymous response was sent already, or an
    answer does not fit its question (`field` names the question's form field).
    """
    now = now or timezone.now()
    state = survey_state(survey=survey, registration=registration, now=now)
    if not state.can_answer:
        raise RegistrationError(survey_refusal(state))
    rows = _answers_checked(survey=survey, answers=answers)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the race's loser carries on below
                SurveyParticipation.objects.create(survey=survey, registration=registration)
        except IntegrityError:
            response = _response_to_change(survey=survey, registration=registration)
            response.submitted_on = timezone.localdate(now)
            response.save(update_fields=["submitted_on"])
            response.answers.all().delete()
        else:
            response = SurveyResponse.objects.create(
                survey=survey,
                registration=None if survey.anonymous else registration,
                participant_type=registration.participant_type,
                region=registration.region,
                language=registration.preferred_language,
                submitted_on=timezone.localdate(now),
            )
        _answers_store(response=response, rows=rows)
    return response


def _response_to_change(*, survey: Survey, registration: Registration) -> SurveyResponse:
    """The response a second submit changes; refused for an anonymous survey (nothing can
    find the first response) and once the registration's link to it was removed."""
    if survey.anonymous:
        raise RegistrationError(SURVEY_ANONYMOUS_SENT)
    response = (
        SurveyResponse.objects.select_for_update()
        .filter(survey=survey, registration=registration)
        .first()
    )
    if response is None:
        raise RegistrationError(SURVEY_ANONYMOUS_SENT)
    return response


def _answers_checked(
    *, survey: Survey, answers: Mapping[SurveyQuestion, str | list[SurveyOption]]
) -> list[tuple[SurveyQuestion, str, int | None, list[SurveyOption]]]:
    """The answers as rows to store (question, text, score, options), after checking each fits
    its question whoever calls: a form is checked already, a script or a forged post is not."""
    rows = []
    given = {question.pk: value for question, value in answers.items()}
    for question in survey_questions(survey=survey):
        value = given.pop(question.pk, "")
        name = field_name(question)
        if question.has_options:
            chosen = (
                list(value) if isinstance(value, Iterable) and not isinstance(value, str) else []
            )
            offered = {option.pk for option in question.options.all()}
            if any(option.pk not in offered for option in chosen):
                raise RegistrationError(SURVEY_QUESTION_GONE, field=name)
            if len(chosen) > 1 and question.kind != Kind.MULTIPLE:
                raise RegistrationError(SURVEY_QUESTION_GONE, field=name)
            empty = not chosen
            text, score = "", None
        else:
            chosen = []
            text = str(value).strip() if value not in (None, False) else ""
            empty = text == ""
            score = _score(question, text, name=name) if not empty else None
        if empty:
            if question.required:
                raise RegistrationError(SURVEY_ANSWER_REQUIRED, field=name)
            continue
        rows.append((question, text, score, chosen))
    if given:
        # An answer to a question the survey does not have (deleted while the page was open).
        raise RegistrationError(SURVEY_QUESTION_GONE)
    return rows


def _score(question: SurveyQuestion, text: str, *, name: str) -> int | None:
    if question.kind not in SCORE_RANGES:
        return None
    if not text.isdigit() or int(text) not in SCORE_RANGES[question.kind]:
        raise RegistrationError(SCORE_INVALID[question.kind], field=name)
    return int(text)


def _answers_store(*, response: SurveyResponse, rows: list) -> None:
    stored = SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, value=text, score=score)
        for question, text, score, _chosen in rows
    )
    SurveyAnswerChoice.objects.bulk_create(
        SurveyAnswerChoice(answer=answer, option=option)
        for answer, (_question, _text, _score, chosen) in zip(stored, rows, strict=True)
        for option in chosen
    )


def surveys_open(*, now: datetime):
    """Surveys open at `now`, as a queryset, by the same rule as Survey.is_open: marked ready,
    a blank opening is the seminar's end, a blank close SURVEY_OPEN_DAYS after it."""
    latest_end = now - timedelta(days=SURVEY_OPEN_DAYS)
    opened = Q(opens_at__lte=now) | Q(opens_at__isnull=True, seminar__ends_at__lte=now)
    not_closed = Q(closes_at__gt=now) | Q(closes_at__isnull=True, seminar__ends_at__gt=latest_end)
    return Survey.objects.filter(opened, not_closed, ready=True).exclude(
        seminar__status=Seminar.Status.CANCELLED
    )
