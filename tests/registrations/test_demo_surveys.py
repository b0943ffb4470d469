"""The demo's past hybrid workshop has a feedback survey, still open, answered by most of those
it asks, with a registrant left who can answer it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from registrations.models import Notification, SurveyAnswer, SurveyResponse
from registrations.survey_audience import survey_audience
from registrations.surveys import SurveyStage, survey_state
from tests.registrations.test_demo import load_demo
from tests.registrations.test_demo_past_hybrid import past_workshop

pytestmark = pytest.mark.django_db


def test_demo_workshop_survey_is_open_answered_by_most_and_leaves_someone_to_answer(client):
    report = load_demo()

    survey = past_workshop().survey
    asked = survey_audience(survey=survey).count()
    responses = SurveyResponse.objects.filter(survey=survey)
    assert survey.is_open(now=timezone.now())
    assert survey.questions.count() == 6
    assert survey.questions.get(kind="rating").headline_zh_hans == "认为工作坊有用"
    assert 0.6 * asked <= responses.count() <= 0.8 * asked
    assert SurveyAnswer.objects.filter(response__survey=survey, value__regex=r"[\u4e00-\u9fff]")
    assert (
        Notification.objects.filter(
            kind="survey", registration__seminar=survey.seminar, status="sent"
        ).count()
        == asked
    )
    [line] = [line for line in report.splitlines() if "/survey/" in line]
    path = line.rsplit(" ", 1)[1]
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["state"].stage == SurveyStage.OPEN


def test_demo_loaded_twice_keeps_one_survey_and_its_responses():
    load_demo()
    survey = past_workshop().survey
    before = SurveyResponse.objects.filter(survey=survey).count()

    load_demo()

    assert SurveyResponse.objects.filter(survey=survey).count() == before
    registration = survey_audience(survey=survey).first()
    assert survey_state(survey=survey, registration=registration, now=timezone.now()).stage in (
        SurveyStage.OPEN,
        SurveyStage.ANSWERED,
    )


def test_demo_has_a_viewer_who_reads_the_survey_results_but_cannot_build_or_export(client):
    report = load_demo()

    assert "Demo viewer (read only): demo-viewer" in report
    survey = past_workshop().survey
    assert survey.ready
    viewer = get_user_model().objects.get(username="demo-viewer")
    client.force_login(viewer)
    seminar_id = survey.seminar_id
    results = client.get(
        reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": seminar_id})
    )
    export = client.get(
        reverse(
            "admin:seminar_seminar_survey_export",
            kwargs={"seminar_id": seminar_id, "file_format": "csv"},
        )
    )
    assert results.status_code == 200 and "share-chart" in results.content.decode()
    assert export.status_code == 403
    assert client.get(
        reverse("admin:registrations_survey_change", args=[survey.pk])
    ).status_code in (302, 403)
