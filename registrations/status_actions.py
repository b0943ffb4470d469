"""Which statuses an organiser's decision applies to, written once: the services
(registration_approve, _decline, _cancel) ask it under the registration's row lock, and the API
asks them to refuse, rather than skip, a decision that does not apply.

Each action has the statuses it changes and the statuses that are its outcome already: doing it
again changes nothing and is no error (a retried request). Any other status refuses it, with a
code a program can branch on and words a person reads."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .errors import ActionNotApplicable
from .models import Registration

Status = Registration.Status


class Decision(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"


APPLIES_TO = {
    Decision.APPROVE: {Status.PENDING},
    Decision.DECLINE: {Status.PENDING},
    Decision.CANCEL: {Status.PENDING, Status.CONFIRMED, Status.WAITLISTED},
}
# Approving gives a seat or a waitlist place, so a confirmed or waitlisted registration counts
# as approved already (also one that never needed approval).
DONE_IN = {
    Decision.APPROVE: {Status.CONFIRMED, Status.WAITLISTED},
    Decision.DECLINE: {Status.DECLINED},
    Decision.CANCEL: {Status.CANCELLED},
}

NOT_PENDING = {
    Decision.APPROVE: _(
        "This registration cannot be approved: only one awaiting approval can, and this one is "
        "“%(status)s”. Nothing has changed."
    ),
    Decision.DECLINE: _(
        "This registration cannot be declined: only one awaiting approval can, and this one is "
        "“%(status)s”. To take back a seat or a waitlist place, cancel the registration instead."
    ),
}
ALREADY_DECLINED = _(
    "This registration was declined, so there is nothing to cancel. Nothing has changed."
)


def registration_action_applies(
    *, registration: Registration, decision: Decision, strict: bool = False
) -> bool:
    """True when `decision` would change the registration; False when it would not: its status is
    the action's outcome already, or (unless `strict`) the decision does not apply to it. Raises
    ActionNotApplicable in that last case when `strict`."""
    if registration.status in APPLIES_TO[decision]:
        return True
    if registration.status in DONE_IN[decision] or not strict:
        return False
    if decision == Decision.CANCEL:
        raise ActionNotApplicable(ALREADY_DECLINED, code="already_declined")
    status = Status(registration.status).label
    raise ActionNotApplicable(NOT_PENDING[decision] % {"status": status}, code="not_pending")
