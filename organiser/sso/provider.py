"""The provider's endpoints: set explicitly, or read from its discovery document.

The document is fetched at the first sign-in, not at start-up, so a provider that is down does
not stop the site (nor password sign-in) from starting; it is then kept for an hour.
"""

import requests
from django.conf import settings
from django.core.cache import cache

from .errors import SignInRefused

DISCOVERY_SECONDS = 3600
# Our setting name -> the discovery document's key.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def provider_discovery() -> dict:
    """The issuer's discovery document, from the cache or fetched; SignInRefused when it cannot
    be had or names another issuer (a document must describe the issuer it was asked for)."""
    key = f"sso:discovery:{settings.OIDC_ISSUER}"
    document = cache.get(key)
    if document is None:
        url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused() from error
        if str(document.get("issuer", "")).rstrip("/") != settings.OIDC_ISSUER:
            raise SignInRefused()
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def provider_endpoint(name: str) -> str:
    """The URL for one of ENDPOINTS: the setting when set, else the discovery document's."""
    explicit = getattr(settings, name, "")
    if explicit:
        return explicit
    return provider_discovery().get(ENDPOINTS[name], "")
