"""Demo data for feedback surveys: the past hybrid workshop's survey, still open (it closes 30
days after the workshop), answered by about 70% of those it asks with seeded, realistic answers,
some comments in Chinese. The invitations count as sent (demo people get no mail). Those who
have not answered can, through their private link; the report names one.

Written directly in bulk, as the results would be after the fact; safe to run again: an
existing survey is left as it is.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from seminar.models import Seminar

from .demo_survey_questions import COMMENTS, SURVEY_INTRO, SURVEY_QUESTIONS
from .models import (
    Notification,
    Registration,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyOption,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from .permissions import VIEWERS, groups_ensure
from .survey_audience import survey_audience

Kind = SurveyQuestion.Kind
VIEWER_USERNAME = "demo-viewer"  # plainly a demo account, beside "organiser" and "checkin"
SURVEY_CLOSES_DAYS = 30
ANSWERED_SHARE = 0.7
LANGUAGES = ("en", "zh_hant", "zh_hans")
RATINGS = [(5, 40), (4, 35), (3, 15), (2, 7), (1, 3)]
RECOMMENDS = [(10, 20), (9, 25), (8, 25), (7, 14), (6, 8), (5, 4), (3, 4)]


def _translated(field: str, texts: tuple[str, ...]) -> dict[str, str]:
    return {f"{field}_{language}": text for language, text in zip(LANGUAGES, texts, strict=True)}


def _weighted(rng: random.Random, choices: list[tuple[int, int]]) -> int:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def survey_demo_load(*, seminar: Seminar, rng: random.Random, now: datetime) -> list[str]:
    if Survey.objects.filter(seminar=seminar).exists():
        return [f"The feedback survey of {seminar.slug} was already loaded; left as it is."]
    survey = Survey.objects.create(
        seminar=seminar,
        **{f"intro_{language}": SURVEY_INTRO[language] for language in LANGUAGES},
        closes_at=seminar.ends_at + timedelta(days=SURVEY_CLOSES_DAYS),
        ready=True,
        invitations_queued_at=now,
    )
    questions = _questions_load(survey)
    asked = list(survey_audience(survey=survey).order_by("pk"))
    # The invitations went when the survey opened.
    Notification.objects.bulk_create(
        [
            Notification(
                registration=registration,
                kind=Notification.Kind.SURVEY,
                status=Notification.Status.SENT,
                attempts=1,
                last_attempt_at=seminar.ends_at,
                sent_at=seminar.ends_at,
            )
            for registration in asked
        ],
        ignore_conflicts=True,
    )
    answering = [registration for registration in asked if rng.random() < ANSWERED_SHARE]
    _responses_load(survey, questions, answering, rng=rng, now=now)
    waiting = next(registration for registration in asked if registration not in answering)
    return [
        f"Created the feedback survey of {seminar.slug}: {len(answering)} of {len(asked)} "
        "asked have answered.",
        f"Answer it as {waiting.name_en}: /r/{waiting.token}/survey/",
    ]


def viewer_demo_load(*, password: str) -> list[str]:
    """A "Seminar viewers" account with the organiser's password: it reads the dashboards,
    summaries and survey results, and can neither change anything nor download responses."""
    groups_ensure()
    user, _ = get_user_model().objects.get_or_create(
        username=VIEWER_USERNAME, defaults={"is_staff": True, "email": "viewer@example.com"}
    )
    user.is_staff = True  # the admin's login page lets staff in; the group decides the rest
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=VIEWERS))
    return [f"Demo viewer (read only): {VIEWER_USERNAME} (the organiser's password), at /admin/"]


def _questions_load(survey: Survey) -> list[SurveyQuestion]:
    questions = []
    for order, (kind, required, label, headline, options) in enumerate(SURVEY_QUESTIONS):
        question = SurveyQuestion.objects.create(
            survey=survey,
            kind=kind,
            required=required,
            order=order,
            **_translated("label", label),
            **_translated("headline", headline),
        )
        SurveyOption.objects.bulk_create(
            SurveyOption(question=question, order=number, **_translated("label", texts))
            for number, texts in enumerate(options)
        )
        questions.append(question)
    return questions


def _responses_load(
    survey: Survey,
    questions: list[SurveyQuestion],
    answering: list[Registration],
    *,
    rng: random.Random,
    now: datetime,
) -> None:
    options = {question.pk: list(question.options.order_by("order")) for question in questions}
    ended = timezone.localdate(survey.seminar.ends_at)
    days_since = max(0, (timezone.localdate(now) - ended).days)
    SurveyParticipation.objects.bulk_create(
        SurveyParticipation(survey=survey, registration=registration) for registration in answering
    )
    responses, answers, chosen = [], [], []
    for registration in answering:
        response = SurveyResponse(
            survey=survey,
            registration=registration,
            participant_type=registration.participant_type,
            region=registration.region,
            language=registration.preferred_language,
            # Most answer in the first days after the email.
            submitted_on=ended + timedelta(days=min(days_since, int(rng.expovariate(0.5)))),
        )
        responses.append(response)
        for question in questions:
            given = _answer(question, options[question.pk], registration, rng=rng)
            if given is None:
                continue
            text, score, picked = given
            answers.append(
                SurveyAnswer(response=response, question=question, value=text, score=score)
            )
            chosen.append(picked)
    SurveyResponse.objects.bulk_create(responses)
    SurveyAnswer.objects.bulk_create(answers)
    SurveyAnswerChoice.objects.bulk_create(
        SurveyAnswerChoice(answer=answer, option=option)
        for answer, picked in zip(answers, chosen, strict=True)
        for option in picked
    )


def _answer(
    question: SurveyQuestion,
    options: list[SurveyOption],
    registration: Registration,
    *,
    rng: random.Random,
) -> tuple[str, int | None, list[SurveyOption]] | None:
    """One respondent's answer to one question, or None when they left it empty."""
    if question.kind == Kind.RATING:
        score = _weighted(rng, RATINGS)
        return str(score), score, []
    if question.kind == Kind.RECOMMEND:
        score = _weighted(rng, RECOMMENDS)
        return (str(score), score, []) if rng.random() < 0.95 else None
    if question.kind == Kind.CHOICE:
        return (
            ("", None, [rng.choices(options, weights=[40, 25, 20, 15])[0]])
            if rng.random() < 0.9
            else None
        )
    if question.kind == Kind.MULTIPLE:
        return "", None, rng.sample(options, rng.randint(1, 3))
    if question.kind == Kind.YES_NO:
        return ("yes" if rng.random() < 0.8 else "no"), None, []
    if question.kind == Kind.LONG_TEXT and rng.random() < 0.35:
        return rng.choice(COMMENTS[registration.preferred_language]), None, []
    return None
