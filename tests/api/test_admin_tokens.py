"""The API token admin: staff make, see and revoke their own tokens; the secret is shown once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.tokens import api_token_create, api_token_digest

pytestmark = pytest.mark.django_db
LIST = "/admin/api/apitoken/"


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def theirs(viewer):
    token, _raw = api_token_create(user=viewer, name="Viewer's report")
    return token


def test_adding_a_token_shows_its_secret_once(signed_in, organiser):
    response = signed_in.post(
        f"{LIST}add/", {"name": "CRM sync", "expires_at_0": "", "expires_at_1": ""}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = re.search(r'id="api-token-secret" value="(smr_[^"]+)"', page).group(1)
    token = ApiToken.objects.get()
    assert token.user == organiser
    assert token.name == "CRM sync"
    assert token.digest == api_token_digest(secret)
    assert "It will not be shown again" in page
    # Nowhere else: not the token's page, not the list, not a message in the session.
    for url in (LIST, f"{LIST}{token.pk}/change/"):
        assert secret not in signed_in.get(url).content.decode()


def test_a_token_made_in_the_admin_works_on_the_api(signed_in):
    page = signed_in.post(f"{LIST}add/", {"name": "CRM"}).content.decode()
    secret = re.search(r'value="(smr_[^"]+)"', page).group(1)
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/registrations/").status_code == 200


def test_an_expiry_can_be_set(signed_in):
    when = timezone.localtime() + timedelta(days=30)
    signed_in.post(
        f"{LIST}add/",
        {
            "name": "Short-lived",
            "expires_at_0": when.strftime("%Y-%m-%d"),
            "expires_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert ApiToken.objects.get().expires_at.date() == when.date()


def test_staff_see_only_their_own_tokens(signed_in, organiser, theirs):
    _mine, _raw = api_token_create(user=organiser, name="Mine")
    page = signed_in.get(LIST).content.decode()
    assert "Mine" in page
    assert "Viewer&#x27;s report" not in page and "Viewer's report" not in page


def test_another_users_token_cannot_be_opened_or_revoked(signed_in, theirs):
    response = signed_in.get(f"{LIST}{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist", back to the index
    assert signed_in.post(f"{LIST}{theirs.pk}/revoke/").status_code == 404
    signed_in.post(LIST, {"action": "revoke_selected", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_superusers_see_everyones_tokens(client, django_user_model, theirs):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.example", "pw"))
    assert "Viewer" in client.get(LIST).content.decode()


def test_revoking_from_the_tokens_page_stops_it(signed_in, organiser):
    token, _raw = api_token_create(user=organiser, name="Old")
    page = signed_in.get(f"{LIST}{token.pk}/change/").content.decode()
    assert "Revoke this token" in page
    response = signed_in.post(f"{LIST}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoke this token" not in signed_in.get(f"{LIST}{token.pk}/change/").content.decode()


def test_revoking_with_the_action(signed_in, organiser):
    tokens = [api_token_create(user=organiser, name=f"T{n}")[0] for n in range(2)]
    signed_in.post(LIST, {"action": "revoke_selected", "_selected_action": [t.pk for t in tokens]})
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


def test_the_list_filters_by_state(signed_in, organiser):
    _active, _ = api_token_create(user=organiser, name="Alpha")
    revoked, _ = api_token_create(user=organiser, name="Bravo")
    revoked.revoked_at = timezone.now()
    revoked.save()
    api_token_create(user=organiser, name="Charlie", expires_at=timezone.now() - timedelta(days=1))
    for state, name in [("active", "Alpha"), ("revoked", "Bravo"), ("expired", "Charlie")]:
        page = signed_in.get(f"{LIST}?state={state}").content.decode()
        shown = {n for n in ("Alpha", "Bravo", "Charlie") if f">{n}<" in page}
        assert shown == {name}


def test_the_secret_cannot_be_seen_or_edited(signed_in, organiser):
    token, raw = api_token_create(user=organiser, name="Old")
    signed_in.post(f"{LIST}{token.pk}/change/", {"name": "Renamed", "digest": "0" * 64})
    token.refresh_from_db()
    assert token.name == "Renamed"
    assert token.digest == api_token_digest(raw)
    assert "digest" not in signed_in.get(f"{LIST}{token.pk}/change/").content.decode()


def test_staff_without_a_role_manage_their_own_tokens(client, no_role):
    client.force_login(no_role)
    assert client.get("/admin/").content.decode().count("API tokens") >= 1
    assert client.post(f"{LIST}add/", {"name": "Mine"}).status_code == 200


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/zh-hans"])
def test_the_token_pages_work_in_each_language(signed_in, organiser, prefix):
    token, _raw = api_token_create(user=organiser, name="CRM")
    assert signed_in.get(f"{prefix}{LIST}").status_code == 200
    page = signed_in.get(f"{prefix}{LIST}{token.pk}/change/").content.decode()
    if prefix:
        assert "Revoke this token" not in page
    response = signed_in.post(f"{prefix}{LIST}add/", {"name": "New"})
    assert response.status_code == 200
    assert ("It will not be shown again" in response.content.decode()) is (prefix == "")
