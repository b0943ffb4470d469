"""Registering someone at the door and checking them in, in one step.

The booking goes through `registration_create` (source DESK), the same service as the public
form, so the seat rule, the one-registration-per-email rule and the confirmation email are the
same; the walk-in gets the usual confirmation with their QR code. Staff at the door act for the
organisers: the registration window and screening do not apply, capacity does.

When the room is full the desk does not overbook. It either adds the person to the waitlist
(only when staff ask for it and the seminar keeps one) or saves nothing and says the room is full.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, RegistrationState, Seminar

from .checkin import CHECKIN_CLOSED, CheckinResult, CheckinState, checkin_closed, checkin_record
from .errors import RegistrationError, RegistrationRefused
from .models import Registration
from .services import registration_create

Status = Registration.Status
ROOM_FULL = _(
    "The room is full: nobody was registered. Tick “add to the waitlist if full” to put them "
    "on the waitlist instead."
)
ROOM_FULL_NO_WAITLIST = _(
    "The room is full and this seminar keeps no waitlist: nobody was registered."
)


class RoomFull(RegistrationError):
    """No seat is free for a walk-in and the staff did not ask for the waitlist."""

    message = ROOM_FULL


@transaction.atomic
def walk_in_register(
    *,
    seminar: Seminar,
    data: dict[str, Any],
    by: AbstractBaseUser,
    waitlist_if_full: bool = False,
    now: datetime | None = None,
) -> CheckinResult:
    """Book a seat in the room for a person at the desk and check them in. `data` holds the
    registrant's fields (WalkInForm gives them); the consent is the staff's confirmation that
    the collection statement was shown, stamped with its current version.

    Returns the check-in result: CHECKED_IN, or WAITLISTED when the room was full and
    `waitlist_if_full` was asked. Raises RoomFull when the room is full otherwise,
    RegistrationRefused when the seminar is not published, RegistrationError when the seminar
    has ended (checkin_closed: nothing saved, no email), or DuplicateRegistration (the email
    is registered already: its `existing` registration can be checked in instead).
    """
    if checkin_closed(seminar=seminar, now=now):
        raise RegistrationError(CHECKIN_CLOSED)
    data = {
        **data,
        "consent_version": settings.PICS_VERSION,
        "attendance_mode": AttendanceMode.IN_PERSON,
    }
    try:
        registration = registration_create(
            seminar=seminar, data=data, source=Registration.Source.DESK, actor=by, now=now
        )
    except RegistrationRefused as refused:
        if refused.state == RegistrationState.FULL:
            raise RoomFull(ROOM_FULL_NO_WAITLIST) from None
        raise
    if registration.status == Status.WAITLISTED:
        if not waitlist_if_full:
            # Undo the booking (and its email and audit entry) with this transaction.
            raise RoomFull()
        return CheckinResult(CheckinState.WAITLISTED, registration)
    if registration.status != Status.CONFIRMED:  # as good as never: DESK skips screening
        raise RegistrationRefused(RegistrationState.UNAVAILABLE)
    return checkin_record(seminar=seminar, registration=registration, by=by, now=now)
