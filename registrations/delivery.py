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

from django.db import transaction
from django.db.models import F, Q
from django.tasks import default_task_backend, task
from django.utils import timezone

from seminar.models import Seminar

from .emails import message_build
from .models import Notification, Registration

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


def reminder_key(offset: timedelta) -> str:
    hours = offset.total_seconds() / 3600
    return f"{hours:g}h"


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
        key = reminder_key(offset)
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
