import pytest
from oidc_provider_mock import run_server_in_thread

from .provider import (
    CLIENT_ID,
    DOOR_GROUP,
    ORGANISER_GROUP,
    VIEWER_GROUP,
    Provider,
)

BACKEND = "organiser.sso.backends.StaffOIDCBackend"


@pytest.fixture(scope="session")
def provider():
    # Nonce required: the provider refuses a request without one, as a strict provider does.
    with run_server_in_thread(port=0, require_nonce=True) as server:
        yield Provider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture
def sso(settings, provider):
    """Single sign-on configured as config/settings.py does from the environment."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.SSO_ENABLED = True
    settings.OIDC_ORGANISER_GROUPS = [ORGANISER_GROUP]
    settings.OIDC_VIEWER_GROUPS = [VIEWER_GROUP]
    settings.OIDC_CHECK_IN_GROUPS = [DOOR_GROUP]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    settings.OTP_EXEMPT_AUTH_BACKENDS = [BACKEND]
    return provider
