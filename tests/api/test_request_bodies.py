"""Bodies the API cannot read: always a JSON 400 `malformed_request` in the request's language,
never a 500 or the site's HTML page."""

import json

import pytest

from tests.factories import SeminarFactory

from .conftest import client_for
from .writes import create_url, registration_body

pytestmark = pytest.mark.django_db


def _post(client, url, body: str | bytes):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize("depth", [5000, 100])
def test_deeply_nested_body_is_malformed_not_a_crash(organiser_api, depth):
    seminar = SeminarFactory()
    response = _post(organiser_api, create_url(seminar), "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "malformed_request"


def test_deeply_nested_answers_are_malformed_not_a_crash(organiser_api):
    seminar = SeminarFactory()
    nested = "[" * 5000 + "]" * 5000
    body = json.dumps(registration_body())[:-1] + f', "answers": {{"1": {nested}}}}}'
    response = _post(organiser_api, create_url(seminar), body)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert "nested" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "The request body is not valid JSON."),
        (b"\xff\xfe{}", "The request body is not valid UTF-8 text."),
    ],
)
def test_malformed_body_says_so_in_our_words(organiser_api, body, message):
    response = _post(organiser_api, create_url(SeminarFactory()), body)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert response.json()["detail"]  # the parser's words, apart, for a developer


def test_malformed_body_message_is_translated(organiser):
    client = client_for(organiser, language="zh-hant")
    response = _post(client, create_url(SeminarFactory()), "{not json")
    assert response.status_code == 400
    assert response.json()["message"] == "請求內容不是有效的 JSON。"


def test_broken_multipart_upload_is_malformed(organiser_api):
    seminar = SeminarFactory()
    response = organiser_api.post(
        f"/api/v1/seminars/{seminar.slug}/attendance-imports/",
        b"--nope\r\ngarbage",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response.json()["message"] == "The request body is not a valid multipart form."


def test_body_over_the_limit_is_a_json_413(organiser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(organiser, language="zh-hant")
    body = json.dumps({"name_en": "x" * 2000})
    response = _post(client, create_url(SeminarFactory()), body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"].startswith("請求")


def test_multipart_fields_over_the_limit_are_a_json_413(organiser_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    seminar = SeminarFactory()
    response = organiser_api.post(
        f"/api/v1/seminars/{seminar.slug}/attendance-imports/",
        {"mark_absent": "x" * 2000},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
