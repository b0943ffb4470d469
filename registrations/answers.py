"""Answers to a seminar's own questions: stored with the booking, changed by the registrant while
registration is open (or by an organiser), and read back in the reader's language. Which
questions are shown is decided by questions.py; every path here applies that rule, so an answer
to a hidden question is never stored whoever calls, and an answer to a question that stops
applying is removed.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .answer_text import answer_text
from .audit import audit_record
from .errors import RegistrationError
from .models import Answer, AnswerChoice, AuditEntry, Question, QuestionOption, Registration
from .questions import (
    Answers,
    AnswerValue,
    answer_initial,
    chosen_options,
    field_name,
    questions_applicable,
    questions_visible,
    registration_fixed,
    seminar_questions,
)

QUESTIONS_NOT_EDITABLE = _(
    "Registration for this seminar has closed, so the answers can no longer be changed."
)


def answer_display(*, question: Question, answer: Answer) -> str:
    """An answer as people read it, in the active language, by the one rule the admin and the
    exports use too (answer_text.py). Options loaded with the answer stay readable when
    retired or relabelled."""
    return answer_text(question=question, value=answer.value, options=answer.options.all())


def registration_answers_given(*, registration: Registration) -> list[tuple[Question, str]]:
    """(question, answer in words) for every answer the registration holds, in the seminar's
    order of questions, retired ones included: what we keep is what the registrant sees. Two
    queries however many answers."""
    return answers_in_words(registrations_answers(registrations=[registration])[registration.pk])


def registrations_answers(*, registrations: list[Registration]) -> dict[int, list[Answer]]:
    """The answers of many registrations at once (a batch of emails), by registration id, in
    the seminar's order of questions: two queries however many registrations. The words depend
    on the reader's language, so answers_in_words turns each list into them when it is read."""
    answers = (
        Answer.objects.filter(registration__in=registrations)
        .select_related("question")
        .prefetch_related(
            Prefetch("options", queryset=QuestionOption.objects.order_by("order", "pk"))
        )
        .order_by("question__order", "question__pk")
    )
    by_registration = {registration.pk: [] for registration in registrations}
    for answer in answers:
        by_registration[answer.registration_id].append(answer)
    return by_registration


def answers_in_words(answers: list[Answer]) -> list[tuple[Question, str]]:
    """(question, answer in words) in the active language, leaving out empty answers."""
    shown = [
        (answer.question, answer_display(question=answer.question, answer=answer))
        for answer in answers
    ]
    return [(question, text) for question, text in shown if text]


def registration_questions(*, registration: Registration) -> tuple[list[Question], dict[str, Any]]:
    """What the registrant's answers page asks, and what it starts from: the seminar's
    questions that can apply to this registration (its fixed fields ruled none of them out),
    retired options it chose included, and the form's initial values from its answers."""
    stored = _stored_answers(registration)
    kept_options = [option.pk for answer in stored.values() for option in answer.options.all()]
    questions = questions_applicable(
        questions=seminar_questions(seminar=registration.seminar, keep_options=kept_options),
        known=registration_fixed(registration),
    )
    initial = {
        field_name(question): answer_initial(question, stored[question.pk])
        for question in questions
        if question.pk in stored
    }
    return questions, initial


@dataclass(frozen=True)
class AnswersState:
    """Where a registration stands with the seminar's questions (those still asked, in order):
    which shown ones it has answered, and which apply to it with no answer yet."""

    questions: list[Question]
    answered: frozenset[int]
    unanswered: list[Question]


