"""One-click unsubscribe from news: the signed link in news emails and the service behind it.

The link carries the registration's id signed with SECRET_KEY under a salt of its own, so it
cannot be made from an id, nor is it any other link's token (the private manage token never
appears in it). It does not expire: an old newsletter's link must still work. Signing tries
SECRET_KEY_FALLBACKS too, so rotating the key does not break links already sent.

Unsubscribing stops news to the address, not to one registration: every registration with that
address (compared case-insensitively) stops getting news. Emails about the seminars themselves
still go out.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from .audit import audit_record
from .models import AuditEntry, Registration

UNSUBSCRIBE_SALT = "registrations.news-unsubscribe"


def unsubscribe_token_make(*, registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> int | None:
    """The registration id a token names, or None when we did not sign it."""
    try:
        registration_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return registration_id if isinstance(registration_id, int) else None


def unsubscribe_url(*, registration: Registration) -> str:
    """The absolute link, in the active language (the page speaks it)."""
    path = reverse(
        "registrations:unsubscribe",
        kwargs={"token": unsubscribe_token_make(registration=registration)},
    )
    return settings.SITE_URL + path


def unsubscribe_registration(*, token: str) -> Registration | None:
    """The registration a link was made for; None for a forged, garbled or stale link (its
    registration deleted) and once its personal data has been removed."""
    registration_id = unsubscribe_token_read(token)
    if registration_id is None:
        return None
    return (
        Registration.objects.select_related("seminar")
        .filter(pk=registration_id, anonymised_at__isnull=True)
        .first()
    )


def _same_address(registration: Registration):
    return Registration.objects.filter(email__iexact=registration.email, anonymised_at__isnull=True)


def news_subscribed(*, registration: Registration) -> bool:
    """Whether any registration with this address still gets news."""
    return _same_address(registration).filter(news_opt_in=True).exists()


@transaction.atomic
def news_unsubscribe(*, registration: Registration) -> int:
    """Stop news to the registration's address; returns how many registrations it changed.

    Idempotent: a second call changes nothing and records nothing. The conditional update
    decides, so two requests at once record the unsubscription once.
    """
    changed = _same_address(registration).filter(news_opt_in=True).update(news_opt_in=False)
    if changed:
        audit_record(
            action=AuditEntry.Action.UNSUBSCRIBED,
            actor=None,
            seminar=registration.seminar,
            registration=registration,
            details={"registrations": changed},
        )
    return changed
