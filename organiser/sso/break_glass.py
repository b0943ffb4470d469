"""The superuser's way in when password sign-in is off and the provider is down.

Someone with a shell on the server runs `manage.py sso_break_glass <user name>` and gets a link
that signs that superuser in once, within BREAK_GLASS_MINUTES. A shell there can read the
database and the secret key anyway, so the link gives nobody more than they have; a sign-in
through it is logged and written in the admin's history of that account.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .errors import BreakGlassRefused

BREAK_GLASS_MINUTES = 15
logger = logging.getLogger(__name__)


class BreakGlassTokens(PasswordResetTokenGenerator):
    """Like a password-reset token (an HMAC over the account's last sign-in, so signing in
    spends it), with its own salt and a life of minutes rather than days."""

    key_salt = "organiser.sso.break_glass"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        made = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - made <= BREAK_GLASS_MINUTES * 60

    def _now(self) -> datetime:
        # Here so tests can move the clock, as Django's generator allows.
        return super()._now()


tokens = BreakGlassTokens()


def break_glass_link_make(*, user: AbstractUser) -> str:
    """The absolute one-time link for this superuser; ValueError for anyone else."""
    if not (user.is_superuser and user.is_active):
        raise ValueError(f"{user.get_username()} is not an active superuser.")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("sso:break_glass", kwargs={"uid": uid, "token": tokens.make_token(user)})
    return f"{settings.SITE_URL}{path}"


def break_glass_user(*, uid: str, token: str) -> AbstractUser:
    """The superuser the link names, if it is still good; BreakGlassRefused otherwise."""
    try:
        pk = urlsafe_base64_decode(uid).decode()
        user = get_user_model().objects.get(pk=pk, is_superuser=True, is_active=True)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist) as error:
        raise BreakGlassRefused() from error
    if not tokens.check_token(user, token):
        raise BreakGlassRefused()
    return user


def break_glass_used_record(*, user: AbstractUser, address: str) -> None:
    logger.warning("Break-glass sign-in by %s from %s", user.get_username(), address)
    LogEntry.objects.log_actions(
        user.pk,
        [user],
        CHANGE,
        change_message=f"Signed in with a break-glass link from {address}",
        single_object=True,
    )
