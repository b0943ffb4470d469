"""Tokens, the error shape and the schema: what every endpoint stands on."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from api.tokens import api_token_create, api_token_revoke

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_unknown_address_answers_json_404(anonymous_api):
    response = anonymous_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_is_served_as_openapi_3(anonymous_api):
    response = anonymous_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_token_is_stored_only_as_a_digest(organiser):
    token, raw = api_token_create(user=organiser, name="CRM sync")
    token.refresh_from_db()
    assert raw not in (token.digest, token.prefix) and raw.startswith(token.prefix)


@pytest.mark.parametrize(
    ("state", "code"),
    [("revoked", "token_revoked"), ("expired", "token_expired"), ("garbled", "token_invalid")],
)
def test_unusable_tokens_are_refused_with_their_reason(organiser, state, code):
    from rest_framework.test import APIClient

    token, raw = api_token_create(user=organiser, name="old")
    if state == "revoked":
        api_token_revoke(token=token)
    elif state == "expired":
        token.expires_at = timezone.now() - timedelta(minutes=1)
        token.save()
    else:
        raw = raw[:-2] + "xx"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 401
    assert json.loads(response.content)["code"] == code


def test_errors_come_in_the_requested_language(organiser):
    client = client_for(organiser, language="zh-hant")
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["message"] != "There is nothing at this address, or you may not see it."


def test_token_stops_working_when_its_user_loses_staff_status(organiser):
    client = client_for(organiser, language="zh-hant")
    assert client.get("/api/v1/registrations/").status_code == 200
    organiser.is_staff = False
    organiser.save()
    response = client.get("/api/v1/registrations/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_not_staff"
    assert "API" in response.json()["message"]
    # The public reads too: a bad token is refused, not downgraded to anonymous.
    assert client.get("/api/v1/seminars/").status_code == 401


def test_answers_to_a_token_are_private_and_vary_on_it(organiser_api, anonymous_api):
    private = organiser_api.get("/api/v1/registrations/")
    assert {"private", "no-store"} <= {part.strip() for part in private["Cache-Control"].split(",")}
    public = anonymous_api.get("/api/v1/seminars/")
    assert "private" not in public.get("Cache-Control", "")
    for response in (private, public, anonymous_api.get("/api/v1/no-such-thing/")):
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Authorization", "Accept-Language"} <= vary
