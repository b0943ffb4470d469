"""A feedback survey's results page at 5,000 responses on PostgreSQL: median time of the results
selector alone and of the whole page (as an organiser opens it, charts and all), and their
query counts, unfiltered and filtered.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/survey_results.py

Seeds one seminar with 5,000 attended registrations, the usual evaluation questions plus a
yes/no, a number and another rating (8 questions), and a response from each, once; later runs
reuse them.
Prints a Markdown table for docs/benchmarks.md ("Survey results").
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
SLUG = "bench-survey-8"
RUNS = 15
COMMENTS = ["Very useful", "More time for questions, please", "清楚實用", "讲者很专业", ""]


def seed():
    from django.utils import timezone

    from registrations.models import (
        Registration,
        SurveyAnswer,
        SurveyAnswerChoice,
        SurveyParticipation,
        SurveyQuestion,
        SurveyResponse,
    )
    from registrations.survey_builder import survey_create
    from seminar.models import Seminar

    seminar, created = Seminar.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title_en": "Survey bench",
            "starts_at": timezone.now() - timezone.timedelta(days=2),
            "ends_at": timezone.now() - timezone.timedelta(days=2, hours=-3),
            "capacity": ROWS,
            "status": Seminar.Status.PUBLISHED,
        },
    )
    if not created:
        return seminar
    types, regions = Registration.ParticipantType.values, Registration.Region.values
    registrations = Registration.objects.bulk_create(
        Registration(
            seminar=seminar,
            status=Registration.Status.CONFIRMED,
            name_en=f"Person {n}",
            email=f"survey{n}@example.com",
            participant_type=types[n % len(types)],
            region=regions[n % len(regions)],
            attended=True,
            consent_at=timezone.now(),
            consent_version="bench",
        )
        for n in range(ROWS)
    )
    survey = survey_create(seminar=seminar, usual_questions=True)
    kind = SurveyQuestion.Kind
    SurveyQuestion.objects.create(survey=survey, kind=kind.YES_NO, label_en="Come again?", order=8)
    SurveyQuestion.objects.create(survey=survey, kind=kind.NUMBER, label_en="Colleagues?", order=9)
    SurveyQuestion.objects.create(survey=survey, kind=kind.RATING, label_en="Speakers?", order=10)
    questions = list(survey.questions.prefetch_related("options"))
    random.seed(1)
    SurveyParticipation.objects.bulk_create(
        SurveyParticipation(survey=survey, registration=r) for r in registrations
    )
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            registration=r,
            participant_type=r.participant_type,
            region=r.region,
            language="en",
            submitted_on=timezone.localdate(),
        )
        for r in registrations
    )
    answers, choices = [], []
    for response in responses:
        for question in questions:
            if question.kind in SurveyQuestion.CHOICE_KINDS:
                answer = SurveyAnswer(response=response, question=question)
                options = list(question.options.all())
                picked = random.sample(options, k=1 if question.kind != kind.MULTIPLE else 2)
                choices.extend((answer, option) for option in picked)
            else:
                value = {
                    kind.RATING: str(random.choice([5, 5, 4, 4, 4, 3, 2])),
                    kind.RECOMMEND: str(random.randint(4, 10)),
                    kind.YES_NO: random.choice(["yes", "yes", "no"]),
                    kind.NUMBER: str(random.randint(0, 5)),
                    kind.LONG_TEXT: random.choice(COMMENTS),
                }[question.kind]
                score = int(value) if question.kind in SurveyQuestion.SCORE_KINDS else None
                answer = SurveyAnswer(
                    response=response, question=question, value=value, score=score
                )
            answers.append(answer)
    SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
    SurveyAnswerChoice.objects.bulk_create(
        (SurveyAnswerChoice(answer=answer, option=option) for answer, option in choices),
        batch_size=5000,
    )
    return seminar


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from registrations.survey_results import survey_results

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    seminar = seed()
    survey = seminar.survey
    user, _ = get_user_model().objects.get_or_create(
        username="bench-survey", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": seminar.pk})
    print(
        f"| Results ({survey.responses.count():,} responses, {survey.questions.count()} questions) "
        "| Selector, median ms | Queries | Page, median ms | Queries |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, params in [
        ("All responses", {}),
        ("Filtered: SME, Hong Kong", {"participant_type": "sme", "region": "hong_kong"}),
    ]:
        selector, page = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as selector_queries:
                survey_results(survey=survey, **params)
            selector.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as page_queries:
                response = client.get(url, params)
            page.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"| {name} | {statistics.median(selector):.0f} | {len(selector_queries)} "
            f"| {statistics.median(page):.0f} | {len(page_queries)} |"
        )


if __name__ == "__main__":
    main()
