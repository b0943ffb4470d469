"""Requests per token per minute: a runaway loop is stopped with a 429 that says when to come
back; another token, or the same program a minute later, is not held back by it."""

import pytest

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "api": (3, 60), "api_anonymous": (2, 60)}


def test_a_token_over_its_limit_is_told_when_to_try_again(organiser, viewer):
    busy = client_for(organiser, language="zh-hant")
    answers = [busy.get("/api/v1/seminars/") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "秒後再試" in refused.json()["message"]
    # Counted per token: another token (another program) goes on.
    assert client_for(viewer).get("/api/v1/seminars/").status_code == 200


def test_callers_without_a_token_are_counted_by_address(anonymous_api):
    answers = [anonymous_api.get("/api/v1/seminars/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    # No token was sent, so the message does not speak of one.
    assert "token" not in answers[-1].json()["message"]
    assert "address" in answers[-1].json()["message"]


def test_limits_off_for_a_benchmark_behind_one_address(settings, organiser):
    settings.RATELIMIT_ENABLED = False
    client = client_for(organiser)
    assert {client.get("/api/v1/seminars/").status_code for _ in range(5)} == {200}


def test_refused_tokens_are_counted_by_address(settings, organiser):
    settings.RATELIMITS = {**settings.RATELIMITS, "api_bad_token": (2, 60)}
    from rest_framework.test import APIClient

    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer smr_not-a-token")
    answers = [guesser.get("/api/v1/seminars/") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert 1 <= int(answers[-1]["Retry-After"]) <= 61
    # A valid token from the same address (another program in the same office) still works.
    assert client_for(organiser).get("/api/v1/seminars/").status_code == 200
