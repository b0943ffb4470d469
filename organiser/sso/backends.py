"""The mozilla-django-oidc backend, for staff: the library runs the code flow and checks the ID
token's signature and nonce; we also check its issuer and audience and hand the claims to
staff_sign_in. Added to AUTHENTICATION_BACKENDS only when single sign-on is configured."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .errors import SignInRefused
from .provider import provider_endpoint
from .services import staff_sign_in

logger = logging.getLogger(__name__)


def axes_exempt(request, credentials: dict | None) -> bool:
    """For django-axes (AXES_WHITELIST_CALLABLE): the callback's attempts, which carry the
    nonce, are not wrong passwords. Counting them would let a few people without a role lock
    everyone behind the same office address out of single sign-on for half an hour."""
    return bool(credentials) and "nonce" in credentials


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The parent reads every endpoint here, and Django builds each backend at every
        # authenticate(), a password sign-in's too: the endpoints (and so discovery) are read
        # only when the code flow needs them, by the properties below.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_endpoint("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_endpoint("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_endpoint("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **credentials):
        """A user from the callback's code, or None. Only the callback passes a nonce: a
        password form never makes this backend call the provider, whatever its URL carries.
        A refusal is left on the request for the callback view to explain."""
        if request is None or "nonce" not in credentials:
            return None
        try:
            return super().authenticate(request, **credentials)
        except SignInRefused as refusal:
            request.sso_refusal = refusal
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError) as error:
            logger.warning("Single sign-on refused: %s", error)
            request.sso_refusal = SignInRefused()
        return None

    def verify_token(self, token, **kwargs):
        """The library checks signature, expiry and nonce; a token is also ours only if our
        issuer made it for this client."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        issuer = str(payload.get("iss", "")).rstrip("/")
        if issuer != settings.OIDC_ISSUER or settings.OIDC_RP_CLIENT_ID not in audiences:
            logger.warning("Single sign-on refused: ID token for %s / %s", issuer, audiences)
            raise SignInRefused()
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint's (Entra ID puts groups
        only in the token, others only in userinfo); the signed token wins where both speak."""
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SignInRefused()
        return staff_sign_in(issuer=settings.OIDC_ISSUER, claims={**userinfo, **payload})
