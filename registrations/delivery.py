"""The email outbox: services that queue, send, retry and schedule registrants' emails.

A state change writes its Notification row in the same transaction (see services.py); on commit
a wake-up task is queued unless one is waiting already (_wake_enqueue), and it sends every new
email in one claim, so a burst of registrations makes a few tasks, not one each. Announcements
and change notices write many rows at once (notifications_queue) and are sent in batches by
drain tasks, at most EMAILS_PER_MINUTE.

Sending claims rows (pending -> sending) in one statement that two workers cannot both win, sends
each over one SMTP connection per batch (mail_transport.py), and marks each sent right after the
server took it; a failed send is retried with back-off and left visible in the admin. If a worker
dies mid-batch, its claimed rows are re-queued after SENDING_TIMEOUT. Only the email in flight
when it died can go twice (the server had it, the row was not yet marked); it goes with the same
Message-ID, by which a receiver can drop it. That is the price of never losing an email.
"""

import logging
import math
import time
from collections import Counter
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Min, Q
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.crypto import salted_hmac

from seminar.models import Seminar

from .announcement_emails import announcement_still_applies
from .email_parts import EmailParts
from .emails import message_build
from .mail_transport import MailSession
from .models import Notification, Registration
from .seminar_changes import CANCELLATION_STATUSES, changes_concerning
from .survey_emails import survey_invitation_still_applies
from .task_queue import database_queue, task_enqueue_unless_waiting

logger = logging.getLogger(__name__)

Kind = Notification.Kind
NotificationStatus = Notification.Status

# Minutes to wait before each retry; after the last one the email is marked failed.
RETRY_DELAYS_MINUTES = (1, 2, 5, 15, 30)
SENDING_TIMEOUT = timedelta(minutes=10)
# A pending row whose task never ran (the enqueue was lost) is queued again after this long.
PENDING_GRACE = timedelta(minutes=5)
# Emails to many registrants at once: throttled, sent by drain tasks in batches. Any other email
# is about one registrant's own change and goes at once (the wake-up task, _wake_enqueue).
BULK_KINDS = (Kind.ANNOUNCEMENT, Kind.SEMINAR_CHANGED, Kind.SEMINAR_CANCELLED, Kind.SURVEY)
# Drains run after every other task (a confirmation waits for one batch at most).
DRAIN_PRIORITY = -10
# A batch gives back the rows it has not started after this many seconds, so a slow mail server
# never keeps claimed rows until SENDING_TIMEOUT hands them to another worker.
BATCH_SECONDS = 60
THROTTLE_WINDOW = timedelta(minutes=1)
# A new email still waiting for its own task after this long means the workers are behind: the
# next task takes it along in its batch.
BEHIND = timedelta(seconds=2)
# Any fixed number, the same in every process: the key of the throttle's advisory lock.
THROTTLE_LOCK_ID = 0x5E31_0EA1


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
    *,
    registration: Registration,
    kind: str,
    reminder_key: str = "",
    recipient: str = "",
    certificate=None,
) -> Notification:
    """Record an email to send and queue it once the surrounding transaction commits.

    It goes to `recipient` when given, else to the registration's address when it is sent.
    A CERTIFICATE email names its `certificate`.
    """
    notification = Notification.objects.create(
        registration=registration,
        kind=kind,
        reminder_key=reminder_key,
        recipient=recipient,
        certificate=certificate,
    )
    transaction.on_commit(lambda: _new_enqueue(notification_ids=[notification.pk]))
    return notification


def _database_queue():
    """The task queue's backend when it is the database's (django_tasks_db), else None."""
    return database_queue(notifications_send_new)


def _new_enqueue(*, notification_ids: list[int]) -> None:
    """Have new emails sent: by a task that takes every new email (_wake_enqueue) when the queue
    is the database, where a waiting task can be seen; else by a task each, as before."""
    if _database_queue() is not None:
        _wake_enqueue()
        return
    for notification_id in notification_ids:
        _send_enqueue(notification_id=notification_id)


