"""GET /api/v1/seminars/{slug}/figures/: the dashboard's figures."""

import pytest

from registrations.models import Registration
from tests.factories import AnswerFactory, RegistrationFactory, SeminarFactory, choice_question

pytestmark = pytest.mark.django_db
URL = "/api/v1/seminars/ip-2026/figures/"
Status = Registration.Status


@pytest.fixture
def seminar():
    seminar = SeminarFactory(slug="ip-2026", capacity=10)
    RegistrationFactory.create_batch(3, seminar=seminar, region="mainland")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED)
    RegistrationFactory(seminar=seminar, attended=True, minutes_online=90)
    question = choice_question("Yes", "No", seminar=seminar, label_en="Member?")
    yes = question.options.get(label_en="Yes")
    AnswerFactory(registration=seminar.registrations.first(), question=question, options=[yes])
    return seminar


def test_the_headcounts_match_the_registrations(viewer_api, seminar):
    body = viewer_api.get(URL).json()
    assert body["seminar"] == "ip-2026"
    headcounts = body["headcounts"]
    assert headcounts["confirmed"] == 4
    assert headcounts["waitlisted"] == 1
    assert headcounts["cancelled"] == 1
    assert headcounts["total"] == 6
    assert headcounts["capacity"] == 10
    assert headcounts["seats_left"] == 6
    assert headcounts["fill_percent"] == 40.0
    assert headcounts["attended"] == 1
    assert headcounts["attendance_rate"] == 25.0


def test_breakdowns_count_active_registrations(viewer_api, seminar):
    body = viewer_api.get(URL).json()
    region = next(row for row in body["breakdowns"] if row["key"] == "region")
    assert region["total"] == 5  # confirmed and waitlisted
    assert {row["value"]: row["count"] for row in region["rows"]} == {
        "mainland": 3,
        "hong_kong": 2,
    }
    (member,) = body["questions"]
    assert member["title"] == "Member?"
    assert [(row["label"], row["count"]) for row in member["rows"]] == [("Yes", 1), ("No", 0)]
    assert sum(day["count"] for day in body["per_day"]) == 6
    assert body["modes"] == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous_api", 401), ("door_api", 403), ("viewer_api", 200), ("organiser_api", 200)],
)
def test_only_viewers_and_organisers_read_figures(request, seminar, who, status):
    assert request.getfixturevalue(who).get(URL).status_code == status


def test_figures_of_a_draft_are_there_for_viewers(viewer_api):
    SeminarFactory(slug="draft", status="draft")
    assert viewer_api.get("/api/v1/seminars/draft/figures/").status_code == 200


def test_labels_come_in_the_requested_language(viewer_api, seminar):
    body = viewer_api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    region = next(row for row in body["breakdowns"] if row["key"] == "region")
    assert region["title"] != "Region"
