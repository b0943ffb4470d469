"""API tokens: made, checked and revoked here and nowhere else."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from .models import ApiToken

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "smr_"  # noqa: S105 - a public marker, not a secret
PREFIX_SHOWN = 12
# last_used_at is a hint for organisers ("is this token still used?"), not a log: writing it at
# most once a minute keeps a busy integration from turning every read into a write.
LAST_USED_EVERY = timedelta(minutes=1)


def api_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, user: AbstractBaseUser, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with the secret, which is never stored or shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_SHOWN],
        digest=api_token_digest(raw),
        expires_at=expires_at,
    )
    return token, raw


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


def api_token_revoke(*, token: ApiToken, now: datetime | None = None) -> ApiToken:
    """Stop a token working at once; revoking twice keeps the first time."""
    now = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token