def _wake_enqueue() -> None:
    """Queue a task that sends the new emails (notifications_deliver_new), unless one is
    waiting to start already: that one claims after this commit, so it finds this email too.
    A task already running may have claimed before it, so only a waiting one counts. A burst
    of registrations thus queues a few tasks, not one each; if the process dies before this
    runs, the scheduler's sweep (notifications_requeue_stale) queues the email.

    Call it after the commit that wrote the emails, never inside it: a task started before the
    commit would not see them.
    """
    task_enqueue_unless_waiting(notifications_send_new)


def notifications_queue(*, notifications: list[Notification], now: datetime | None = None) -> int:
    """Write many outbox rows at once (an announcement, a change notice) and queue their sending.

    The caller leaves out rows that exist already; the unique constraints are the backstop if two
    queue at once, and a row that exists is left as it is, so nothing is sent twice. With
    settings.EMAILS_PER_MINUTE each row's next_attempt_at is a slot after every email already
    waiting (so two announcements queued together share the rate), and drain tasks are queued
    for each slot; the drains keep to the rate whatever the number of workers (see
    _throttle_room). Returns how many rows were offered.
    """
    now = now or timezone.now()
    per_minute = settings.EMAILS_PER_MINUTE
    # Everything already waiting goes first, at the same rate.
    waiting = Notification.objects.filter(status=NotificationStatus.PENDING)
    ahead = waiting.count() if per_minute else 0
    rows_per_slot = Counter()
    for index, notification in enumerate(notifications, start=ahead):
        slot = now + timedelta(minutes=index // per_minute) if per_minute else now
        notification.next_attempt_at = slot
        rows_per_slot[slot] += 1
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)

    def enqueue() -> None:
        for slot, rows in sorted(rows_per_slot.items()):
            _drain_enqueue(run_after=slot if slot > now else None, rows=rows)

    transaction.on_commit(enqueue)
    return len(notifications)


def _drain_enqueue(*, run_after: datetime | None = None, rows: int = 1) -> None:
    """Queue enough drains for `rows` emails: one per batch, so that every worker can take one."""
    send = notifications_send_due
    if default_task_backend.supports_priority:
        send = send.using(priority=DRAIN_PRIORITY)
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the sweeper queues them when their slot comes (notifications_requeue_stale)
        send = send.using(run_after=run_after)
    for _ in range(math.ceil(rows / settings.EMAIL_BATCH_SIZE)):
        send.enqueue()


def _requeue(notifications: list[Notification], *, now: datetime) -> None:
    """Queue the sending of these rows again, each at its next_attempt_at: announcements and
    change notices through the throttled drains (a few tasks for many rows), any other email
    by its own task."""
    bulk = Counter()
    for notification in notifications:
        run_after = notification.next_attempt_at
        run_after = run_after if run_after and run_after > now else None
        if notification.kind in BULK_KINDS:
            bulk[run_after] += 1
        else:
            _send_enqueue(notification_id=notification.pk, run_after=run_after)
    for run_after, rows in bulk.items():
        _drain_enqueue(run_after=run_after, rows=rows)


def _due(now: datetime):
    """What drains send: rows given a time (a slot, a retry, a row given back) that has come.
    A new email about one registrant has no time yet; its own task sends it."""
    return Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)


def _claim(queryset, *, now: datetime) -> int:
    return queryset.update(
        status=NotificationStatus.SENDING,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_attempt_at=None,
    )


def _claimed(ids: list[int]) -> list[Notification]:
    """The claimed rows with what building and checking them reads, in the order claimed."""
    rows = Notification.objects.select_related("registration__seminar", "announcement").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def _throttle_room(now: datetime) -> tuple[int | None, datetime | None]:
    """How many more emails may start now under settings.EMAILS_PER_MINUTE (None: no limit),
    and when the oldest attempt in the last minute leaves the window.

    Every attempt counts, whoever made it (a confirmation too), because the mail provider
    counts them all. Two workers must not both see room for the same emails, so they take
    turns: on PostgreSQL through a transaction-level advisory lock; SQLite's write transactions
    (IMMEDIATE) take turns already. Call it inside the claiming transaction.
    """
    per_minute = settings.EMAILS_PER_MINUTE
    if not per_minute:
        return None, None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [THROTTLE_LOCK_ID])
    recent = Notification.objects.filter(
        last_attempt_at__gt=now - THROTTLE_WINDOW, last_attempt_at__lte=now
    ).aggregate(started=Count("pk"), oldest=Min("last_attempt_at"))
    room = max(0, per_minute - recent["started"])
    frees_at = recent["oldest"] + THROTTLE_WINDOW if recent["oldest"] else None
    return room, frees_at


