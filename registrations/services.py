"""Every write with a business rule: booking a seat, the waitlist, screening (approve, decline),
a hybrid seminar's attendance modes, cancelling, organisers' confirmations and attendance
(imports of platforms' reports: attendance_import.py). Each records who acted in the audit log.

The seat rule: lock the seminar row, read its seat counter, insert, bump the counter, all in one
transaction. A hybrid seminar has a counter per attendance mode (Seminar.seat_counter), each
with its own waitlist; everything below books through `_seat_book`, which knows them.

On PostgreSQL the lock is `SELECT ... FOR UPDATE`; on SQLite the transaction begins IMMEDIATE
(see settings), which serialises writers the same way. The check constraints on the seat
counters and the unique index on active emails back the rule up in the database.

`actor` is the logged-in organiser, or None when the registrant acts through the public pages.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import RegistrationState, Seminar

from .answers import answers_hidden_remove, answers_store
from .audit import REGISTRANT, SYSTEM, audit_record
from .delivery import notification_create
from .errors import (
    DuplicateRegistration,
    EmailChangeAddressTaken,
    OverCapacity,
    RegistrationError,
    RegistrationRefused,
)
from .models import CONDITION_FIELDS, AuditEntry, Notification, Registration
from .questions import Answers
from .selectors import registration_email_change_find, waitlist_next
from .status_actions import Decision, registration_action_applies

Status = Registration.Status
Action = AuditEntry.Action
Actor = AbstractBaseUser | None


def email_normalise(email: str) -> str:
    """Trim and lower-case the domain; uniqueness is checked case-insensitively on top of this."""
    return BaseUserManager.normalize_email(email.strip())


def _seminar_lock(*, seminar: Seminar) -> Seminar:
    return Seminar.objects.select_for_update().get(pk=seminar.pk)


def _seminar_lock_for_booking(*, seminar: Seminar) -> Seminar:
    """Lock the seminar's row and re-read what booking decides on into `seminar`; the rest of
    the row (titles in three languages, texts) is not needed under the lock."""
    row = (
        Seminar.objects.select_for_update()
        .filter(pk=seminar.pk)
        .values(*Seminar.BOOKING_FIELDS)
        .get()
    )
    for name, value in row.items():
        setattr(seminar, name, value)
    return seminar


def _active_registration_find(*, seminar: Seminar, email: str) -> Registration | None:
    """The registration that holds this address (compared case-insensitively) for the seminar,
    unless it was cancelled."""
    return (
        Registration.objects.annotate(email_lower=Lower("email"))
        .filter(seminar=seminar, email_lower=email.lower())
        .exclude(status=Status.CANCELLED)
        .first()
    )


def _seats_take(*, seminar: Seminar, mode: str, count: int) -> None:
    _, taken = seminar.seat_counter(mode)
    Seminar.objects.filter(pk=seminar.pk).update(**{taken: F(taken) + count})
    setattr(seminar, taken, getattr(seminar, taken) + count)


def _mode_check(*, seminar: Seminar, mode: str | None) -> str:
    """The attendance mode a registration at this seminar has: the registrant's choice at a
    hybrid seminar, else the one its format implies."""
    if not seminar.is_hybrid:
        return seminar.attendance_modes[0]
    if mode not in seminar.attendance_modes:
        raise RegistrationError(
            _("Choose whether you will attend in the room or online."), field="attendance_mode"
        )
    return mode


def _seat_book(*, seminar: Seminar, mode: str, now: datetime, ignore_window: bool = False) -> str:
    """Take a seat in `mode` if one is free, else a place at the back of its waitlist. The
    seminar must be locked. Returns the new status; raises RegistrationRefused when the
    seminar takes no more (full without a waitlist, outside the window, not published)."""
    availability = seminar.availability(now=now, ignore_window=ignore_window, mode=mode)
    if not availability.accepts_registrations:
        raise RegistrationRefused(availability.state)
    if availability.state == RegistrationState.OPEN:
        _seats_take(seminar=seminar, mode=mode, count=1)
        return Status.CONFIRMED
    return Status.WAITLISTED


def _change_announce(
    *,
    seminar: Seminar,
    registration: Registration,
    email: str,
    action: str,
    actor: Actor,
    details: dict[str, Any] | None = None,
    actor_label: str = REGISTRANT,
) -> Notification:
    """Queue the email that tells the registrant and record who did it, in the transaction that
    made the change, so the email and the audit entry exist exactly when the change does."""
    notification = notification_create(registration=registration, kind=email)
    audit_record(
        action=action,
        actor=actor,
        seminar=seminar,
        registration=registration,
        details=details,
        actor_label=actor_label,
    )
    return notification


def _status_change(
    *,
    seminar: Seminar,
    registration: Registration,
    to: str,
    email: str,
    action: str,
    actor: Actor,
    now: datetime,
    details: dict[str, Any] | None = None,
    actor_label: str = REGISTRANT,
) -> None:
    """Save a new status with its timestamp, then announce it: the one way a registration's
    status changes after booking. The caller holds the locks and keeps the seat counter."""
    # Reviewed means an organiser decided; a pending request that only changed its mode, or
    # that its registrant withdrew, was not reviewed.
    if registration.status == Status.PENDING and to not in (Status.CANCELLED, Status.PENDING):
        registration.reviewed_at = now
    registration.status = to
    if to == Status.CONFIRMED:
        registration.confirmed_at = now
    elif to == Status.WAITLISTED:
        registration.waitlisted_at = now
    elif to == Status.CANCELLED:
        registration.cancelled_at = now
    registration.save(
        update_fields=[
            "status",
            "attendance_mode",
            "confirmed_at",
            "waitlisted_at",
            "reviewed_at",
            "cancelled_at",
            "updated_at",
        ]
    )
    _change_announce(
        seminar=seminar,
        registration=registration,
        email=email,
        action=action,
        actor=actor,
        details=details,
        actor_label=actor_label,
    )


def registration_create(
    *,
    seminar: Seminar,
    data: dict[str, Any],
    source: str = Registration.Source.WEB,
    actor: Actor = None,
    now: datetime | None = None,
    answers: Answers | None = None,
) -> Registration:
    """Book a seat, or a waitlist place when the seminar is full; or, when the seminar screens
    its registrations, take the registration as pending an organiser's decision (no seat).

    `data` holds the registrant's fields as RegistrationForm.registration_data() gives them,
    including the `consent_version` they agreed to and, at a hybrid seminar, the
    `attendance_mode` they chose; the consent time is the booking time.

    Returns the saved registration, confirmed, waitlisted or pending. Raises RegistrationRefused
    when the seminar cannot take it (full without a waitlist, outside the registration window,
    draft or cancelled) and DuplicateRegistration when the email is already registered; nothing
    is saved in either case. Organisers adding someone in the admin (source=ADMIN) and staff
    registering a walk-in (DESK) are not held to the registration window, only to capacity,
    and need no approval of their own.

    `answers` to the seminar's questions (as the form's `answers` gives them) are stored with
    the registration, in the same transaction, by answers.answers_store.
    """
    email = email_normalise(data["email"])
    # A duplicate is rare, so it is not looked for up front: the unique index on active
    # addresses refuses it, which rolls the whole booking back (seat counter included), and
    # only then is the registration holding the address read. Outside a caller's transaction
    # that takes no savepoint; inside one, the atomic block below is the savepoint.
    try:
        return _registration_book(
            seminar=seminar,
            data={**data, "email": email},
            source=source,
            actor=actor,
            now=now or timezone.now(),
            answers=answers,
        )
    except IntegrityError:
        existing = _active_registration_find(seminar=seminar, email=email)
        if existing is None:
            raise
        raise DuplicateRegistration(existing) from None
    except RegistrationRefused:
        # A registrant who is already in is told so (by email), even once the seminar is full
        # or closed: the refusal is only for newcomers.
        existing = _active_registration_find(seminar=seminar, email=email)
        if existing is None:
            raise
        raise DuplicateRegistration(existing) from None


@transaction.atomic
def _registration_book(
    *,
    seminar: Seminar,
    data: dict[str, Any],
    source: str,
    actor: Actor,
    now: datetime,
    answers: Answers | None,
) -> Registration:
    mode = _mode_check(seminar=seminar, mode=data.get("attendance_mode"))
    seminar = _seminar_lock_for_booking(seminar=seminar)
    # Staff registering a walk-in at the door act for the organisers: registration has usually
    # closed by then (walk_ins.py), and the seat rule still holds.
    by_organiser = source in (Registration.Source.ADMIN, Registration.Source.DESK)
    if seminar.requires_approval and not by_organiser:
        # Nothing is booked yet, but an application the seminar could never take is refused
        # now rather than at approval.
        availability = seminar.availability(now=now, mode=mode)
        if not availability.accepts_registrations:
            raise RegistrationRefused(availability.state)
        status = Status.PENDING
    else:
        status = _seat_book(seminar=seminar, mode=mode, now=now, ignore_window=by_organiser)
    registration = Registration(
        **{**data, "attendance_mode": mode},
        seminar=seminar,
        source=source,
        status=status,
        confirmed_at=now if status == Status.CONFIRMED else None,
        waitlisted_at=now if status == Status.WAITLISTED else None,
        consent_at=now,
    )
    registration.save()
    if answers:
        answers_store(registration=registration, answers=answers)
    _change_announce(
        seminar=seminar,
        registration=registration,
        email=ANNOUNCEMENT_FOR[status],
        action=Action.REGISTERED,
        actor=actor,
        details={"status": registration.status, "source": source, "mode": mode},
    )
    return registration


# The email that tells a registrant where their registration now stands.
ANNOUNCEMENT_FOR = {
    Status.CONFIRMED: Notification.Kind.CONFIRMATION,
    Status.WAITLISTED: Notification.Kind.WAITLISTED,
    Status.PENDING: Notification.Kind.RECEIVED,
}


@dataclass(frozen=True)
class DetailsUpdate:
    """What registration_update did: `changed` names the fields saved at once; `email_pending`
    is the new address a confirmation link was sent to, or "" when the email stays;
    `answers_removed` the questions whose answers went because they no longer apply."""

    registration: Registration
    changed: list[str]
    email_pending: str
    answers_removed: list = dataclasses.field(default_factory=list)


@transaction.atomic
def registration_update(
    *,
    registration: Registration,
    data: dict[str, Any],
    actor: Actor = None,
    email_confirmed: bool = False,
) -> DetailsUpdate:
    """Change the registrant's own details; status, consent and history stay as they are.

    Every field but the email is saved at once. A new email address (not merely another case of
    the same one) is only requested: see registration_email_change_request. The answer is the
    same whether or not the new address is registered for the seminar already, so whoever holds
    the private link learns nothing about other registrations.

    `email_confirmed` is for organisers, who may see every registration anyway and change an
    address the registrant gave them: the new address is then saved at once, and a
    DuplicateRegistration is raised if it belongs to another active registration.
    """
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    email = email_normalise(data.get("email", registration.email))
    email_pending = ""
    if email.lower() != registration.email.lower():
        if email_confirmed:
            existing = _active_registration_find(seminar=seminar, email=email)
            if existing is not None:
                raise DuplicateRegistration(existing)
        else:
            email_pending = email
            email = registration.email
    changed = {}
    for field, value in {**data, "email": email}.items():
        if getattr(registration, field) != value:
            changed[field] = {"from": getattr(registration, field), "to": value}
            setattr(registration, field, value)
    if changed:
        registration.save()
        audit_record(
            action=Action.UPDATED,
            actor=actor,
            seminar=seminar,
            registration=registration,
            details={"changed": changed},
        )
    answers_removed = []
    if set(changed) & set(CONDITION_FIELDS):
        # A question that no longer applies keeps no answer (answers.py).
        answers_removed = answers_hidden_remove(registration=registration, actor=actor)
    if email_pending:
        registration_email_change_request(
            registration=registration, email=email_pending, actor=actor
        )
    return DetailsUpdate(
        registration=registration,
        changed=list(changed),
        email_pending=email_pending,
        answers_removed=answers_removed,
    )


@transaction.atomic
def registration_email_change_request(
    *, registration: Registration, email: str, actor: Actor = None, now: datetime | None = None
) -> Registration:
    """Ask the new address to confirm before it replaces the registration's email.

    Sends a confirmation link to the new address and tells the current address that a change
    was asked for, whether or not the new address is registered for the seminar already (that
    is only checked when the link is opened). A newer request replaces an older one, whose link
    then stops working.
    """
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    email = email_normalise(email)
    registration.email_pending = email
    registration.email_pending_since = now
    registration.save(update_fields=["email_pending", "email_pending_since", "updated_at"])
    notification_create(
        registration=registration, kind=Notification.Kind.EMAIL_CONFIRM, recipient=email
    )
    # The current address is written down now: if the change is confirmed before this email
    # goes out, it must still go to the old address.
    notification_create(
        registration=registration,
        kind=Notification.Kind.EMAIL_CHANGE_NOTICE,
        recipient=registration.email,
    )
    audit_record(
        action=Action.EMAIL_REQUESTED,
        actor=actor,
        seminar=registration.seminar,
        registration=registration,
        details={"email": {"from": registration.email, "to": email}},
    )
    return registration


@transaction.atomic
def registration_email_confirm(*, token: str, now: datetime | None = None) -> Registration:
    """The new address opened its link: it becomes the registration's email.

    Raises EmailChangeLinkInvalid (see selectors.registration_email_change_find) or
    EmailChangeAddressTaken when the new address holds an active registration for the same
    seminar; then nothing changes and the link keeps working until it expires, in case that
    other registration is cancelled. On success the registrant's details (with their private
    link) are sent to the new address.
    """
    now = now or timezone.now()
    registration = registration_email_change_find(token=token, now=now)
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration_email_change_find(token=token, now=now)  # again, under the lock
    old, new = registration.email, registration.email_pending
    if _active_registration_find(seminar=seminar, email=new) not in (None, registration):
        raise EmailChangeAddressTaken
    registration.email = new
    registration.email_pending = ""
    registration.email_pending_since = None
    try:
        # A savepoint, so a registration taking the address meanwhile is caught by the unique
        # index and leaves the transaction usable.
        with transaction.atomic():
            registration.save(
                update_fields=["email", "email_pending", "email_pending_since", "updated_at"]
            )
    except IntegrityError:
        raise EmailChangeAddressTaken from None
    audit_record(
        action=Action.EMAIL_CONFIRMED,
        actor=None,
        seminar=seminar,
        registration=registration,
        details={"email": {"from": old, "to": new}},
    )
    registration_details_resend(registration=registration)
    return registration


def registration_details_resend(
    *, registration: Registration, actor: Actor = None, declined_too: bool = False
) -> Notification | None:
    """Send the registrant their current details again (confirmation, waitlist or "under
    review" email).

    Nothing is sent for a cancelled registration, nor for a cancelled seminar: the emails would
    say the registration stands. A declined registration gets its decline email again, with the
    organisers' message, only when `declined_too`: the public pages promise whoever asks that the
    address's details were sent, while an organiser's resend leaves decisions alone.
    """
    kinds = dict(ANNOUNCEMENT_FOR)
    if declined_too:
        kinds[Status.DECLINED] = Notification.Kind.DECLINED
    if registration.status not in kinds or registration.seminar.status == Seminar.Status.CANCELLED:
        return None
    note = ""
    if registration.status == Status.DECLINED:
        # Told again in the organisers' words of the latest decline.
        declines = registration.notifications.filter(kind=Notification.Kind.DECLINED)
        note = declines.order_by("-pk").values_list("note", flat=True).first() or ""
    with transaction.atomic():
        notification = _change_announce(
            seminar=registration.seminar,
            registration=registration,
            email=kinds[registration.status],
            action=Action.RESENT,
            actor=actor,
        )
        if note:
            notification.note = note
            notification.save(update_fields=["note"])
        return notification


def registration_resend_by_email(*, seminar: Seminar, email: str) -> Notification | None:
    """The "resend my link" request: sends only if the address holds a registration that was
    not cancelled (a declined one gets its decline again).

    Callers answer the same way whatever this returns, so the page reveals nothing.
    """
    registration = _active_registration_find(seminar=seminar, email=email_normalise(email))
    if registration is None:
        return None
    return registration_details_resend(registration=registration, declined_too=True)


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    actor: Actor = None,
    now: datetime | None = None,
    strict: bool = False,
) -> Registration:
    """Cancel; a confirmed seat goes to the first person on its waitlist in the same transaction.

    Cancelling twice is harmless: the second call changes nothing, and a declined registration
    stays declined (`strict`: raises ActionNotApplicable for it, status_actions.py).
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration_action_applies(
        registration=registration, decision=Decision.CANCEL, strict=strict
    ):
        return registration
    was_confirmed = registration.status == Status.CONFIRMED
    _status_change(
        seminar=seminar,
        registration=registration,
        to=Status.CANCELLED,
        email=Notification.Kind.CANCELLED,
        action=Action.CANCELLED,
        actor=actor,
        now=now,
        details={"was": registration.status},
    )
    if was_confirmed:
        _seats_take(seminar=seminar, mode=registration.attendance_mode, count=-1)
        _waitlist_promote_locked(
            seminar=seminar, mode=registration.attendance_mode, actor=actor, now=now
        )
    return registration


@transaction.atomic
def registration_confirm(
    *,
    registration: Registration,
    actor: Actor,
    allow_over_capacity: bool = False,
    now: datetime | None = None,
) -> Registration:
    """An organiser confirms a waitlisted registration out of turn.

    Raises OverCapacity when no seat is free in its mode, unless `allow_over_capacity`: then
    that mode's capacity is raised by one so the database's never-over-capacity rule still holds
    and the dashboard shows the real number of seats. Confirming a confirmed registration
    changes nothing.
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.WAITLISTED:
        return registration
    mode = registration.attendance_mode
    details: dict[str, Any] = {}
    if seminar.seats_left_for(mode) == 0:
        if not allow_over_capacity:
            raise OverCapacity
        capacity_field, _taken = seminar.seat_counter(mode)
        capacity = getattr(seminar, capacity_field)
        details["capacity"] = {"from": capacity, "to": capacity + 1}
        setattr(seminar, capacity_field, capacity + 1)
        Seminar.objects.filter(pk=seminar.pk).update(**{capacity_field: capacity + 1})
    _seats_take(seminar=seminar, mode=mode, count=1)
    _status_change(
        seminar=seminar,
        registration=registration,
        to=Status.CONFIRMED,
        email=Notification.Kind.PROMOTED,
        action=Action.CONFIRMED,
        actor=actor,
        now=now,
        details=details,
    )
    return registration


@transaction.atomic
def registration_approve(
    *,
    registration: Registration,
    actor: Actor,
    now: datetime | None = None,
    strict: bool = False,
) -> Registration:
    """An organiser accepts a pending registration: it books a seat through the same path as
    the public form (`_seat_book`), so it is confirmed if its mode has a free seat, else
    waitlisted at the back (the waitlist is ordered by the time of approval). The registration
    window no longer matters: the registrant applied inside it.

    Raises RegistrationRefused when the seminar takes no more (full without a waitlist,
    cancelled); nothing changes then. Approving anything but a pending registration changes
    nothing (`strict`: raises ActionNotApplicable unless it is approved already,
    status_actions.py).
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration_action_applies(
        registration=registration, decision=Decision.APPROVE, strict=strict
    ):
        return registration
    status = _seat_book(
        seminar=seminar, mode=registration.attendance_mode, now=now, ignore_window=True
    )
    _status_change(
        seminar=seminar,
        registration=registration,
        to=status,
        email=ANNOUNCEMENT_FOR[status],
        action=Action.APPROVED,
        actor=actor,
        now=now,
        details={"status": status},
    )
    return registration


# Room for a reason and what the registrant might do instead, still short enough for an email.
DECLINE_MESSAGE_MAX_LENGTH = 2000
DECLINE_MESSAGE_TOO_LONG = _(
    "The message can have at most %(limit)d characters, and this one has %(count)d. Shorten it, "
    "then decline again."
)


def decline_message_check(*, message: str) -> str:
    """The organiser's message to a declined registrant as it will be sent (trimmed), refused
    when it is too long to put in an email."""
    message = message.strip()
    if len(message) > DECLINE_MESSAGE_MAX_LENGTH:
        raise RegistrationError(
            DECLINE_MESSAGE_TOO_LONG % {"limit": DECLINE_MESSAGE_MAX_LENGTH, "count": len(message)},
            field="message",
        )
    return message


@transaction.atomic
def registration_decline(
    *,
    registration: Registration,
    actor: Actor,
    message: str = "",
    now: datetime | None = None,
    strict: bool = False,
) -> Registration:
    """An organiser turns down a pending registration, for good: it held no seat, so nothing is
    freed, and it is never promoted. The registrant is told by email, with the organiser's
    `message` if there is one (refused when too long: decline_message_check). Declining anything
    but a pending registration changes nothing (`strict`: raises ActionNotApplicable unless it
    is declined already, status_actions.py).
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration_action_applies(
        registration=registration, decision=Decision.DECLINE, strict=strict
    ):
        return registration
    message = decline_message_check(message=message)
    _status_change(
        seminar=seminar,
        registration=registration,
        to=Status.DECLINED,
        email=Notification.Kind.DECLINED,
        action=Action.DECLINED,
        actor=actor,
        now=now,
        details={"message": message} if message else None,
    )
    if message:
        Notification.objects.filter(
            registration=registration, kind=Notification.Kind.DECLINED, note=""
        ).update(note=message)
    return registration


MODE_CHANGE_CHECKED_IN = _(
    "You have already checked in at the venue, so how you attend cannot be changed now. "
    "Please ask the staff at the check-in desk."
)


@transaction.atomic
def registration_mode_change(
    *,
    registration: Registration,
    mode: str,
    actor: Actor = None,
    now: datetime | None = None,
) -> Registration:
    """Move a registration at a hybrid seminar to the other attendance mode, seat and all.

    A confirmed or waitlisted registration is booked in the new mode as if it registered now:
    confirmed if that mode has a free seat, else at the back of its waitlist. A seat it held in
    the old mode goes to the first person on that mode's waitlist, in the same transaction. A
    pending registration just changes its request. Registrants (no `actor`) can change only
    while registration is open; organisers at any time.

    Raises RegistrationError for a seminar that is not hybrid or a registration that is no
    longer active or already checked in at the door, and RegistrationRefused when the new mode
    is full without a waitlist; nothing changes then. Choosing the current mode changes nothing.
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not seminar.is_hybrid or mode not in seminar.attendance_modes:
        raise RegistrationError(
            _("This seminar has only one way to attend."), field="attendance_mode"
        )
    if not registration.is_active:
        raise RegistrationError(_("This registration is no longer active."))
    if registration.checked_in_at is not None:
        # They are in the room: switching to online would give their seat to someone else
        # while they sit in it. The desk can undo the check-in first if it was a mistake.
        raise RegistrationError(MODE_CHANGE_CHECKED_IN)
    old_mode, old_status = registration.attendance_mode, registration.status
    if mode == old_mode:
        return registration
    if old_status == Status.PENDING:
        # Nothing is booked, but a registrant may change their request only while the seminar
        # would take it, as at registration (registration_create).
        if actor is None:
            availability = seminar.availability(now=now, mode=mode)
            if not availability.accepts_registrations:
                raise RegistrationRefused(availability.state)
        status = Status.PENDING
    else:
        status = _seat_book(seminar=seminar, mode=mode, now=now, ignore_window=actor is not None)
    registration.attendance_mode = mode
    if old_status == Status.CONFIRMED:
        _seats_take(seminar=seminar, mode=old_mode, count=-1)
    _status_change(
        seminar=seminar,
        registration=registration,
        to=status,
        email=Notification.Kind.MODE_CHANGED,
        action=Action.MODE_CHANGED,
        actor=actor,
        now=now,
        details={
            "attendance_mode": {"from": old_mode, "to": mode},
            "status": {"from": old_status, "to": status},
        },
    )
    # A question asked only of one mode no longer applies: its answer goes.
    answers_hidden_remove(registration=registration, actor=actor)
    if old_status == Status.CONFIRMED:
        _waitlist_promote_locked(seminar=seminar, mode=old_mode, actor=actor, now=now)
    return registration


def registrations_mode_align(*, seminar: Seminar) -> int:
    """A seminar moved between online and in person (typhoon, venue lost): its registrations
    now attend the one way it is held, so emails, pages and exports say so. Both single formats
    count seats on the same counter, so no seat moves. A hybrid seminar keeps every choice.
    Returns how many registrations changed."""
    if seminar.is_hybrid:
        return 0
    mode = seminar.attendance_modes[0]
    return (
        Registration.objects.filter(seminar=seminar)
        .exclude(attendance_mode=mode)
        .update(attendance_mode=mode, updated_at=timezone.now())
    )


@transaction.atomic
def waitlist_promote(
    *, seminar: Seminar, actor: Actor = None, now: datetime | None = None
) -> list[Registration]:
    """Confirm waitlisted registrations, first come first served, while seats are free in
    their mode.

    Call it after anything that frees seats or adds them (a capacity increase). Returns the
    promoted registrations.
    """
    seminar = _seminar_lock(seminar=seminar)
    promoted = []
    for mode in seminar.attendance_modes:
        promoted += _waitlist_promote_locked(seminar=seminar, mode=mode, actor=actor, now=now)
    return promoted


def _waitlist_promote_locked(
    *, seminar: Seminar, mode: str, actor: Actor, now: datetime | None
) -> list[Registration]:
    promoted = list(waitlist_next(seminar=seminar, mode=mode).select_for_update())
    if not promoted:
        return []
    now = now or timezone.now()
    _seats_take(seminar=seminar, mode=mode, count=len(promoted))
    for registration in promoted:
        _status_change(
            seminar=seminar,
            registration=registration,
            to=Status.CONFIRMED,
            email=Notification.Kind.PROMOTED,
            action=Action.PROMOTED,
            actor=actor,
            now=now,
            actor_label=SYSTEM,
        )
    return promoted


# The minutes online stay as they are unless given (marking someone attended by hand).
MINUTES_KEPT = object()


@transaction.atomic
def registration_attendance_set(
    *,
    registration: Registration,
    attended: bool | None,
    actor: Actor,
    minutes_online: int | object | None = MINUTES_KEPT,
) -> Registration:
    """Record whether the registrant attended (None: not known), and for how long. Nobody who
    did not attend keeps minutes online. Unchanged values are not logged again, so re-importing
    a report leaves no trace of changes that did not happen."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if minutes_online is MINUTES_KEPT:
        minutes_online = registration.minutes_online
    if not attended:
        minutes_online = None
    if (registration.attended, registration.minutes_online) == (attended, minutes_online):
        return registration
    details = {
        "attended": {"from": registration.attended, "to": attended},
        "minutes_online": {"from": registration.minutes_online, "to": minutes_online},
    }
    registration.attended = attended
    registration.minutes_online = minutes_online
    registration.save(update_fields=["attended", "minutes_online", "updated_at"])
    audit_record(
        action=Action.ATTENDANCE,
        actor=actor,
        seminar=registration.seminar,
        registration=registration,
        details=details,
    )
    return registration


def attendees_export_record(
    *, queryset: QuerySet[Registration], actor: Actor, file_format: str, filters: str = ""
) -> int:
    """Record an export in each exported seminar's audit log (whose data left the system, in
    what form, with which filters). Returns the number of rows exported."""
    counts = dict(queryset.order_by().values_list("seminar_id").annotate(rows=Count("pk")))
    for seminar in Seminar.objects.filter(pk__in=counts):
        audit_record(
            action=Action.EXPORTED,
            actor=actor,
            seminar=seminar,
            details={"format": file_format, "rows": counts[seminar.pk], "filters": filters},
        )
    return sum(counts.values())
