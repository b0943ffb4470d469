"""Every write with a business rule: booking a seat, the waitlist, cancelling.

The seat rule: lock the seminar row, read its seat counter, insert, bump the counter, all in one
transaction. On PostgreSQL the lock is `SELECT ... FOR UPDATE`; on SQLite the transaction begins
IMMEDIATE (see settings), which serialises writers the same way. The check constraint on
`Seminar.seats_taken` and the unique index on active emails back the rule up in the database.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import RegistrationState, Seminar

from .delivery import notification_create
from .models import Notification, Registration

Status = Registration.Status

REFUSAL_MESSAGES = {
    RegistrationState.FULL: _("Sorry, this seminar is full and is not taking a waitlist."),
    RegistrationState.NOT_YET_OPEN: _("Registration for this seminar has not opened yet."),
    RegistrationState.CLOSED: _("Registration for this seminar has closed."),
    RegistrationState.UNAVAILABLE: _("This seminar is not taking registrations."),
}


class RegistrationRefused(Exception):
    """The seminar cannot take this registration now; `message` says why, for the registrant."""

    def __init__(self, state: RegistrationState):
        self.state = state
        self.message = REFUSAL_MESSAGES[state]
        super().__init__(str(self.message))


class DuplicateRegistration(Exception):
    """The email already holds an active registration for this seminar."""

    def __init__(self, existing: Registration):
        self.existing = existing
        super().__init__(f"registration {existing.pk} is already active for this email")


def email_normalise(email: str) -> str:
    """Trim and lower-case the domain; uniqueness is checked case-insensitively on top of this."""
    return BaseUserManager.normalize_email(email.strip())


def _seminar_lock(*, seminar: Seminar) -> Seminar:
    return Seminar.objects.select_for_update().get(pk=seminar.pk)


def _active_registrations_for_email(*, seminar: Seminar, email: str):
    return (
        Registration.objects.annotate(email_lower=Lower("email"))
        .filter(seminar=seminar, email_lower=email.lower())
        .exclude(status=Status.CANCELLED)
    )


def _active_registration_find(*, seminar: Seminar, email: str) -> Registration | None:
    return _active_registrations_for_email(seminar=seminar, email=email).first()


def registration_active_exists(
    *, seminar: Seminar, email: str, exclude_pk: int | None = None
) -> bool:
    """Whether the email already holds an active registration (other than `exclude_pk`)."""
    registrations = _active_registrations_for_email(seminar=seminar, email=email)
    if exclude_pk is not None:
        registrations = registrations.exclude(pk=exclude_pk)
    return registrations.exists()


def _seats_take(*, seminar: Seminar, count: int) -> None:
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=F("seats_taken") + count)
    seminar.seats_taken += count


@transaction.atomic
def registration_create(
    *,
    seminar: Seminar,
    data: dict[str, Any],
    source: str = Registration.Source.WEB,
    now: datetime | None = None,
) -> Registration:
    """Book a seat, or a waitlist place when the seminar is full.

    `data` holds the registrant's fields as RegistrationForm.registration_data() gives them,
    including the `consent_version` they agreed to; the consent time is the booking time.

    Returns the saved registration, confirmed or waitlisted. Raises RegistrationRefused when the
    seminar cannot take it (full without a waitlist, outside the registration window, draft or
    cancelled) and DuplicateRegistration when the email is already registered; nothing is saved
    in either case. Organisers adding someone in the admin (source=ADMIN) are not held to the
    registration window, only to capacity.
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=seminar)
    availability = seminar.availability(now=now, ignore_window=source == Registration.Source.ADMIN)
    if not availability.accepts_registrations:
        raise RegistrationRefused(availability.state)

    email = email_normalise(data["email"])
    existing = _active_registration_find(seminar=seminar, email=email)
    if existing is not None:
        raise DuplicateRegistration(existing)

    confirmed = availability.state == RegistrationState.OPEN
    registration = Registration(
        **{**data, "email": email},
        seminar=seminar,
        source=source,
        status=Status.CONFIRMED if confirmed else Status.WAITLISTED,
        confirmed_at=now if confirmed else None,
        consent_at=now,
    )
    try:
        # A savepoint, so a lost race on the unique index leaves the outer transaction usable.
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        existing = _active_registration_find(seminar=seminar, email=email)
        if existing is None:
            raise
        raise DuplicateRegistration(existing) from None
    if confirmed:
        _seats_take(seminar=seminar, count=1)
    notification_create(
        registration=registration,
        kind=Notification.Kind.CONFIRMATION if confirmed else Notification.Kind.WAITLISTED,
    )
    return registration


