"""The email outbox: services that queue, send, retry and schedule registrants' emails.

A state change writes its Notification row in the same transaction (see services.py); the task
that sends it is enqueued on commit. Sending claims the row with a conditional UPDATE, so two
workers never send the same row, and a failed send is retried with back-off and left visible in
the admin. If a worker dies mid-send, the row is re-queued after SENDING_TIMEOUT: delivery is then
at least once, which is the price of never losing an email.
"""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import default_task_backend, task
from django.utils import timezone

from seminar.models import Seminar

from .announcement_emails import announcement_still_applies
from .emails import message_build
from .models import Notification, Registration
from .seminar_changes import CANCELLATION_STATUSES, changes_concerning

logger = logging.getLogger(__name__)

Kind = Notification.Kind
NotificationStatus = Notification.Status

# Minutes to wait before each retry; after the last one the email is marked failed.
RETRY_DELAYS_MINUTES = (1, 2, 5, 15, 30)
SENDING_TIMEOUT = timedelta(minutes=10)
# A pending row whose task never ran (the enqueue was lost) is queued again after this long.
PENDING_GRACE = timedelta(minutes=5)


def _send_enqueue(*, notification_id: int, run_after: datetime | None = None) -> None:
    send = notification_send
    if run_after is not None:
        if not default_task_backend.supports_defer:
            # Running it now would spend every retry at once; the sweeper in scheduler
            # (notifications_requeue_stale) queues it when its time has come.
            return
        send = send.using(run_after=run_after)
    send.enqueue(notification_id=notification_id)


def notification_create(
    *, registration: Registration, kind: str, reminder_key: str = "", recipient: str = ""
) -> Notification:
    """Record an email to send and queue it once the surrounding transaction commits.

    It goes to `recipient` when given, else to the registration's address when it is sent.
    """
    notification = Notification.objects.create(
        registration=registration, kind=kind, reminder_key=reminder_key, recipient=recipient
    )
    transaction.on_commit(lambda: _send_enqueue(notification_id=notification.pk))
    return notification


