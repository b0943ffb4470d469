"""The one error type the domain raises when a rule refuses a request.

`message` is what the person reads, in their language; the public form, the registrant's page, the
admin and any API show it as it is and never write their own. `field` names the form field the
message belongs next to, or None for the form as a whole. `code` is a stable word for programs
(the API's error code): it never changes when the wording does.
"""

from django.utils.translation import gettext_lazy as _

from seminar.models import RegistrationState


class RegistrationError(Exception):
    """A rule refused the request; nothing was saved."""

    message = _("This registration cannot be made.")
    field: str | None = None
    code = "refused"

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None):
        self.message = message or self.message
        self.field = field or self.field
        self.code = code or type(self).code
        if self.field and self.code == RegistrationError.code:
            self.code = "invalid"  # a refusal of one field's value
        super().__init__(str(self.message))


# Why a seminar takes no registrations now, in the words the visitor reads.
REFUSAL_MESSAGES = {
    RegistrationState.FULL: _("Sorry, this seminar is full and is not taking a waitlist."),
    RegistrationState.NOT_YET_OPEN: _("Registration for this seminar has not opened yet."),
    RegistrationState.CLOSED: _("Registration for this seminar has closed."),
    RegistrationState.UNAVAILABLE: _("This seminar is not taking registrations."),
}


REFUSAL_CODES = {
    RegistrationState.FULL: "seminar_full",
    RegistrationState.NOT_YET_OPEN: "registration_not_open",
    RegistrationState.CLOSED: "registration_closed",
    RegistrationState.UNAVAILABLE: "seminar_unavailable",
}


class RegistrationRefused(RegistrationError):
    """The seminar cannot take a registration now; `state` says why (full, closed...)."""

    def __init__(self, state: RegistrationState):
        self.state = state
        super().__init__(REFUSAL_MESSAGES[state], code=REFUSAL_CODES[state])


class DuplicateRegistration(RegistrationError):
    """The email already holds an active registration for this seminar; `existing` is it."""

    message = _("This email address is already registered.")
    field = "email"
    code = "duplicate_registration"

    def __init__(self, existing=None, message=None):
        self.existing = existing
        super().__init__(message)


class OverCapacity(RegistrationError):
    """Confirming would go over capacity and the organiser did not allow it."""

    code = "over_capacity"

    message = _(
        "The seminar is full. Tick “allow over capacity” to confirm anyway; the capacity is then "
        "raised to fit."
    )


class EmailChangeLinkInvalid(RegistrationError):
    """The link to confirm a new email address is not ours, was used, replaced or expired."""

    message = _(
        "This confirmation link has expired or has already been used. To change the email "
        "address of a registration, ask for the change again on the registration's page."
    )


class EmailChangeAddressTaken(RegistrationError):
    """The new address holds a registration for the same seminar already.

    Said only on the confirmation page, to whoever opened the link in that mailbox: they know
    their own registration, so this reveals nothing new.
    """

    message = _(
        "This email address already has a registration for this seminar, so it cannot take "
        "over another one. Nothing has changed: the other registration keeps its email address."
    )


class ActionNotApplicable(RegistrationError):
    """An organiser's decision (approve, decline, cancel) does not apply to the registration's
    status: nothing was changed. `code` says which case (registrations.status_actions)."""

    code = "not_applicable"