def notification_deliver(
    *, notification_id: int, now: datetime | None = None, with_waiting: bool = False
) -> Notification:
    """Send one queued email now, or schedule its retry. Safe to call twice or from two workers.

    with_waiting (the worker's task): when the workers are behind (a rush of registrations),
    other new emails that have waited BEHIND for their own task go in the same batch, up to
    EMAIL_BATCH_SIZE, over the same connection; their tasks then find nothing left to do. When
    the workers keep up, it is a batch of one and goes at once.
    """
    moment = now or timezone.now()
    waiting = []
    with transaction.atomic():
        claimed = _claim(
            Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING),
            now=moment,
        )
        if claimed and with_waiting and settings.EMAIL_BATCH_SIZE > 1:
            # Never attempted and given no time: new emails whose task has not run yet.
            new = Notification.objects.filter(
                status=NotificationStatus.PENDING,
                next_attempt_at__isnull=True,
                attempts=0,
                created_at__lte=moment - BEHIND,
            ).exclude(pk=notification_id)
            new = new.order_by("pk").select_for_update(skip_locked=True)
            waiting = list(new.values_list("pk", flat=True)[: settings.EMAIL_BATCH_SIZE - 1])
            _claim(
                Notification.objects.filter(pk__in=waiting, status=NotificationStatus.PENDING),
                now=moment,
            )
    notification, *others = _claimed([notification_id, *waiting])
    if claimed:
        _batch_send([notification, *others], now=now)
    return notification


def _new():
    """Emails about one registrant's own change that no task has tried yet (given no time: the
    throttled bulk emails always have one)."""
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__isnull=True, attempts=0
    )


def _claim_new(*, size: int, now: datetime) -> list[int]:
    """Claim up to `size` new emails, oldest first, skipping those another worker is claiming.
    On PostgreSQL one statement (a single round trip, atomic on its own)."""
    if connection.vendor != "postgresql":
        with transaction.atomic():  # SQLite's write transactions take turns
            ids = list(_new().order_by("pk").values_list("pk", flat=True)[:size])
            _claim(Notification.objects.filter(pk__in=ids), now=now)
        return ids
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, last_attempt_at = %s, "  # noqa: S608
            f"next_attempt_at = NULL WHERE id IN (SELECT id FROM {table} WHERE status = %s "
            "AND next_attempt_at IS NULL AND attempts = 0 ORDER BY id LIMIT %s "
            "FOR UPDATE SKIP LOCKED) RETURNING id",
            [NotificationStatus.SENDING, now, NotificationStatus.PENDING, size],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def notifications_deliver_new(*, now: datetime | None = None) -> int:
    """Claim a batch of new emails (confirmations and the like, see _new) and send it over one
    connection. When the workers keep up, that is the one email just written; in a rush, all
    that came in meanwhile. A full batch wakes another worker for the rest before it is sent.
    Returns how many emails were claimed."""
    size = settings.EMAIL_BATCH_SIZE
    ids = _claim_new(size=size, now=now or timezone.now())
    if len(ids) == size and _database_queue() is not None:
        _wake_enqueue()
    if ids:
        _batch_send(_claimed(ids), now=now)
    return len(ids)


def notifications_deliver_due(*, now: datetime | None = None) -> int:
    """Claim a batch of the emails that are due and send it over one connection.

    Claiming skips rows another worker is claiming at the same moment (SKIP LOCKED), so two
    workers take different batches. When the throttle held some back, queues one more drain for
    when the rate allows them. Returns how many emails were claimed.
    """
    moment = now or timezone.now()
    size = settings.EMAIL_BATCH_SIZE
    with transaction.atomic():
        room, frees_at = _throttle_room(moment)
        take = size if room is None else min(size, room)
        due = _due(moment).order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:take])
        _claim(
            Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING), now=moment
        )
        held_back = len(ids) == take < size and _due(moment).exclude(pk__in=ids).exists()
    if held_back:
        _drain_enqueue(run_after=frees_at if frees_at and frees_at > moment else None)
    if ids:
        _batch_send(_claimed(ids), now=now)
    return len(ids)