@transaction.atomic
def registration_update(*, registration: Registration, data: dict[str, Any]) -> Registration:
    """Change the registrant's own details; status, consent and history stay as they are.

    Raises DuplicateRegistration if the new email belongs to another active registration for
    the same seminar.
    """
    _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    email = email_normalise(data.get("email", registration.email))
    if email.lower() != registration.email.lower() and registration_active_exists(
        seminar=registration.seminar, email=email, exclude_pk=registration.pk
    ):
        raise DuplicateRegistration(
            _active_registration_find(seminar=registration.seminar, email=email)
        )
    for field, value in data.items():
        setattr(registration, field, value)
    registration.email = email
    registration.save()
    return registration


def registration_details_resend(*, registration: Registration) -> Notification | None:
    """Send the registrant their current details again (confirmation or waitlist email).

    Nothing is sent for a cancelled registration.
    """
    kinds = {
        Status.CONFIRMED: Notification.Kind.CONFIRMATION,
        Status.WAITLISTED: Notification.Kind.WAITLISTED,
    }
    if registration.status not in kinds:
        return None
    with transaction.atomic():
        return notification_create(registration=registration, kind=kinds[registration.status])


def registration_resend_by_email(*, seminar: Seminar, email: str) -> Notification | None:
    """The "resend my link" request: sends only if the address holds an active registration.

    Callers answer the same way whatever this returns, so the page reveals nothing.
    """
    registration = _active_registration_find(seminar=seminar, email=email_normalise(email))
    if registration is None:
        return None
    return registration_details_resend(registration=registration)


@transaction.atomic
def registration_cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel; a confirmed seat goes to the first person on the waitlist in the same transaction.

    Cancelling twice is harmless: the second call changes nothing.
    """
    now = now or timezone.now()
    seminar = _seminar_lock(seminar=registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return registration
    was_confirmed = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    notification_create(registration=registration, kind=Notification.Kind.CANCELLED)
    if was_confirmed:
        _seats_take(seminar=seminar, count=-1)
        _waitlist_promote_locked(seminar=seminar, now=now)
    return registration


@transaction.atomic
def waitlist_promote(*, seminar: Seminar, now: datetime | None = None) -> list[Registration]:
    """Confirm waitlisted registrations, first come first served, while seats are free.

    Call it after anything that frees seats or adds them (a capacity increase). Returns the
    promoted registrations.
    """
    return _waitlist_promote_locked(seminar=_seminar_lock(seminar=seminar), now=now)


def _waitlist_promote_locked(*, seminar: Seminar, now: datetime | None) -> list[Registration]:
    if seminar.status != Seminar.Status.PUBLISHED:
        return []
    waitlist = seminar.registrations.filter(status=Status.WAITLISTED).order_by("pk")
    if seminar.seats_left is not None:
        waitlist = waitlist[: seminar.seats_left]
    promoted = list(waitlist.select_for_update())
    if not promoted:
        return []
    now = now or timezone.now()
    Registration.objects.filter(pk__in=[registration.pk for registration in promoted]).update(
        status=Status.CONFIRMED, confirmed_at=now, updated_at=now
    )
    _seats_take(seminar=seminar, count=len(promoted))
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        notification_create(registration=registration, kind=Notification.Kind.PROMOTED)
    return promoted
