"""The survey results page in a real browser, with demo-like answers: axe-core finds nothing
serious in any of the three languages, the page fits a phone, and the README's screenshot."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registrations.models import Registration, SurveyQuestion
from registrations.survey_builder import survey_create
from seminar.models import Session
from tests.browser.conftest import LANGUAGES, PREFIX, readme_screenshot, screenshot
from tests.browser.test_accessibility import admin_violations
from tests.factories import RegistrationFactory, SeminarFactory, SessionFactory, survey_response

pytestmark = pytest.mark.django_db(transaction=True)
Kind = SurveyQuestion.Kind
COMMENTS = [
    "Very practical examples of cross-boundary enforcement.",
    "希望下次有更多關於專利融資的內容。",
    "More time for questions, please.",
    "讲者讲解清楚，案例实用。",
]


def demo_like_survey():
    seminar = SeminarFactory(title_en="IP Protection and Commercialisation Seminar", capacity=None)
    for title in ("Patents in the Greater Bay Area", "Trade marks and e-commerce", "IP financing"):
        SessionFactory(seminar=seminar, kind=Session.Kind.TALK, title_en=title)
    survey = survey_create(seminar=seminar, usual_questions=True)
    questions = {question.kind: question for question in survey.questions.all()}
    topics = [option.label_en for option in questions[Kind.CHOICE].options.all()]
    wished = [option.label_en for option in questions[Kind.MULTIPLE].options.all()]
    chance = random.Random(7)
    types, regions = Registration.ParticipantType.values, Registration.Region.values
    for number in range(64):
        registration = RegistrationFactory(
            seminar=seminar,
            attended=True,
            participant_type=chance.choice(types),
            region=chance.choice(regions[:3]),
        )
        survey_response(
            survey,
            registration,
            {
                questions[Kind.RATING]: chance.choice([5, 5, 4, 4, 4, 4, 3, 2]),
                questions[Kind.CHOICE]: [chance.choice(topics)],
                questions[Kind.MULTIPLE]: chance.sample(wished, 2),
                questions[Kind.RECOMMEND]: chance.choice([10, 9, 9, 8, 8, 7, 6, 10]),
                questions[Kind.LONG_TEXT]: COMMENTS[number % 4] if number % 3 == 0 else "",
            },
        )
    for _ in range(16):
        RegistrationFactory(seminar=seminar, attended=True)  # asked, did not answer
    return survey


def log_in(page, live_server) -> None:
    user = get_user_model().objects.create_superuser("organiser", "o@example.com", "pw-12345")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def results_path(survey) -> str:
    return reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": survey.seminar_id})


def test_the_results_page_passes_axe_in_each_language_and_fits_a_phone(page, live_server):
    survey = demo_like_survey()
    log_in(page, live_server)
    findings = {}

    for language in LANGUAGES:
        page.goto(f"{live_server.url}{PREFIX[language]}{results_path(survey)}")
        findings[language] = admin_violations(page)
        screenshot(page, f"admin-survey-results-{language}")
        assert page.locator("html").get_attribute("lang") == language
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}{results_path(survey)}")
    screenshot(page, "admin-survey-results-360")
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert findings == {language: [] for language in LANGUAGES}
    assert scroll_width <= client_width
    assert page.locator("svg.share-chart").count() == 4  # every question but the comments


def test_the_readme_screenshot_of_the_results(page, live_server):
    survey = demo_like_survey()
    log_in(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1100})

    page.goto(f"{live_server.url}{results_path(survey)}")
    page.locator("#headlines").scroll_into_view_if_needed()
    readme_screenshot(page, "survey-results")

    assert page.locator('[data-figure="responses"]').inner_text() == "64"
    assert page.locator('[data-figure="rate"]').inner_text() == "80.0%"