def registration_answers_state(
    *, registration: Registration, changes: Mapping[str, Any] | None = None
) -> AnswersState:
    """Where the registration stands with the questions, or would stand if its fixed fields
    took the `changes` (say {"attendance_mode": "online"}): answers to questions then hidden
    count as gone, as answers_hidden_remove would remove them. Six queries."""
    stored = _stored_answers(registration)
    kept_options = [option.pk for answer in stored.values() for option in answer.options.all()]
    questions = seminar_questions(seminar=registration.seminar, keep_options=kept_options)
    chosen = {
        question.pk: {option.pk for option in stored[question.pk].options.all()}
        for question in questions
        if question.has_options and question.pk in stored
    }
    shown = questions_visible(
        questions=questions,
        fixed={**registration_fixed(registration), **(changes or {})},
        chosen=chosen,
    )
    return AnswersState(
        questions=questions,
        answered=frozenset(pk for pk in stored if pk in shown),
        unanswered=[
            question for question in questions if question.pk in shown and question.pk not in stored
        ],
    )


@dataclass(frozen=True)
class AnswersChange:
    """What a change of a registration's fixed fields did to its answers."""

    removed: list[Question]  # answered before, and no longer (the question stopped applying)
    asked: list[Question]  # apply now with no answer, and did not before


def answers_change(*, before: AnswersState, after: AnswersState) -> AnswersChange:
    """Compare two states of one registration (registration_answers_state before and after a
    change of its details or attendance mode), in the seminar's order of questions."""
    unanswered_before = {question.pk for question in before.unanswered}
    return AnswersChange(
        removed=[
            question
            for question in before.questions
            if question.pk in before.answered and question.pk not in after.answered
        ],
        asked=[question for question in after.unanswered if question.pk not in unanswered_before],
    )


# Storing answers.


def _is_empty(value: AnswerValue) -> bool:
    return value == "" or value == [] or value is None


def _answers_insert(*, registration: Registration, answers: Answers) -> None:
    """Insert answers (one query for the answers, one for the chosen options)."""
    rows = [
        (
            question,
            Answer(
                registration=registration,
                question=question,
                value="" if question.has_options else value,
            ),
        )
        for question, value in answers.items()
    ]
    Answer.objects.bulk_create([answer for _question, answer in rows])
    choices = [
        AnswerChoice(answer=answer, option=option)
        for question, answer in rows
        if question.has_options
        for option in {option.pk: option for option in answers[question]}.values()
        if option.question_id == question.pk
    ]
    if choices:
        AnswerChoice.objects.bulk_create(choices)


def _answers_kept(*, answers: Answers, fixed: Mapping[str, Any]) -> dict[Question, AnswerValue]:
    """The answers to store: those to shown questions that say something."""
    shown = questions_visible(questions=answers, fixed=fixed, chosen=chosen_options(answers))
    return {
        question: value
        for question, value in answers.items()
        if question.pk in shown and not _is_empty(value)
    }


def answers_store(*, registration: Registration, answers: Answers) -> None:
    """Store a new registration's answers; for registration_create, inside its transaction.

    Answers to questions hidden for this registration are dropped, whoever posted them, and so
    are empty ones. Two queries however many answers."""
    own = {
        question: value
        for question, value in answers.items()
        if question.seminar_id == registration.seminar_id and not question.retired
    }
    kept = _answers_kept(answers=own, fixed=registration_fixed(registration))
    if kept:
        _answers_insert(registration=registration, answers=kept)


def answers_editable(*, registration: Registration, now: datetime | None = None) -> bool:
    """Whether the registrant may still change their answers: while registration is open (the
    seminar published and inside its registration window, full or not) and the registration
    stands."""
    seminar = registration.seminar
    now = now or timezone.now()
    return (
        registration.is_active
        and seminar.status == Seminar.Status.PUBLISHED
        and not (seminar.registration_opens_at and now < seminar.registration_opens_at)
        and now < seminar.closes_at
    )


def _stored_answers(registration: Registration) -> dict[int, Answer]:
    return {
        answer.question_id: answer
        for answer in Answer.objects.filter(registration=registration).prefetch_related("options")
    }


def _sorted_value(value: AnswerValue) -> AnswerValue:
    return sorted(value, key=lambda option: option.pk) if isinstance(value, list) else value


