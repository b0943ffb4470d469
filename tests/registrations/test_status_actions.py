"""Which statuses an organiser's decision applies to (registrations/status_actions.py): the
services skip a decision that does not apply, or refuse it when asked to be strict."""

import pytest

from registrations.errors import ActionNotApplicable
from registrations.models import Registration
from registrations.services import registration_approve, registration_cancel, registration_decline
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status

SERVICES = {
    "approve": registration_approve,
    "decline": registration_decline,
    "cancel": registration_cancel,
}


@pytest.mark.parametrize(
    ("action", "status", "code"),
    [
        ("approve", Status.CANCELLED, "not_pending"),
        ("decline", Status.CONFIRMED, "not_pending"),
        ("cancel", Status.DECLINED, "already_declined"),
    ],
)
def test_strict_refuses_and_default_skips_a_decision_that_does_not_apply(action, status, code):
    registration = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=status
    )
    with pytest.raises(ActionNotApplicable) as refusal:
        SERVICES[action](registration=registration, actor=None, strict=True)
    assert refusal.value.code == code
    assert SERVICES[action](registration=registration, actor=None).status == status
    registration.refresh_from_db()
    assert registration.status == status


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", Status.WAITLISTED), ("decline", Status.DECLINED), ("cancel", Status.CANCELLED)],
)
def test_strict_allows_repeating_a_decision_already_taken(action, status):
    registration = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=status
    )
    assert SERVICES[action](registration=registration, actor=None, strict=True).status == status