def _throttle_start(now: datetime) -> datetime:
    """Where the next throttled rows start: after those already waiting for their slot, so two
    announcements queued together still keep to the rate between them."""
    latest = (
        Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__gt=now)
        .order_by("-next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return max(now, latest) if latest else now


def notifications_queue(*, notifications: list[Notification], now: datetime | None = None) -> int:
    """Write many outbox rows at once (an announcement, a change notice) and queue their sending.

    The caller leaves out rows that exist already; the unique constraints are the backstop if two
    queue at once, and a row that exists is left as it is, so nothing is sent twice. Sending is
    spread over minutes so that no more than settings.EMAILS_PER_MINUTE leave, whatever the
    number of workers: each row's next_attempt_at is its slot, and a drain task per slot sends
    what is due. Returns how many rows were offered.
    """
    now = now or timezone.now()
    per_minute = settings.EMAILS_PER_MINUTE
    start = _throttle_start(now) if per_minute else now
    slots = set()
    for index, notification in enumerate(notifications):
        slot = start + timedelta(minutes=index // per_minute) if per_minute else now
        notification.next_attempt_at = slot
        slots.add(slot)
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)

    def enqueue() -> None:
        for slot in sorted(slots):
            _drain_enqueue(run_after=slot if slot > now else None)

    transaction.on_commit(enqueue)
    return len(notifications)


def _drain_enqueue(*, run_after: datetime | None = None) -> None:
    send = notifications_send_due
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the sweeper queues them when their slot comes (notifications_requeue_stale)
        send = send.using(run_after=run_after)
    send.enqueue()


def notifications_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """The queued emails whose time has come, oldest slot first, at most `limit` (the throttle's
    rate when one is set)."""
    now = now or timezone.now()
    limit = limit or settings.EMAILS_PER_MINUTE or 1000
    due = Notification.objects.filter(status=NotificationStatus.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> Notification:
    """Send one queued email, or schedule its retry. Safe to call twice or from two workers."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING
    ).update(
        status=NotificationStatus.SENDING,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_attempt_at=None,
    )
    notification = Notification.objects.select_related("registration__seminar").get(
        pk=notification_id
    )
    if not claimed:
        return notification  # sent already, failed for good, or another worker holds it
    if not _still_applies(notification):
        notification.status = NotificationStatus.SKIPPED
        notification.save(update_fields=["status"])
        return notification
    try:
        message_build(notification=notification).send()
    except (SMTPException, OSError) as error:
        # The mail server is down or refused: try again later, keep the registration as it is.
        return _attempt_failed(notification=notification, error=error, now=now, retry=True)
    except Exception as error:
        # A bug while building the message: retrying will not help, but the organisers must see
        # it rather than the row sitting in "sending".
        logger.exception("Building email %s failed", notification.pk)
        return _attempt_failed(notification=notification, error=error, now=now, retry=False)
    notification.status = NotificationStatus.SENT
    notification.sent_at = now
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    return notification


@task()
def notification_send(*, notification_id: int) -> None:
    """The worker's side of the outbox: send one queued email (see notification_deliver)."""
    notification_deliver(notification_id=notification_id)


@task()
def notifications_send_due() -> None:
    """The worker's side of bulk sending: send what is due now (see notifications_queue)."""
    for notification_id in notifications_due():
        notification_deliver(notification_id=notification_id)


def _still_applies(notification: Notification) -> bool:
    """Whether the email still tells the truth when its turn comes: a confirmation or reminder
    queued before the registrant cancelled, or before the organisers cancelled the seminar, must
    not go out, nor a link to confirm an address the registrant has since replaced."""
    registration = notification.registration
    if registration.anonymised_at is not None:
        return False
    if notification.kind == Kind.EMAIL_CONFIRM:
        # A link to an address the registrant has since replaced with another would not work.
        return (
            registration.is_active
            and registration.email_pending.lower() == notification.recipient.lower()
        )
    if notification.kind == Kind.EMAIL_CHANGE_NOTICE:
        return True
    if notification.kind == Kind.CANCELLED:
        return registration.status == Registration.Status.CANCELLED
    if notification.kind == Kind.WAITLISTED:
        return registration.status != Registration.Status.CANCELLED
    if notification.kind == Kind.RECEIVED:
        # Decided before it went out: the decision's own email says where it stands.
        return registration.status == Registration.Status.PENDING
    if notification.kind == Kind.DECLINED:
        return registration.status == Registration.Status.DECLINED
    if notification.kind == Kind.MODE_CHANGED:
        # It states the mode and status as they are when sent, so it is true while the
        # registration stands at a seminar still going ahead.
        return registration.is_active and registration.seminar.status != Seminar.Status.CANCELLED
    if notification.kind == Kind.REMINDER:
        return registration.seat_is_confirmed and _reminder_still_due(notification)
    if notification.kind == Kind.SEMINAR_CHANGED:
        # While the seminar still goes ahead (published or draft: not cancelled) and something
        # in the notice still concerns the registrant as they stand now (confirmed or
        # waitlisted; the join link only if confirmed and attending online).
        return registration.seminar.status != Seminar.Status.CANCELLED and bool(
            changes_concerning(registration=registration, changes=notification.changes)
        )
    if notification.kind == Kind.SEMINAR_CANCELLED:
        # While the seminar is still cancelled, to those it was still going to take in.
        return (
            registration.seminar.status == Seminar.Status.CANCELLED
            and registration.status in CANCELLATION_STATUSES
        )
    if notification.kind == Kind.ANNOUNCEMENT:
        # News only while still wanted; the join link only to a confirmed seat.
        return announcement_still_applies(notification)
    return registration.seat_is_confirmed


def _attempt_failed(
    *, notification: Notification, error: Exception, now: datetime, retry: bool
) -> Notification:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    retries_done = notification.attempts - 1
    if retry and retries_done < len(RETRY_DELAYS_MINUTES):
        notification.status = NotificationStatus.PENDING
        notification.next_attempt_at = now + timedelta(minutes=RETRY_DELAYS_MINUTES[retries_done])
        logger.warning(
            "Email %s failed (attempt %d), retrying at %s: %s",
            notification.pk,
            notification.attempts,
            notification.next_attempt_at,
            notification.last_error,
        )
    else:
        notification.status = NotificationStatus.FAILED
        logger.error("Email %s failed for good: %s", notification.pk, notification.last_error)
    notification.save(update_fields=["status", "last_error", "next_attempt_at"])
    if notification.status == NotificationStatus.PENDING:
        _send_enqueue(notification_id=notification.pk, run_after=notification.next_attempt_at)
    return notification


def notification_retry(*, notification: Notification) -> bool:
    """Queue a failed email again (organiser's action). Returns False if it was not failed."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, next_attempt_at=None)
    if updated:
        _send_enqueue(notification_id=notification.pk)
    return bool(updated)


def notifications_requeue_stale(*, now: datetime | None = None) -> int:
    """Queue again emails whose task was lost: pending past their time, or stuck in sending
    because a worker died. Returns how many were queued."""
    now = now or timezone.now()
    Notification.objects.filter(
        status=NotificationStatus.SENDING, last_attempt_at__lt=now - SENDING_TIMEOUT
    ).update(status=NotificationStatus.PENDING)
    stale = Notification.objects.filter(status=NotificationStatus.PENDING).filter(
        Q(next_attempt_at__lt=now - PENDING_GRACE)
        | Q(next_attempt_at__isnull=True, created_at__lt=now - PENDING_GRACE)
    )
    ids = list(stale.values_list("pk", flat=True))
    for notification_id in ids:
        _send_enqueue(notification_id=notification_id)
    return len(ids)


def reminder_key(offset: timedelta, starts_at: datetime) -> str:
    """ "24h@1765328400": the offset and the start it counts back from. A seminar that moves gets
    a new key, so its reminders are sent again at the new time."""
    hours = offset.total_seconds() / 3600
    return f"{hours:g}h@{int(starts_at.timestamp())}"


def _reminder_still_due(notification: Notification) -> bool:
    """A reminder queued for a start the seminar no longer has is not sent: the reminder for the
    new start is queued when its time comes."""
    start = notification.reminder_key.partition("@")[2]
    if not start:
        return True  # queued without a start (by hand, or before keys named one): nothing to check
    return start == str(int(notification.registration.seminar.starts_at.timestamp()))


def reminders_schedule(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due: one per confirmed registrant and offset, ever.

    Only the most recent due offset is sent (a scheduler that was down does not send the 24-hour
    reminder one hour before the start as well as the 1-hour one), and a registration confirmed
    after a reminder's time does not get that reminder. The unique constraint on
    (registration, reminder_key) makes this exactly-once however many schedulers run at once.
    Returns how many reminders were queued.
    """
    now = now or timezone.now()
    queued = 0
    seminars = Seminar.objects.filter(
        status=Seminar.Status.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=168),
    ).exclude(reminder_hours="")
    for seminar in seminars:
        due = [offset for offset in seminar.reminder_offsets if now >= seminar.starts_at - offset]
        if not due:
            continue
        offset = min(due)
        key = reminder_key(offset, seminar.starts_at)
        recipients = seminar.registrations.filter(
            status=Registration.Status.CONFIRMED, confirmed_at__lte=seminar.starts_at - offset
        ).exclude(notifications__kind=Kind.REMINDER, notifications__reminder_key=key)
        created = Notification.objects.bulk_create(
            [
                Notification(registration=registration, kind=Kind.REMINDER, reminder_key=key)
                for registration in recipients.only("pk")
            ],
            ignore_conflicts=True,
        )
        # ignore_conflicts leaves no primary keys, so read back what is now waiting to go.
        if created:
            waiting = Notification.objects.filter(
                registration__seminar=seminar,
                kind=Kind.REMINDER,
                reminder_key=key,
                status=NotificationStatus.PENDING,
                attempts=0,
            ).values_list("pk", flat=True)
            for notification_id in waiting:
                _send_enqueue(notification_id=notification_id)
                queued += 1
    return queued
