"""`Authorization: Bearer <token>`: the API's only way in (no session, so no CSRF to forge)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from config.ratelimit import Counter

from .tokens import api_token_find, api_token_used

TOKEN_INVALID = _("This API token is not valid. Check that it was copied whole, or make a new one.")
TOKEN_EXPIRED = _("This API token has expired. Make a new one in the admin under API tokens.")
TOKEN_REVOKED = _("This API token was revoked. Make a new one in the admin under API tokens.")
USER_INACTIVE = _("The account this API token belongs to is switched off.")
USER_NOT_STAFF = _(
    "The account this API token belongs to no longer has staff status, so its tokens do not "
    "work. An administrator can give it back in the admin."
)


class TokenRefused(exceptions.AuthenticationFailed):
    def __init__(self, detail, code):
        super().__init__(detail, code)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        try:
            return self._authenticate(header)
        except TokenRefused:
            if not settings.RATELIMIT_ENABLED:
                raise
            # Refused tokens are counted per address (the token itself proves nothing); past
            # the budget the refusal is a 429. A valid token is never held back by them: an
            # office behind one address may run one broken integration beside working ones.
            refused = Counter.of(request, "api_bad_token")
            if refused.incr() > refused.limit:
                raise exceptions.Throttled(wait=refused.retry_after) from None
            raise

    def _authenticate(self, header: list[bytes]):
        if len(header) != 2:
            raise TokenRefused(TOKEN_INVALID, "token_invalid")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenRefused(TOKEN_INVALID, "token_invalid") from None
        token = api_token_find(raw=raw)
        if token is None:
            raise TokenRefused(TOKEN_INVALID, "token_invalid")
        if token.revoked_at is not None:
            raise TokenRefused(TOKEN_REVOKED, "token_revoked")
        if not token.is_usable():
            raise TokenRefused(TOKEN_EXPIRED, "token_expired")
        user = token.user
        if not user.is_active:
            raise TokenRefused(USER_INACTIVE, "user_inactive")
        if not user.is_staff:
            # Tokens are made in the admin, by staff: they stop when the admin would let their
            # user in no more.
            raise TokenRefused(USER_NOT_STAFF, "user_not_staff")
        api_token_used(token=token)
        # The audit log names the token beside the user for every change made through it
        # (registrations.audit reads this attribute).
        user.audit_via = f"API token “{token.name}”"
        return user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made in the admin.",
        }
