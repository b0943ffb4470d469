"""Screening: a seminar that needs an organiser's approval takes registrations as pending, and
approving books a seat through the same rule as the public form."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from registrations.errors import DuplicateRegistration, RegistrationRefused
from registrations.models import AuditEntry, Notification, Registration
from registrations.selectors import registration_waitlist_position
from registrations.services import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
    registration_details_resend,
    waitlist_promote,
)
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

pytestmark = pytest.mark.django_db
Status = Registration.Status
Kind = Notification.Kind


@pytest.fixture
def organiser():
    return get_user_model().objects.create_user("screener", password="x", is_staff=True)


@pytest.fixture
def screened():
    return SeminarFactory(requires_approval=True, capacity=2)


def apply(seminar, n=0, **data):
    return registration_create(
        seminar=seminar, data=registration_data(email=f"applicant{n}@example.com", **data)
    )


def kinds(registration):
    return list(registration.notifications.order_by("pk").values_list("kind", flat=True))


def test_a_screened_registration_is_pending_holds_no_seat_and_is_told_it_is_under_review(
    screened,
):
    registration = apply(screened)

    screened.refresh_from_db()
    assert registration.status == Status.PENDING
    assert screened.seats_taken == 0
    assert kinds(registration) == [Kind.RECEIVED]
    assert registration_waitlist_position(registration=registration) is None


def test_an_organiser_adding_someone_needs_no_approval(screened):
    registration = registration_create(
        seminar=screened, data=registration_data(), source=Registration.Source.ADMIN
    )

    assert registration.status == Status.CONFIRMED


def test_pending_registrations_still_hold_the_email_address(screened):
    apply(screened, n=1)

    with pytest.raises(DuplicateRegistration):
        apply(screened, n=1)


def test_approving_confirms_while_seats_are_free_then_waitlists(screened, organiser):
    first, second, third = (apply(screened, n) for n in range(3))

    for registration in (first, second, third):
        registration_approve(registration=registration, actor=organiser)

    statuses = [r.status for r in Registration.objects.filter(seminar=screened).order_by("pk")]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    screened.refresh_from_db()
    assert screened.seats_taken == 2
    assert kinds(first) == [Kind.RECEIVED, Kind.CONFIRMATION]
    assert kinds(third) == [Kind.RECEIVED, Kind.WAITLISTED]
    third.refresh_from_db()
    assert third.reviewed_at is not None
    entry = AuditEntry.objects.get(registration=third, action=AuditEntry.Action.APPROVED)
    assert entry.actor == organiser
    assert entry.details == {"status": Status.WAITLISTED}


def test_the_waitlist_is_ordered_by_approval_time_not_by_application(screened, organiser):
    RegistrationFactory.create_batch(2, seminar=screened)
    early_applicant = apply(screened, n=1)
    late_applicant = apply(screened, n=2)
    now = timezone.now()

    registration_approve(registration=late_applicant, actor=organiser, now=now)
    registration_approve(
        registration=early_applicant, actor=organiser, now=now + timedelta(minutes=5)
    )

    late_applicant.refresh_from_db()
    early_applicant.refresh_from_db()
    assert registration_waitlist_position(registration=late_applicant) == 1
    assert registration_waitlist_position(registration=early_applicant) == 2


def test_approval_is_refused_in_words_when_the_seminar_takes_no_more(organiser):
    seminar = SeminarFactory(requires_approval=True, capacity=1, waitlist_enabled=False)
    applicant = apply(seminar)
    RegistrationFactory(seminar=seminar)

    with pytest.raises(RegistrationRefused) as refused:
        registration_approve(registration=applicant, actor=organiser)

    assert "full" in str(refused.value.message)
    applicant.refresh_from_db()
    assert applicant.status == Status.PENDING


def test_approval_still_works_after_registration_closes(screened, organiser):
    applicant = apply(screened)
    Seminar.objects.filter(pk=screened.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )

    registration_approve(registration=applicant, actor=organiser)

    applicant.refresh_from_db()
    assert applicant.status == Status.CONFIRMED


def test_a_full_seminar_without_a_waitlist_refuses_applications_at_once():
    seminar = SeminarFactory(requires_approval=True, capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    with pytest.raises(RegistrationRefused):
        apply(seminar)

    assert not Registration.objects.filter(status=Status.PENDING).exists()


def test_declining_is_final_frees_nothing_and_carries_the_organisers_message(screened, organiser):
    confirmed = RegistrationFactory(seminar=screened)
    applicant = apply(screened, n=1)

    registration_decline(
        registration=applicant, actor=organiser, message="  Places are for SMEs only.  "
    )

    applicant.refresh_from_db()
    screened.refresh_from_db()
    assert applicant.status == Status.DECLINED
    assert not applicant.is_active
    assert screened.seats_taken == 1
    declined = applicant.notifications.get(kind=Kind.DECLINED)
    assert declined.note == "Places are for SMEs only."
    entry = AuditEntry.objects.get(registration=applicant, action=AuditEntry.Action.DECLINED)
    assert entry.details == {"message": "Places are for SMEs only."}
    # Neither approval, cancelling nor a resend undoes or repeats a decline.
    registration_approve(registration=applicant, actor=organiser)
    registration_cancel(registration=applicant)
    assert registration_details_resend(registration=applicant) is None
    applicant.refresh_from_db()
    assert applicant.status == Status.DECLINED
    assert confirmed.status == Status.CONFIRMED


def test_a_declined_address_cannot_register_again(screened, organiser):
    applicant = apply(screened, n=1)
    registration_decline(registration=applicant, actor=organiser)

    with pytest.raises(DuplicateRegistration):
        apply(screened, n=1)


def test_declined_and_pending_registrations_are_never_promoted(screened, organiser):
    seated = RegistrationFactory(seminar=screened)
    RegistrationFactory(seminar=screened)
    declined = apply(screened, n=1)
    pending = apply(screened, n=2)
    registration_decline(registration=declined, actor=organiser)
    waiting = RegistrationFactory(seminar=screened, status=Status.WAITLISTED)

    registration_cancel(registration=seated)
    waitlist_promote(seminar=screened)

    declined.refresh_from_db()
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert (declined.status, pending.status, waiting.status) == (
        Status.DECLINED,
        Status.PENDING,
        Status.CONFIRMED,
    )


def test_a_pending_registrant_can_withdraw_without_touching_any_seat(screened):
    applicant = apply(screened)

    registration_cancel(registration=applicant)

    applicant.refresh_from_db()
    screened.refresh_from_db()
    assert applicant.status == Status.CANCELLED
    assert applicant.reviewed_at is None
    assert screened.seats_taken == 0


def test_a_resend_to_a_pending_registrant_says_it_is_still_under_review(screened):
    applicant = apply(screened)

    notification = registration_details_resend(registration=applicant)

    assert notification.kind == Kind.RECEIVED
