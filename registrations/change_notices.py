"""Telling registrants that their seminar changed or was cancelled.

After an organiser edits a seminar (published or draft), `seminar_edit_notify` compares the
seminar with a snapshot taken before the edit (seminar_changes.py). A new date or time, format,
venue or join link sends each confirmed and waitlisted registrant one change notice with what
concerns them (the join link only to confirmed registrants attending online; at a hybrid
seminar the venue only to those in the room); someone whom nothing concerns gets nothing.
Cancelling the seminar sends a cancellation notice to confirmed, waitlisted and pending
registrants instead. Postponing is a change of date like any other.

The notices are outbox rows queued in bulk (delivery.notifications_queue, throttled by
settings.EMAILS_PER_MINUTE) and worded when sent, in each registrant's language; the audit log
records the fields and how many were told. A cancelled seminar tells nobody of later edits.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q

from seminar.models import Seminar

from .audit import audit_record
from .delivery import notifications_queue
from .models import AuditEntry, Notification, Registration
from .seminar_changes import (
    CANCELLATION_STATUSES,
    CHANGE_STATUSES,
    changes_concerning,
    changes_topics,
    seminar_changes,
    seminar_snapshot,
)

Kind = Notification.Kind
Actor = AbstractBaseUser | None


@dataclass(frozen=True)
class NoticeOutcome:
    """What an edit told registrants. `kind` is None when there was nothing to tell; `withheld`
    when there was, but the organiser chose not to; `queued` is the number of notices queued,
    `by_status` the same number by the registrations' status."""

    kind: str | None = None
    topics: list[str] = field(default_factory=list)
    queued: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    withheld: bool = False


def notice_audience_counts(*, seminar: Seminar) -> dict[str, int]:
    """How many registrants a change could concern ("change": confirmed and waitlisted) and how
    many a cancellation tells ("cancellation": also those awaiting approval). One query."""
    active = Q(anonymised_at__isnull=True)
    return seminar.registrations.aggregate(
        change=Count("pk", filter=active & Q(status__in=CHANGE_STATUSES)),
        cancellation=Count("pk", filter=active & Q(status__in=CANCELLATION_STATUSES)),
    )


def _audience(*, seminar: Seminar, statuses: tuple[str, ...]):
    return (
        Registration.objects.filter(
            seminar_id=seminar.pk, status__in=statuses, anonymised_at__isnull=True
        )
        .only("pk", "status", "attendance_mode", "preferred_language")
        .order_by("pk")
    )


def _sequence_raise(*, seminar: Seminar, before: dict) -> None:
    """Calendars replace an entry only when SEQUENCE rises. It is the seminar's last edit in
    whole seconds (calendar.calendar_sequence), so two edits within one second would give two
    files the same number: move the edit time on to the next second when that happens."""
    floor = datetime.fromtimestamp(before["sequence"] + 1, tz=UTC)
    if Seminar.objects.filter(pk=seminar.pk, updated_at__lt=floor).update(updated_at=floor):
        seminar.updated_at = floor


def _queue(
    *, seminar: Seminar, notifications: list[Notification], fields: list[str], actor: Actor
) -> tuple[int, dict[str, int]]:
    queued = notifications_queue(notifications=notifications)
    by_status = Counter(notification.registration.status for notification in notifications)
    if queued:
        audit_record(
            action=AuditEntry.Action.NOTIFIED,
            actor=actor,
            seminar=seminar,
            details={"fields": fields, "count": queued},
        )
    return queued, dict(by_status)


@transaction.atomic
def seminar_change_notify(*, seminar: Seminar, before: dict, actor: Actor) -> NoticeOutcome:
    """Queue one change notice for each confirmed or waitlisted registrant whom something that
    changed since `before` (a seminar_snapshot) concerns. Returns what was queued."""
    seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
    changes = seminar_changes(before=before, after=seminar_snapshot(seminar=seminar))
    if not changes:
        return NoticeOutcome()
    _sequence_raise(seminar=seminar, before=before)
    notifications = []
    for registration in _audience(seminar=seminar, statuses=CHANGE_STATUSES):
        registration.seminar = seminar  # as saved, and no query per registrant
        concerning = changes_concerning(registration=registration, changes=changes)
        if concerning:
            notifications.append(
                Notification(
                    registration=registration, kind=Kind.SEMINAR_CHANGED, changes=concerning
                )
            )
    queued, by_status = _queue(
        seminar=seminar, notifications=notifications, fields=list(changes), actor=actor
    )
    return NoticeOutcome(
        kind=Kind.SEMINAR_CHANGED,
        topics=changes_topics(changes),
        queued=queued,
        by_status=by_status,
    )


@transaction.atomic
def seminar_cancellation_notify(*, seminar: Seminar, before: dict, actor: Actor) -> NoticeOutcome:
    """Queue a cancellation notice for each confirmed, waitlisted and pending registrant of a
    cancelled seminar. Returns what was queued."""
    seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if seminar.status != Seminar.Status.CANCELLED:
        return NoticeOutcome()
    _sequence_raise(seminar=seminar, before=before)
    notifications = [
        Notification(registration=registration, kind=Kind.SEMINAR_CANCELLED)
        for registration in _audience(seminar=seminar, statuses=CANCELLATION_STATUSES)
    ]
    queued, by_status = _queue(
        seminar=seminar, notifications=notifications, fields=["status"], actor=actor
    )
    return NoticeOutcome(
        kind=Kind.SEMINAR_CANCELLED, topics=["status"], queued=queued, by_status=by_status
    )


def seminar_edit_notify(
    *, seminar: Seminar, before: dict, actor: Actor, notify: bool = True
) -> NoticeOutcome:
    """After an organiser's edit of a seminar that was not cancelled: a cancellation notice if
    it is now cancelled, else a change notice for what changed. A draft is no exception: its
    registrants (who signed up while it was published, or were added by an organiser) relied on
    what they were told, and a change left untold would also make the next notice's "Before"
    wrong. Nothing for a seminar that was cancelled already (its registrants were told), nor
    when `notify` is off (the outcome then says what was withheld)."""
    if before["status"] == Seminar.Status.CANCELLED:
        return NoticeOutcome()
    current = Seminar.objects.get(pk=seminar.pk)
    if current.status == Seminar.Status.CANCELLED:
        if not notify:
            _withheld_record(seminar=current, fields=["status"], actor=actor)
            return NoticeOutcome(kind=Kind.SEMINAR_CANCELLED, topics=["status"], withheld=True)
        return seminar_cancellation_notify(seminar=current, before=before, actor=actor)
    if not notify:
        changes = seminar_changes(before=before, after=seminar_snapshot(seminar=current))
        if not changes:
            return NoticeOutcome()
        _withheld_record(seminar=current, fields=list(changes), actor=actor)
        return NoticeOutcome(
            kind=Kind.SEMINAR_CHANGED, topics=changes_topics(changes), withheld=True
        )
    return seminar_change_notify(seminar=current, before=before, actor=actor)


# The audit detail of a change the organiser chose not to tell (organiser/admin/audit.py words it).
WITHHELD = "withheld"


def _withheld_record(*, seminar: Seminar, fields: list[str], actor: Actor) -> None:
    """A change nobody was told of leaves a trace: who chose so, and what changed."""
    audit_record(
        action=AuditEntry.Action.NOTIFIED,
        actor=actor,
        seminar=seminar,
        details={"fields": fields, "count": 0, "notice": WITHHELD},
    )
