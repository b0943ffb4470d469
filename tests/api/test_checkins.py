"""POST /api/v1/seminars/{slug}/check-ins/: the door's check-in, as the door page answers it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import AuditEntry, Registration
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def seminar():
    return SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=timezone.now())


def url(seminar) -> str:
    return f"/api/v1/seminars/{seminar.slug}/check-ins/"


def test_check_in_by_code_then_already(door_api, door_staff, seminar):
    registration = RegistrationFactory(seminar=seminar)
    code = registration.checkin_code.lower()
    first = door_api.post(url(seminar), {"code": code}, format="json")
    again = door_api.post(url(seminar), {"code": code}, format="json")
    assert first.status_code == again.status_code == 200
    assert (first.json()["state"], first.json()["ok"]) == ("checked_in", True)
    assert again.json()["state"] == "already"
    assert again.json()["checked_in_by"] == door_staff.get_username()
    assert again.json()["checked_in_at"] == first.json()["checked_in_at"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHECKED_IN)
    assert entry.via.startswith("API token")


def test_check_in_by_registration_id(organiser_api, seminar):
    registration = RegistrationFactory(seminar=seminar)
    response = organiser_api.post(url(seminar), {"registration": registration.pk}, format="json")
    assert response.json()["state"] == "checked_in"
    assert response.json()["registration"] == registration.pk


@pytest.mark.parametrize(
    ("status", "state"),
    [(Status.CANCELLED, "cancelled"), (Status.WAITLISTED, "waitlisted")],
)
def test_no_seat_is_refused_with_the_reason(door_api, seminar, status, state):
    registration = RegistrationFactory(seminar=seminar, status=status)
    response = door_api.post(url(seminar), {"code": registration.checkin_code}, format="json")
    assert (response.json()["state"], response.json()["ok"]) == (state, False)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_another_seminars_code_names_only_the_person_and_that_seminar(door_api, seminar):
    other = RegistrationFactory(seminar=SeminarFactory(), name_en="LI Wei")
    body = door_api.post(url(seminar), {"code": other.checkin_code}, format="json").json()
    assert (body["state"], body["name"], body["seminar"]) == (
        "other_seminar",
        "LI Wei",
        other.seminar.slug,
    )
    assert body["registration"] is None and body["status"] is None


def test_another_seminars_id_is_an_unknown_code(door_api, seminar):
    other = RegistrationFactory(seminar=SeminarFactory())
    body = door_api.post(url(seminar), {"registration": other.pk}, format="json").json()
    assert (body["state"], body["name"]) == ("unknown", None)


def test_check_in_closes_after_the_seminar(door_api):
    past = SeminarFactory(
        format=Seminar.Format.IN_PERSON,
        starts_at=timezone.now() - timedelta(days=3),
        registration_opens_at=timezone.now() - timedelta(days=30),
    )
    registration = RegistrationFactory(seminar=past)
    body = door_api.post(url(past), {"code": registration.checkin_code}, format="json").json()
    assert body["state"] == "ended"
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.parametrize("body", [{}, {"code": "X", "registration": 1}, {"code": "X", "x": 1}])
def test_one_of_code_or_registration(door_api, seminar, body):
    response = door_api.post(url(seminar), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(("client", "status"), [("anonymous_api", 401), ("viewer_api", 403)])
def test_only_door_staff_and_organisers_check_in(request, seminar, client, status):
    registration = RegistrationFactory(seminar=seminar)
    body = {"code": registration.checkin_code}
    response = request.getfixturevalue(client).post(url(seminar), body, format="json")
    assert response.status_code == status
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_door_staff_undo_their_own_check_in(door_api, seminar):
    registration = RegistrationFactory(seminar=seminar)
    door_api.post(url(seminar), {"code": registration.checkin_code}, format="json")
    response = door_api.post(f"{url(seminar)}{registration.pk}/undo/", format="json")
    assert response.status_code == 200
    assert response.json() == {"registration": registration.pk, "checked_in_at": None}
    again = door_api.post(f"{url(seminar)}{registration.pk}/undo/", format="json")
    assert again.status_code == 422


def test_door_staff_cannot_use_the_other_writes(door_api, seminar):
    registration = RegistrationFactory(seminar=seminar)
    response = door_api.post(f"/api/v1/registrations/{registration.pk}/cancel/", format="json")
    assert response.status_code == 403


def test_check_in_staff_get_404_for_a_draft_as_on_get(door_api, organiser_api):
    draft = SeminarFactory(status=Seminar.Status.DRAFT, starts_at=timezone.now())
    registration = RegistrationFactory(seminar=draft)
    assert door_api.get(f"/api/v1/seminars/{draft.slug}/").status_code == 404
    response = door_api.post(url(draft), {"registration": registration.pk}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    undo = door_api.post(f"{url(draft)}{registration.pk}/undo/", {}, format="json")
    assert undo.status_code == 404
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    # Organisers see drafts, and the service decides.
    assert organiser_api.post(url(draft), {"code": "x"}, format="json").status_code == 200
