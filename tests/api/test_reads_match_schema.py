"""Every read endpoint's answer, with data in every part of it, fits the published schema: what
the schema promises a program is what it gets (nulls included)."""

import json

import jsonschema
import pytest
from django.utils import timezone

from registrations.models import Announcement, Certificate, Question
from seminar.models import Seminar
from tests.factories import (
    AnnouncementFactory,
    AnswerFactory,
    RegistrationFactory,
    SeminarFactory,
    SeminarPartnerFactory,
    SessionFactory,
    SessionSpeakerFactory,
    choice_question,
)

pytestmark = pytest.mark.django_db


def _json_schema(node):
    """OpenAPI 3.0 to JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def components(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json")
    schema = json.loads(response.content)
    return schema


def _check(components, path, body) -> None:
    operation = components["paths"][path]["get"]
    expected = operation["responses"]["200"]["content"]["application/json"]["schema"]
    root = _json_schema({**expected, "components": components["components"]})
    jsonschema.validate(body, root)


@pytest.fixture
def seminar():
    seminar = SeminarFactory(slug="ip-2026", format=Seminar.Format.HYBRID, online_capacity=50)
    SessionSpeakerFactory(session=SessionFactory(seminar=seminar))
    SeminarPartnerFactory(seminar=seminar)
    registration = RegistrationFactory(seminar=seminar, attended=True, minutes_online=80)
    RegistrationFactory(seminar=seminar, status="cancelled")
    question = choice_question("A", "B", seminar=seminar, kind=Question.Kind.MULTIPLE)
    AnswerFactory(registration=registration, question=question, options=[question.options.first()])
    Certificate.objects.create(registration=registration, name_en="X", hours=1)
    AnnouncementFactory(seminar=seminar, state=Announcement.State.QUEUED, queued_at=timezone.now())
    SeminarFactory(slug="draft", status="draft", capacity=None)
    return seminar


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/seminars/", "/api/v1/seminars/"),
        ("/api/v1/seminars/ip-2026/", "/api/v1/seminars/{slug}/"),
        ("/api/v1/seminars/ip-2026/programme/", "/api/v1/seminars/{slug}/programme/"),
        ("/api/v1/seminars/ip-2026/figures/", "/api/v1/seminars/{slug}/figures/"),
        ("/api/v1/seminars/ip-2026/announcements/", "/api/v1/seminars/{slug}/announcements/"),
        ("/api/v1/registrations/?page_size=1", "/api/v1/registrations/"),
    ],
)
@pytest.mark.parametrize("who", ["organiser_api", "anonymous_api"])
def test_reads_fit_the_schema(request, components, seminar, url, path, who):
    response = request.getfixturevalue(who).get(url)
    if response.status_code == 401:
        return  # refusals are checked in each endpoint's tests
    assert response.status_code == 200
    _check(components, path, response.json())


def test_one_registration_fits_the_schema(organiser_api, components, seminar):
    registration = seminar.registrations.filter(attended=True).get()
    body = organiser_api.get(f"/api/v1/registrations/{registration.pk}/").json()
    _check(components, "/api/v1/registrations/{id}/", body)


def test_every_time_is_in_local_time_with_its_offset(organiser_api):
    """One form for every timestamp: +08:00 like the model fields, never a Z from a nested
    dict that skipped its serializer."""
    import re
    from datetime import timedelta

    from django.utils import timezone as tz

    from tests.factories import RegistrationFactory, SeminarFactory

    seminar = SeminarFactory(registration_opens_at=tz.now() - timedelta(days=1))
    registration = RegistrationFactory(seminar=seminar)
    registration.join_first_opened_at = registration.join_last_opened_at = tz.now()
    registration.checked_in_at = tz.now()
    registration.save()
    bodies = [
        organiser_api.get(f"/api/v1/seminars/{seminar.slug}/").content.decode(),
        organiser_api.get(f"/api/v1/registrations/{registration.pk}/").content.decode(),
    ]
    times = [t for body in bodies for t in re.findall(r'"(\d{4}-\d\d-\d\dT[^"]+)"', body)]
    assert len(times) >= 8
    assert [t for t in times if not t.endswith("+08:00")] == []
