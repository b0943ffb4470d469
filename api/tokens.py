"""API tokens: made, checked and revoked here and nowhere else."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.errors import RegistrationError

from .models import ApiToken

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "smr_"  # noqa: S105 - a public marker, not a secret
PREFIX_SHOWN = 12
# last_used_at is a hint for organisers ("is this token still used?"), not a log: writing it at
# most once a minute keeps a busy integration from turning every read into a write.
LAST_USED_EVERY = timedelta(minutes=1)


EXPIRY_IN_THE_PAST = _(
    "Choose a time in the future: a token that has already expired would not work at all. "
    "Leave it empty for a token that does not expire."
)


def api_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, user: AbstractBaseUser, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with the secret, which is never stored or shown again."""
    api_token_expiry_check(expires_at=expires_at)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_SHOWN],
        digest=api_token_digest(raw),
        expires_at=expires_at,
    )
    return token, raw


def api_token_expiry_check(*, expires_at: datetime | None, now: datetime | None = None) -> None:
    """Refuse an expiry that has already passed: such a token would be dead on arrival while
    the page that shows it says when it "will" expire."""
    if expires_at is not None and expires_at <= (now or timezone.now()):
        raise RegistrationError(EXPIRY_IN_THE_PAST, field="expires_at", code="expiry_in_the_past")


def api_token_find(*, raw: str) -> ApiToken | None:
    """The token this secret belongs to, usable or not (the caller says which refusal applies)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(digest=api_token_digest(raw)).first()


def api_token_used(*, token: ApiToken, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_revoke(
    *, token: ApiToken, actor: AbstractBaseUser | None = None, now: datetime | None = None
) -> ApiToken:
    """Stop a token working at once; revoking twice keeps the first time.

    The admin's history of the token says who revoked it (`actor`), written only by the call
    that did revoke it, so two people pressing at once leave one entry."""
    now = now or timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    if revoked and actor is not None:
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[token],
            action_flag=CHANGE,
            # In the words of the person who revoked it, as the admin's own messages are.
            change_message=gettext("Revoked: the token stopped working."),
            single_object=True,
        )
    return token
