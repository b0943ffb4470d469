"""A real OpenID provider (oidc-provider-mock) on a free port, and the sign-in a person makes."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client

CLIENT_ID = "seminar-registration"
ORGANISER_GROUP = "seminar-organisers"
VIEWER_GROUP = "seminar-viewers"
DOOR_GROUP = "door-staff"


@dataclass
class Provider:
    issuer: str

    def person_set(self, sub: str, **claims) -> None:
        """Who `sub` is at the provider from now on (its directory entry)."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def consent(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider as `sub`; the URL it sends them back to."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def callback_state(location: str) -> str:
    return parse_qs(urlsplit(location).query)["state"][0]


def sso_sign_in(client: Client, provider: Provider, sub: str, *, next_url: str = ""):
    """The whole code flow as a browser makes it: our start, the provider, our callback."""
    start = client.get("/sso/start/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content
    return client.get(callback_path(provider.consent(start["Location"], sub)))
