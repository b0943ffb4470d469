"""Every operation in the schema, called by every kind of caller: who gets through and who is
refused, and that a refusal changes nothing and shows nothing. A new endpoint missing from
ALLOWED fails here until someone decides who may call it."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import api_token_create, api_token_revoke
from registrations.models import AuditEntry
from tests.factories import RegistrationFactory, SeminarFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

EVERYONE = {"anonymous", "no_role", "viewer", "door", "organiser"}
ALLOWED = {
    ("GET", "/api/v1/seminars/"): EVERYONE,
    ("GET", "/api/v1/seminars/{slug}/"): EVERYONE,
    ("GET", "/api/v1/seminars/{slug}/programme/"): EVERYONE,
    ("GET", "/api/v1/seminars/{slug}/questions/"): EVERYONE,
    ("GET", "/api/v1/seminars/{slug}/figures/"): {"viewer", "organiser"},
    ("GET", "/api/v1/seminars/{slug}/announcements/"): {"viewer", "organiser"},
    ("GET", "/api/v1/registrations/"): {"organiser"},
    ("GET", "/api/v1/registrations/{id}/"): {"organiser"},
    ("POST", "/api/v1/seminars/{slug}/registrations/"): {"organiser"},
    ("POST", "/api/v1/registrations/{id}/cancel/"): {"organiser"},
    ("POST", "/api/v1/registrations/{id}/approve/"): {"organiser"},
    ("POST", "/api/v1/registrations/{id}/decline/"): {"organiser"},
    ("POST", "/api/v1/seminars/{slug}/check-ins/"): {"door", "organiser"},
    ("POST", "/api/v1/seminars/{slug}/check-ins/{id}/undo/"): {"door", "organiser"},
    ("POST", "/api/v1/seminars/{slug}/attendance-imports/"): {"organiser"},
    ("POST", "/api/v1/seminars/{slug}/attendance-imports/{id}/apply/"): {"organiser"},
}
# Tokens that must open nothing, not even the public reads: a caller that sends a bad token has
# a bug to hear about, not a silent downgrade to anonymous.
DEAD_TOKENS = ("revoked", "expired")


def operations() -> list[tuple[str, str]]:
    response = Client().get("/api/v1/schema/?format=json")
    paths = json.loads(response.content)["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


def test_every_operation_in_the_schema_has_a_decision():
    assert set(operations()) == set(ALLOWED)


@pytest.fixture
def callers(organiser, viewer, door_staff, no_role):
    revoked, revoked_raw = api_token_create(user=organiser, name="old laptop")
    api_token_revoke(token=revoked)
    expired, expired_raw = api_token_create(
        user=organiser, name="last year", expires_at=timezone.now() + timedelta(seconds=1)
    )
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save()

    def dead(raw: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return {
        "anonymous": APIClient(),
        "no_role": client_for(no_role),
        "viewer": client_for(viewer),
        "door": client_for(door_staff),
        "organiser": client_for(organiser),
        "revoked": dead(revoked_raw),
        "expired": dead(expired_raw),
    }


@pytest.mark.parametrize(("method", "path"), sorted(ALLOWED))
def test_only_the_roles_allowed_get_through(callers, method, path):
    seminar = SeminarFactory(status="published")
    registration = RegistrationFactory(seminar=seminar, email="private.person@example.com")
    url = path.replace("{slug}", seminar.slug).replace("{id}", str(registration.pk))
    body = {"code": registration.checkin_code} if "check-ins" in path else {}
    for name, client in callers.items():
        audit_before = AuditEntry.objects.count()
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
        if name in ALLOWED[(method, path)]:
            assert response.status_code not in (401, 403), (name, response.content)
            continue
        expected = 401 if name in ("anonymous", *DEAD_TOKENS) else 403
        assert response.status_code == expected, (name, response.status_code, response.content)
        assert response.json()["code"] in (
            "not_authenticated",
            "forbidden",
            "token_revoked",
            "token_expired",
        )
        assert b"private.person" not in response.content
        assert AuditEntry.objects.count() == audit_before, name
