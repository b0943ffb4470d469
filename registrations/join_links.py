"""Personal join links: /j/<join_token>/ opens the seminar's meeting for one confirmed registrant.

Every email, calendar file and page a registrant sees carries their own link instead of the
seminar's join URL, so the raw meeting address never leaves the admin. Opening the link records
when (first and last open, and how many times), which organisers read as one more attendance
signal next to the imported minutes. The link is a separate secret from the private page's
token: a forwarded join link opens the meeting and nothing else.

`join_link_open` holds every rule in one place: who may go through, and from when. The view
(join_views.py) only renders what it returns.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from seminar.models import Seminar

from .models import Registration

Status = Registration.Status


class JoinState(enum.StrEnum):
    """What opening a personal join link leads to. REDIRECT is the only one that counts."""

    REDIRECT = "redirect"
    SEMINAR_CANCELLED = "seminar_cancelled"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    DECLINED = "declined"
    ENDED = "ended"
    IN_ROOM = "in_room"
    NO_LINK_YET = "no_link_yet"
    TOO_EARLY = "too_early"


# A registration that is not confirmed says why, by its status.
_STATUS_STATES = {
    Status.CANCELLED: JoinState.CANCELLED,
    Status.WAITLISTED: JoinState.WAITLISTED,
    Status.PENDING: JoinState.PENDING,
    Status.DECLINED: JoinState.DECLINED,
}


@dataclass(frozen=True)
class JoinOutcome:
    state: JoinState
    registration: Registration
    # When the link starts to open the meeting (for TOO_EARLY, and for the pages that say so).
    opens_at: datetime

    @property
    def seminar(self) -> Seminar:
        return self.registration.seminar

    @property
    def redirects(self) -> bool:
        return self.state == JoinState.REDIRECT


def join_link_opens_at(*, seminar: Seminar) -> datetime:
    """The moment a personal link starts to open the meeting: JOIN_LINK_OPENS_MINUTES before
    the start, so people can test their audio; before that it says when to come back."""
    return seminar.starts_at - timedelta(minutes=settings.JOIN_LINK_OPENS_MINUTES)


def join_link_url(*, registration: Registration, language: str | None = None) -> str:
    """The registrant's personal join link, absolute, with the language prefix of `language`
    (the active language if none), for emails, calendar files and announcements."""
    with translation.override(language or translation.get_language()):
        path = reverse("registrations:join", kwargs={"token": registration.join_token})
    return settings.SITE_URL + path


def join_link_state(*, registration: Registration, now: datetime) -> JoinState:
    """Where the link leads this registrant at `now`, without recording anything."""
    seminar = registration.seminar
    if seminar.status == Seminar.Status.CANCELLED:
        return JoinState.SEMINAR_CANCELLED
    if registration.status != Status.CONFIRMED:
        return _STATUS_STATES[Status(registration.status)]
    if seminar.ends_at <= now:
        return JoinState.ENDED
    if not registration.gets_joining_details:
        return JoinState.IN_ROOM
    if not seminar.join_url:
        # Said before "too early": "the organisers will send it" is the news that matters.
        return JoinState.NO_LINK_YET
    if now < join_link_opens_at(seminar=seminar):
        return JoinState.TOO_EARLY
    return JoinState.REDIRECT


def join_link_open(
    *, token: str, now: datetime | None = None, record: bool = True
) -> JoinOutcome | None:
    """Open the personal join link `token` at `now`: None for an unknown token (a 404), else
    where it leads. When it leads to the meeting and `record` is on (not for a HEAD request
    or a link-preview bot), the open is counted.

    The count is one conditional UPDATE with F() expressions, so two opens at the same moment
    (a double click, two devices) both count and neither overwrites the other's first open;
    it applies only while the registration is still confirmed.
    """
    now = now or timezone.now()
    registration = Registration.objects.select_related("seminar").filter(join_token=token).first()
    if registration is None:
        return None
    state = join_link_state(registration=registration, now=now)
    if state == JoinState.REDIRECT and record:
        join_link_record(registration=registration, now=now)
    return JoinOutcome(
        state=state,
        registration=registration,
        opens_at=join_link_opens_at(seminar=registration.seminar),
    )


def join_link_record(*, registration: Registration, now: datetime) -> bool:
    """Count one open of this registration's link at `now`. False if it no longer applies
    (cancelled in between). Leaves updated_at alone: an open is not a change to the booking."""
    updated = Registration.objects.filter(pk=registration.pk, status=Status.CONFIRMED).update(
        join_opens=F("join_opens") + 1,
        join_first_opened_at=Coalesce(F("join_first_opened_at"), now),
        join_last_opened_at=now,
    )
    return updated == 1