def notification_message_id(notification: Notification) -> str:
    """The Message-ID every attempt at this email carries, so that a receiver can drop a copy
    (see the module's docstring). Derived with the secret key: it gives away neither the row's
    number nor how many emails we send."""
    digest = salted_hmac(
        "registrations.notification.message-id", str(notification.pk), algorithm="sha256"
    )
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{digest.hexdigest()[:32]}@{host or 'localhost'}>"


def _batch_send(batch: list[Notification], *, now: datetime | None) -> None:
    """Send claimed rows over one connection, each marked sent right after the server took it.

    What the emails share is built once (EmailParts). Each email is built while the server
    works on the one before; its answer is read, and that one marked, before this one goes, so
    at most one email is ever in the server's hands unmarked. A failed email gets its retry and
    the rest go on. Rows not started when the batch runs out of time, or when the worker is
    stopped, are given back at once; a row whose sending was under way is left to the sweeper,
    since the server may have it.
    """
    parts = EmailParts(batch)
    unstarted = list(reversed(batch))
    in_flight = None
    deadline = time.monotonic() + BATCH_SECONDS
    try:
        with MailSession() as session:
            while unstarted and time.monotonic() < deadline:
                message = _message(unstarted[-1], parts=parts, now=now)
                if in_flight is not None:
                    _answer_read(in_flight, session=session, now=now)
                    in_flight = None
                notification = unstarted.pop()
                if message is not None and _handed_over(notification, message, session, now):
                    in_flight = notification
            if in_flight is not None:
                _answer_read(in_flight, session=session, now=now)
    finally:
        try:
            _give_back(unstarted, now=now or timezone.now())
            retries = [n for n in batch if n.status == NotificationStatus.PENDING]
            _requeue(retries, now=now or timezone.now())
        except DatabaseError:
            # Raising here would hide why the batch stopped; the sweeper re-queues these.
            logger.exception("Re-queuing the rest of a batch of %d emails failed", len(batch))


def _message(
    notification: Notification, *, parts: EmailParts, now: datetime | None
) -> EmailMultiAlternatives | None:
    """The claimed row's message, or None when it is not to be sent (recorded as skipped, or
    failed for good when it cannot be built)."""
    if not _still_applies(notification):
        notification.status = NotificationStatus.SKIPPED
        notification.save(update_fields=["status"])
        return None
    try:
        message = message_build(notification=notification, parts=parts)
    except Exception as error:
        # A bug while building the message: retrying will not help, but the organisers must
        # see it rather than the row sitting in "sending". The rest of the batch goes on.
        logger.exception("Building email %s failed", notification.pk)
        _attempt_failed(
            notification=notification, error=error, now=now or timezone.now(), retry=False
        )
        return None
    message.extra_headers["Message-ID"] = notification_message_id(notification)
    return message


def _handed_over(
    notification: Notification,
    message: EmailMultiAlternatives,
    session: MailSession,
    now: datetime | None,
) -> bool:
    try:
        session.hand_over(message)
    except (SMTPException, OSError) as error:
        # The mail server is down or refused: try again later, keep the registration as it is.
        _attempt_failed(notification=notification, error=error, now=now or timezone.now())
        return False
    except ValueError as error:
        # An address no server would take (a line break, a character outside ASCII before the
        # @): retrying will not help, but the organisers must see it.
        logger.exception("Sending email %s failed", notification.pk)
        _attempt_failed(
            notification=notification, error=error, now=now or timezone.now(), retry=False
        )
        return False
    return True


