"""POST /api/v1/registrations/{id}/cancel/, /approve/, /decline/: the organisers' decisions."""

import pytest

from registrations.models import AuditEntry, Notification, Registration
from registrations.services import DECLINE_MESSAGE_MAX_LENGTH
from tests.factories import RegistrationFactory, SeminarFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db
Status = Registration.Status


def url(registration, action: str) -> str:
    return f"/api/v1/registrations/{registration.pk}/{action}/"


def test_cancel_frees_the_seat_for_the_waitlist_and_is_idempotent(organiser_api):
    seminar = SeminarFactory(capacity=1)
    seated = RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)

    first = organiser_api.post(url(seated, "cancel"), format="json")
    again = organiser_api.post(url(seated, "cancel"), format="json")

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == again.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == sorted([Notification.Kind.CANCELLED, Notification.Kind.PROMOTED])
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1


def test_approve_books_a_seat_and_says_so(organiser):
    seminar = SeminarFactory(requires_approval=True)
    pending = RegistrationFactory(seminar=seminar, status=Status.PENDING)
    response = client_for(organiser, name="Screening tool").post(
        url(pending, "approve"), format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.APPROVED)
    assert entry.via == "API token “Screening tool”"
    assert Notification.objects.get().kind == Notification.Kind.CONFIRMATION


def test_decline_sends_the_message_once(organiser_api):
    pending = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=Status.PENDING
    )
    first = organiser_api.post(url(pending, "decline"), {"message": " Full house. "}, format="json")
    again = organiser_api.post(url(pending, "decline"), {"message": "Other"}, format="json")
    assert first.json()["status"] == again.json()["status"] == "declined"
    notification = Notification.objects.get()
    assert (notification.kind, notification.note) == (Notification.Kind.DECLINED, "Full house.")


def test_decline_message_too_long_is_the_services_refusal(organiser_api):
    pending = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=Status.PENDING
    )
    body = {"message": "x" * (DECLINE_MESSAGE_MAX_LENGTH + 1)}
    response = organiser_api.post(url(pending, "decline"), body, format="json")
    assert response.status_code == 422
    assert "message" in response.json()["fields"]
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_unknown_fields_are_refused(organiser_api):
    registration = RegistrationFactory()
    response = organiser_api.post(url(registration, "cancel"), {"why": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"why"}
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


@pytest.mark.parametrize("action", ["cancel", "approve", "decline"])
@pytest.mark.parametrize(
    ("client", "status"), [("anonymous_api", 401), ("viewer_api", 403), ("door_api", 403)]
)
def test_only_organisers_decide(request, action, client, status):
    registration = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=Status.PENDING
    )
    response = request.getfixturevalue(client).post(url(registration, action), format="json")
    assert response.status_code == status
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_unknown_registration_is_404(organiser_api):
    response = organiser_api.post("/api/v1/registrations/999999/cancel/", format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("action", "status", "code"),
    [
        ("approve", Status.CANCELLED, "not_pending"),
        ("approve", Status.DECLINED, "not_pending"),
        ("decline", Status.CONFIRMED, "not_pending"),
        ("decline", Status.WAITLISTED, "not_pending"),
        ("decline", Status.CANCELLED, "not_pending"),
        ("cancel", Status.DECLINED, "already_declined"),
    ],
)
def test_a_decision_that_does_not_apply_is_a_conflict(organiser, action, status, code):
    registration = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=status
    )
    client = client_for(organiser, language="zh-hant")
    response = client.post(url(registration, action), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert response.json()["message"] and "Nothing" not in response.json()["message"]
    registration.refresh_from_db()
    assert registration.status == status
    assert not AuditEntry.objects.filter(registration=registration).exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", Status.CONFIRMED),
        ("approve", Status.WAITLISTED),
        ("decline", Status.DECLINED),
        ("cancel", Status.CANCELLED),
    ],
)
def test_a_decision_already_taken_answers_200_and_changes_nothing(organiser_api, action, status):
    registration = RegistrationFactory(
        seminar=SeminarFactory(requires_approval=True), status=status
    )
    response = organiser_api.post(url(registration, action), format="json")
    assert response.status_code == 200
    assert response.json()["status"] == status
    assert not AuditEntry.objects.filter(registration=registration).exists()
