"""The link that confirms a new email address: signed, expiring, and good for one use.

The token signs the registration, the new address and the moment the change was asked for; it
is checked against the registration's pending change (`email_pending`, `email_pending_since`).
So it works only while that request is the pending one and for EMAIL_CHANGE_LINK_HOURS after it.
Confirming clears the pending change (the link works once), and a newer request replaces it
(only the newest link works). Nothing is stored per link. Signing uses SECRET_KEY and tries
SECRET_KEY_FALLBACKS too, so rotating the key does not break links already sent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from .models import Registration

EMAIL_CHANGE_SALT = "registrations.email-change"
EMAIL_CHANGE_LINK_HOURS = 48


@dataclass(frozen=True)
class EmailChangeClaim:
    """What a well-signed link asks for; whether it still applies is checked against the row."""

    registration_id: int
    email: str
    since: str  # email_pending_since as it was when the link was made, in ISO format

    def matches(self, registration: Registration, *, now: datetime | None = None) -> bool:
        """True when the link is the registration's pending change and has not expired."""
        since = registration.email_pending_since
        if not registration.email_pending or since is None:
            return False
        now = now or timezone.now()
        return (
            registration.pk == self.registration_id
            and registration.email_pending == self.email
            and _same_moment(self.since, since)
            and now - since <= timedelta(hours=EMAIL_CHANGE_LINK_HOURS)
        )


def _same_moment(iso: str, moment: datetime) -> bool:
    # Compared as datetimes: the database may hand the time back in another zone notation.
    try:
        return datetime.fromisoformat(iso) == moment
    except ValueError:
        return False


def email_change_token_make(*, registration: Registration, email: str) -> str:
    """The token for the registration's pending change to `email`, as the email link carries it.

    `email` is the address the link is sent to, not read from the row: if the registrant asked
    for yet another address meanwhile, this link then matches nothing.
    """
    return signing.dumps(
        {
            "registration": registration.pk,
            "email": email,
            "since": registration.email_pending_since.isoformat(),
        },
        salt=EMAIL_CHANGE_SALT,
    )


def email_change_token_read(token: str) -> EmailChangeClaim | None:
    """The claim in a token, or None when it was not signed by us or is malformed."""
    try:
        payload = signing.loads(token, salt=EMAIL_CHANGE_SALT)
        return EmailChangeClaim(
            registration_id=int(payload["registration"]),
            email=str(payload["email"]),
            since=str(payload["since"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