def _answer_read(notification: Notification, *, session: MailSession, now: datetime | None):
    """Read the server's answer to this email and record it: sent, or to retry."""
    moment = now or timezone.now()
    try:
        session.accepted()
    except (SMTPException, OSError) as error:
        _attempt_failed(notification=notification, error=error, now=moment)
        return
    notification.status = NotificationStatus.SENT
    notification.sent_at = moment
    notification.last_error = ""
    marked = Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.SENDING
    ).update(status=NotificationStatus.SENT, sent_at=moment, last_error="")
    if not marked:
        # The sweeper took it back (the batch ran past SENDING_TIMEOUT): it may go twice.
        logger.warning("Email %s was sent after it had been re-queued", notification.pk)


def _give_back(notifications: list[Notification], *, now: datetime) -> None:
    """Claimed rows never started go back to pending at once, the claim not counted as an
    attempt. Best effort: if the database is gone too, the sweeper re-queues them later."""
    if not notifications:
        return
    try:
        Notification.objects.filter(
            pk__in=[notification.pk for notification in notifications],
            status=NotificationStatus.SENDING,
        ).update(status=NotificationStatus.PENDING, attempts=F("attempts") - 1, next_attempt_at=now)
    except DatabaseError:
        logger.exception("Giving back %d unsent emails failed", len(notifications))
    for notification in notifications:
        notification.status = NotificationStatus.PENDING
        notification.attempts -= 1
        notification.next_attempt_at = now


@task()
def notification_send(*, notification_id: int) -> None:
    """The worker's side of the outbox: send one queued email, with any others waiting (see
    notification_deliver)."""
    notification_deliver(notification_id=notification_id, with_waiting=True)


@task()
def notifications_send_new() -> None:
    """The worker's side of the outbox for new emails: send those waiting (see
    notifications_deliver_new and _wake_enqueue)."""
    notifications_deliver_new()


@task()
def notifications_send_due() -> None:
    """The worker's side of bulk sending: send a batch of what is due now (see
    notifications_queue)."""
    notifications_deliver_due()


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
    if notification.kind == Kind.SURVEY:
        # While the survey is open, still asks the registrant, and they have not answered.
        return survey_invitation_still_applies(notification)
    if notification.kind == Kind.CERTIFICATE:
        # A certificate revoked before its email went is not sent (whatever the registration's
        # status now: the certificate was earned).
        return notification.certificate is not None and notification.certificate.revoked_at is None
    return registration.seat_is_confirmed


def _attempt_failed(
    *, notification: Notification, error: Exception, now: datetime, retry: bool = True
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
    return notification


def notification_retry(*, notification: Notification) -> bool:
    """Queue a failed email again (organiser's action). Returns False if it was not failed."""
    now = timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, next_attempt_at=now)
    if updated:
        notification.status, notification.next_attempt_at = NotificationStatus.PENDING, now
        _requeue([notification], now=now)
    return bool(updated)


def notifications_requeue_stale(*, now: datetime | None = None) -> int:
    """Queue again emails whose task was lost: pending past their time, or stuck in sending
    because a worker died (after SENDING_TIMEOUT; the one it was sending may have left, see the
    module's docstring). Returns how many were queued."""
    now = now or timezone.now()
    abandoned = Notification.objects.filter(
        status=NotificationStatus.SENDING, last_attempt_at__lt=now - SENDING_TIMEOUT
    )
    abandoned_ids = list(abandoned.values_list("pk", flat=True))
    stale = Notification.objects.filter(status=NotificationStatus.PENDING).filter(
        Q(next_attempt_at__lt=now - PENDING_GRACE)
        | Q(next_attempt_at__isnull=True, created_at__lt=now - PENDING_GRACE)
    )
    ids = abandoned_ids + list(stale.values_list("pk", flat=True))
    # Due now, for whichever task sends them (drains send only rows with a time).
    abandoned.filter(pk__in=abandoned_ids).update(status=NotificationStatus.PENDING)
    requeued = Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING)
    requeued.update(next_attempt_at=now)
    rows = list(requeued.only("pk", "kind", "next_attempt_at"))
    _requeue(rows, now=now)
    return len(rows)


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
    new = []
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
            new.extend(waiting)
    if new:
        # New emails, as a confirmation is. The scheduler runs this in autocommit, so the rows
        # are committed already (see _wake_enqueue).
        _new_enqueue(notification_ids=new)
    return len(new)
