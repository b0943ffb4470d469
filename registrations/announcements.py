"""Announcements: the services that check, schedule, queue, test and resend them, and the read
of their progress.

Queuing is the one step that emails anyone. It changes the state with a conditional UPDATE
(draft or scheduled -> queued) in the transaction that writes the outbox rows, so an
announcement is queued once however many clicks or schedulers race for it; the rows are unique
per announcement and registration as well. Once queued an announcement is not edited: what went
out is what the admin shows.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .announcement_audience import Audience, audience_describe, audience_parse, audience_recipients
from .announcement_texts import announcement_text_errors
from .audit import audit_record
from .delivery import notification_retry, notification_send, notifications_queue
from .errors import RegistrationError
from .models import Announcement, AuditEntry, Notification, Registration
from .placeholders import announcement_text_fields, announcement_texts

logger = logging.getLogger(__name__)

State = Announcement.State
NotificationStatus = Notification.Status
# Who queued a scheduled announcement, for the audit log.
SCHEDULER = "scheduler"


class AnnouncementAlreadyQueued(RegistrationError):
    message = _(
        "This announcement has already been sent (queued for sending): it cannot be sent again "
        "or changed. Write a new announcement instead."
    )


SEND_AT_PAST = _("Choose a time in the future (Hong Kong time).")
# An upper bound, so a slip of the keyboard (the year 2206) is caught on the page.
SEND_AT_MAX_AHEAD = timedelta(days=2 * 365)
SEND_AT_TOO_FAR = _("Choose a time within two years from now (Hong Kong time).")
NOT_SCHEDULED = _("This announcement is not scheduled.")
TEST_NO_ADDRESS = _(
    "Your user account has no email address, so the test has nowhere to go. Ask an "
    "administrator to add one to your user (Authentication and Authorization › Users), then "
    "send the test again."
)
TEST_NOT_REGISTRANT = _("Choose someone registered for this seminar.")
TEST_AFTER_SENT = _(
    "This announcement has already been sent, so there is nothing left to test: a test shows "
    "what a draft or a scheduled announcement will send. To try other words, write a new "
    "announcement."
)


def announcement_check(*, announcement: Announcement) -> Audience:
    """The announcement's audience, once it and every text are checked against the seminar as
    it is now; RegistrationError with the first problem otherwise."""
    audience = audience_parse(
        seminar=announcement.seminar, data=announcement.audience, purpose=announcement.purpose
    )
    errors = announcement_text_errors(texts=announcement_texts(announcement), audience=audience)
    if errors:
        name, message = next(iter(errors.items()))
        raise RegistrationError(message, field=name)
    return audience


def announcement_recipients(*, announcement: Announcement) -> QuerySet[Registration]:
    """Who the announcement would go to now (one registration per address)."""
    return audience_recipients(
        seminar=announcement.seminar, audience=announcement_check(announcement=announcement)
    )


# What an organiser edits; the state, times and count belong to the services.
EDITABLE_FIELDS = ("purpose", "audience", *announcement_text_fields())


def announcement_update(*, announcement: Announcement) -> Announcement:
    """Save the organiser's edits (texts, purpose, audience) unless it was queued meanwhile,
    say by the scheduler between opening the page and saving it: then AnnouncementAlreadyQueued,
    and what was sent stays as it was. The state and the rest are never written from a page."""
    values = {name: getattr(announcement, name) for name in EDITABLE_FIELDS}
    updated = (
        Announcement.objects.filter(pk=announcement.pk)
        .exclude(state=State.QUEUED)
        .update(updated_at=timezone.now(), **values)
    )
    if not updated:
        raise AnnouncementAlreadyQueued
    return announcement


@transaction.atomic
def announcement_queue(
    *, announcement: Announcement, actor: AbstractBaseUser | None, now: datetime | None = None
) -> int:
    """Queue the announcement for sending to its audience as it is now; returns how many.

    The conditional update claims it (a second click, or a second scheduler, finds it queued
    and is refused with AnnouncementAlreadyQueued); the outbox rows, the count and the audit
    entry are written in the same transaction, so a refusal of the audience or the texts
    leaves it as it was.
    """
    now = now or timezone.now()
    claimed = Announcement.objects.filter(
        pk=announcement.pk, state__in=(State.DRAFT, State.SCHEDULED)
    ).update(state=State.QUEUED, queued_at=now)
    if not claimed:
        raise AnnouncementAlreadyQueued
    announcement.refresh_from_db()
    audience = announcement_check(announcement=announcement)
    seminar = announcement.seminar
    recipients = audience_recipients(seminar=seminar, audience=audience)
    notifications_queue(
        notifications=[
            Notification(
                registration_id=registration_id,
                kind=Notification.Kind.ANNOUNCEMENT,
                announcement=announcement,
            )
            for registration_id in recipients.order_by("pk").values_list("pk", flat=True)
        ],
        now=now,
    )
    # The rows as written: the unique constraint is the last word on who gets it.
    count = Notification.objects.filter(announcement=announcement, recipient="").count()
    Announcement.objects.filter(pk=announcement.pk).update(recipient_count=count)
    announcement.recipient_count = count
    with translation.override(settings.LANGUAGE_CODE):
        # The log keeps one wording, whoever reads it later.
        description = audience_describe(seminar=seminar, audience=audience)
    audit_record(
        action=AuditEntry.Action.ANNOUNCED,
        actor=actor,
        actor_label=SCHEDULER,
        seminar=seminar,
        details={
            "announcement": announcement.pk,
            "subject": announcement.subject_en,
            "audience": description,
            "recipients": count,
        },
    )
    return count


@transaction.atomic
def announcement_schedule(
    *, announcement: Announcement, send_at: datetime, now: datetime | None = None
) -> Announcement:
    """Send it at `send_at` (the scheduler queues it then, to the audience as it is then)."""
    now = now or timezone.now()
    if send_at <= now:
        raise RegistrationError(SEND_AT_PAST, field="send_at")
    if send_at > now + SEND_AT_MAX_AHEAD:
        raise RegistrationError(SEND_AT_TOO_FAR, field="send_at")
    announcement_check(announcement=announcement)
    updated = Announcement.objects.filter(
        pk=announcement.pk, state__in=(State.DRAFT, State.SCHEDULED)
    ).update(state=State.SCHEDULED, send_at=send_at)
    if not updated:
        raise AnnouncementAlreadyQueued
    announcement.refresh_from_db()
    return announcement


def announcement_unschedule(*, announcement: Announcement) -> Announcement:
    """Back to a draft: nothing is sent until it is scheduled or sent again."""
    updated = Announcement.objects.filter(pk=announcement.pk, state=State.SCHEDULED).update(
        state=State.DRAFT
    )
    announcement.refresh_from_db()
    if not updated:
        if announcement.state == State.QUEUED:
            raise AnnouncementAlreadyQueued
        raise RegistrationError(NOT_SCHEDULED)
    return announcement


@dataclass(frozen=True)
class Dispatched:
    queued: int = 0  # announcements queued
    emails: int = 0  # outbox rows they wrote
    refused: int = 0  # back to draft: their audience or texts no longer hold


def announcements_dispatch_due(*, now: datetime | None = None) -> Dispatched:
    """Queue every scheduled announcement whose time has come (the scheduler, every minute).

    Safe with several schedulers: each announcement is claimed by announcement_queue. One
    whose audience or texts no longer hold (a question's option deleted since) goes back to
    draft, with a warning in the log, rather than being tried every minute.
    """
    now = now or timezone.now()
    queued = emails = refused = 0
    due = Announcement.objects.filter(state=State.SCHEDULED, send_at__lte=now).order_by("send_at")
    for announcement in due.select_related("seminar"):
        try:
            emails += announcement_queue(announcement=announcement, actor=None, now=now)
        except AnnouncementAlreadyQueued:
            continue  # another scheduler was first
        except RegistrationError as refusal:
            Announcement.objects.filter(pk=announcement.pk, state=State.SCHEDULED).update(
                state=State.DRAFT
            )
            logger.warning(
                "Scheduled announcement %s not sent, back to draft: %s",
                announcement.pk,
                refusal.message,
            )
            refused += 1
        else:
            queued += 1
    return Dispatched(queued=queued, emails=emails, refused=refused)


def announcement_test_send(
    *, announcement: Announcement, registration: Registration, address: str
) -> Notification:
    """Email the announcement as `registration` would get it to `address` (an organiser's),
    with "[Test]" before the subject. It is an outbox row like any other, with its own
    recipient, so it is not the registrant's one delivery and is not counted."""
    if announcement.state == State.QUEUED:
        raise RegistrationError(TEST_AFTER_SENT)
    if not address:
        raise RegistrationError(TEST_NO_ADDRESS)
    if registration.seminar_id != announcement.seminar_id:
        raise RegistrationError(TEST_NOT_REGISTRANT, field="registration")
    announcement_check(announcement=announcement)
    with transaction.atomic():
        notification = Notification.objects.create(
            registration=registration,
            kind=Notification.Kind.ANNOUNCEMENT,
            announcement=announcement,
            recipient=address,
        )
        transaction.on_commit(lambda: notification_send.enqueue(notification_id=notification.pk))
    return notification


def announcement_failed_resend(*, announcement: Announcement) -> int:
    """Queue the announcement's failed emails again; returns how many."""
    failed = Notification.objects.filter(
        announcement=announcement, recipient="", status=NotificationStatus.FAILED
    )
    return sum(notification_retry(notification=notification) for notification in failed)


# The progress of each announcement's delivery, as counts of its outbox rows (tests sent to
# organisers are left out).
PROGRESS = {
    "progress_queued": (NotificationStatus.PENDING, NotificationStatus.SENDING),
    "progress_sent": (NotificationStatus.SENT,),
    "progress_failed": (NotificationStatus.FAILED,),
    "progress_not_sent": (NotificationStatus.SKIPPED,),
}


def announcements_with_progress(queryset: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """`queryset` with progress_queued, _sent, _failed and _not_sent on each announcement,
    counted in the same query (a list page stays one query however many rows)."""
    return queryset.annotate(
        **{
            name: Count(
                "notifications",
                filter=Q(notifications__recipient="", notifications__status__in=statuses),
            )
            for name, statuses in PROGRESS.items()
        }
    )


@dataclass(frozen=True)
class Progress:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    not_sent: int = 0


def announcement_progress(*, announcement: Announcement) -> Progress:
    """How far the announcement's delivery has got, in one query."""
    row = Notification.objects.filter(announcement=announcement, recipient="").aggregate(
        **{name: Count("pk", filter=Q(status__in=statuses)) for name, statuses in PROGRESS.items()}
    )
    return Progress(**{name.removeprefix("progress_"): row[name] for name in PROGRESS})
