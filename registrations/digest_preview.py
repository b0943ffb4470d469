"""What an organiser's daily digest would say now, without sending it or moving anything.

For organisers and developers checking a digest before its hour (manage.py digest_preview): the
figures since the last digest sent (or the last day, for someone not subscribed), worded as the
email, in the subscription's language. Nothing is claimed, sent or saved, so the real digest
that morning covers the same period and is sent as if no preview had been made.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from seminar.models import Seminar

from .digest import (
    digest_figures,
    digest_may_receive,
    digest_message,
    digest_subscription_get,
)
from .models import DigestSubscription

# The period previewed for someone with no subscription: what a first digest a day later
# would cover.
UNSUBSCRIBED_PERIOD = timedelta(days=1)


@dataclass(frozen=True)
class DigestPreview:
    subject: str
    text: str
    subscribed: bool
    quiet: bool  # nothing new: no digest would be sent for this period
    may_receive: bool  # the account would get it (active, staff, may see the dashboard, email)


def digest_preview(
    *,
    seminar: Seminar,
    user: AbstractBaseUser,
    language: str | None = None,
    now: datetime | None = None,
) -> DigestPreview:
    """The digest `user` would get for `seminar` if it were taken now. Reads only."""
    now = now or timezone.now()
    subscription = digest_subscription_get(user=user, seminar=seminar)
    subscribed = subscription is not None
    if subscription is None:
        # Never saved: it only carries the user, the seminar and the language to the wording.
        subscription = DigestSubscription(
            user=user, seminar=seminar, language=language or settings.LANGUAGE_CODE
        )
        since = now - UNSUBSCRIBED_PERIOD
    else:
        since = subscription.last_sent_at or subscription.created_at
        if language:
            subscription.language = language  # on this copy only: not saved
    figures = digest_figures(seminar=seminar, since=since, until=now)
    message = digest_message(subscription=subscription, figures=figures)
    return DigestPreview(
        subject=message.subject,
        text=message.body,
        subscribed=subscribed,
        quiet=figures.is_quiet,
        may_receive=digest_may_receive(user),
    )
