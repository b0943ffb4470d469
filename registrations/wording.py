"""Sentences for registrants whose truth depends on how they attend.

A hybrid seminar's room and online seats fill and waitlist apart, so "the seminar is full" is
true only of a seminar with one way to attend; elsewhere the sentence names the mode that is.
Emails and the registrant's own page both take their words from here.
"""

from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, RegistrationState

from .models import Registration

WAITLISTED = {
    None: _("The seminar is full, so you are on the waitlist."),
    AttendanceMode.IN_PERSON: _("The room is full, so you are on its waitlist."),
    AttendanceMode.ONLINE: _("All online seats are taken, so you are on the online waitlist."),
}
# A pending request is decided later; these say what accepting it now would give.
PENDING_WAITLIST = {
    None: _(
        "The seminar is full at the moment: if the organisers accept your registration, you "
        "will join the waitlist rather than get a seat."
    ),
    AttendanceMode.IN_PERSON: _(
        "The room is full at the moment: if the organisers accept your registration, you will "
        "join the room's waitlist rather than get a seat."
    ),
    AttendanceMode.ONLINE: _(
        "All online seats are taken at the moment: if the organisers accept your registration, "
        "you will join the online waitlist rather than get a seat."
    ),
}


def _mode_key(registration: Registration) -> str | None:
    return registration.attendance_mode if registration.seminar.is_hybrid else None


def waitlisted_headline(registration: Registration) -> str:
    """Why the registration is on a waitlist: the seminar, or at a hybrid seminar its mode, is
    full."""
    return str(WAITLISTED[_mode_key(registration)])


def pending_waitlist_note(registration: Registration) -> str:
    """For a pending registration whose mode is full with a waitlist now: approving it would
    put it on that waitlist (approval ignores the registration window, so this does too).
    Empty otherwise."""
    if registration.status != Registration.Status.PENDING:
        return ""
    state = registration.seminar.availability(
        ignore_window=True, mode=registration.attendance_mode
    ).state
    if state != RegistrationState.WAITLIST:
        return ""
    return str(PENDING_WAITLIST[_mode_key(registration)])