def _stored_value(question: Question, answer: Answer) -> AnswerValue:
    return _sorted_value(list(answer.options.all()) if question.has_options else answer.value)


@transaction.atomic
def registration_answers_update(
    *,
    registration: Registration,
    answers: Answers,
    actor=None,
    now: datetime | None = None,
) -> list[Question]:
    """Change a registration's answers; returns the questions whose answer changed.

    The same rules as at registration, against the registration's own fixed fields: a shown
    question takes its new answer (an empty one removes the old); an answer to a hidden
    question is never stored, and one already stored is removed, personal data or not (an
    answer to a question that does not apply would be counted for someone it does not
    describe). Retired questions keep their answers: retired is not hidden.

    Registrants (no `actor`) may change answers only while registration is open
    (answers_editable); organisers at any time. Raises RegistrationError otherwise.
    """
    registration = (
        Registration.objects.select_for_update().select_related("seminar").get(pk=registration.pk)
    )
    if actor is None and not answers_editable(registration=registration, now=now):
        raise RegistrationError(QUESTIONS_NOT_EDITABLE)
    return _answers_apply(
        registration=registration,
        given={question.pk: value for question, value in answers.items()},
        actor=actor,
    )


def answers_hidden_remove(*, registration: Registration, actor=None) -> list[Question]:
    """After the registration's fixed fields changed (its details, its attendance mode): remove
    its answers to questions now hidden, personal data or not, and to questions depending on
    those; returns the questions whose answer was removed. Answers to retired questions stay.
    Call inside the transaction that changed the fields."""
    return _answers_apply(registration=registration, given={}, actor=actor)


def _answers_apply(
    *, registration: Registration, given: Mapping[int, AnswerValue], actor
) -> list[Question]:
    """Apply new answers (by question id) by the rules of registration_answers_update;
    questions not in `given` keep their answers, unless now hidden."""
    stored = _stored_answers(registration)
    kept_options = [option.pk for answer in stored.values() for option in answer.options.all()]
    questions = seminar_questions(seminar=registration.seminar, keep_options=kept_options)
    # The seminar's asked questions only, with the options they offer this registrant.
    current: dict[Question, AnswerValue] = {}
    for question in questions:
        if question.pk in given:
            value = given[question.pk]
            if question.has_options:
                offered = {option.pk: option for option in question.options.all()}
                value = list(
                    {
                        option.pk: offered[option.pk] for option in value if option.pk in offered
                    }.values()
                )
            current[question] = value
        elif question.pk in stored:
            current[question] = _stored_value(question, stored[question.pk])
    shown = questions_visible(
        questions=questions,
        fixed=registration_fixed(registration),
        chosen=chosen_options(current),
    )
    # A question no registrant can be shown any more (its earlier question was retired) is as
    # good as retired, and keeps its answers as retired questions do.
    possible = {question.pk for question in questions_applicable(questions=questions, known={})}
    changed, removed, added = [], [], {}
    for question in questions:
        old = stored.get(question.pk)
        if question.pk not in shown:
            if old is not None and question.pk in possible:
                removed.append(old.pk)
                changed.append(question)
            continue
        if question.pk not in given:
            continue
        value = current[question]
        if old is not None and _stored_value(question, old) == _sorted_value(value):
            continue
        if old is not None:
            removed.append(old.pk)
        if not _is_empty(value):
            added[question] = value
        if old is not None or not _is_empty(value):
            changed.append(question)
    if removed:
        Answer.objects.filter(pk__in=removed).delete()
    if added:
        _answers_insert(registration=registration, answers=added)
    if changed:
        # Which questions, not what was answered: some answers are personal data, which the
        # audit log would otherwise keep after the answer itself is removed.
        audit_record(
            action=AuditEntry.Action.UPDATED,
            actor=actor,
            seminar=registration.seminar,
            registration=registration,
            details={"answers": [question.pk for question in changed]},
        )
    return changed
