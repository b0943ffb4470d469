"""Users in each role and API clients signed in with their tokens."""

import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS, groups_ensure


def _user(django_user_model, username: str, group: str | None):
    from django.contrib.auth.models import Group

    groups_ensure()
    user = django_user_model.objects.create_user(
        username, f"{username}@dept.example", "pw", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser(django_user_model):
    return _user(django_user_model, "mei.ling", ORGANISERS)


@pytest.fixture
def viewer(django_user_model):
    return _user(django_user_model, "viewer", VIEWERS)


@pytest.fixture
def door_staff(django_user_model):
    return _user(django_user_model, "door", CHECK_IN_STAFF)


@pytest.fixture
def no_role(django_user_model):
    """Staff without a role: signed in, allowed nothing."""
    return _user(django_user_model, "norole", None)


def client_for(user, *, name: str = "test token", language: str | None = None) -> APIClient:
    """An API client sending a new token of `user` (and Accept-Language when given)."""
    _token, raw = api_token_create(user=user, name=name)
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


@pytest.fixture
def organiser_api(organiser) -> APIClient:
    return client_for(organiser, name="CRM sync")


@pytest.fixture
def viewer_api(viewer) -> APIClient:
    return client_for(viewer)


@pytest.fixture
def door_api(door_staff) -> APIClient:
    return client_for(door_staff)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()
