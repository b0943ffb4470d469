"""POST /api/v1/seminars/{slug}/registrations/: the public form's booking through the API."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from registrations.models import Answer, AuditEntry, Notification, Registration
from registrations.questions import SHORT_TEXT_MAX
from seminar.models import Seminar
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
    question_condition,
    question_option,
)

from .conftest import client_for
from .writes import create_url, registration_body

pytestmark = pytest.mark.django_db


def test_create_confirms_and_queues_the_forms_email(organiser_api):
    seminar = SeminarFactory()
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["source"] == "api"
    assert body["waitlist_position"] is None
    registration = Registration.objects.get(pk=body["id"])
    assert registration.consent_version == settings.PICS_VERSION
    assert list(registration.notifications.values_list("kind", flat=True)) == [
        Notification.Kind.CONFIRMATION
    ]


def test_create_is_audited_with_the_tokens_name(organiser):
    seminar = SeminarFactory()
    client = client_for(organiser, name="CRM sync")
    response = client.post(create_url(seminar), registration_body(), format="json")
    entry = AuditEntry.objects.get(registration_id=response.json()["id"])
    assert entry.action == AuditEntry.Action.REGISTERED
    assert entry.via == "API token “CRM sync”"


def test_full_seminar_waitlists_with_a_position(organiser_api):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["waitlist_position"]) == ("waitlisted", 1)
    assert Notification.objects.get().kind == Notification.Kind.WAITLISTED
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1


def test_full_seminar_without_waitlist_is_refused_with_the_domains_code(organiser_api):
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "seminar_full"
    assert Registration.objects.filter(seminar=seminar).count() == 1


def test_screened_seminar_takes_it_as_pending(organiser_api):
    seminar = SeminarFactory(requires_approval=True)
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.json()["status"] == "pending"
    assert Notification.objects.get().kind == Notification.Kind.RECEIVED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "registration_not_open"),
        ({"status": Seminar.Status.DRAFT}, "seminar_unavailable"),
    ],
)
def test_registration_window_and_state_apply(organiser_api, fields, code):
    seminar = SeminarFactory(**fields)
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Registration.objects.exists()


def test_duplicate_email_is_a_conflict(organiser_api):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="Tai.Man.Chan@example.com")
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_registration"
    assert response.json()["fields"]["email"][0]["code"] == "duplicate_registration"


def test_unknown_fields_are_named(organiser_api):
    seminar = SeminarFactory()
    body = registration_body(nmae_en="x", status="confirmed")
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"nmae_en", "status"}


def test_form_rules_apply(organiser_api):
    seminar = SeminarFactory()
    body = registration_body(
        name_en="", name_zh="", organisation_size="", phone="call me", consent_version="2001-01"
    )
    del body["region"]
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"region", "phone"}
    # Field checks first, then the rules across fields, as in the form.
    body["region"], body["phone"] = "hong_kong", ""
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert set(response.json()["fields"]) == {"name_en", "organisation_size", "consent_version"}
    assert not Registration.objects.exists()


def test_hybrid_seminar_needs_an_attendance_mode(organiser_api):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)
    response = organiser_api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == 422
    assert "attendance_mode" in response.json()["fields"]
    body = registration_body(attendance_mode="in_person")
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert response.json()["attendance_mode"] == "in_person"


def test_answers_are_checked_and_stored_as_the_form_does(organiser_api):
    seminar = SeminarFactory()
    topic = choice_question("Patents", "Trade marks", seminar=seminar, required=True)
    detail = QuestionFactory(seminar=seminar, required=True)
    question_condition(detail, depends_on=topic, options=["Patents"])
    url = create_url(seminar)

    missing = organiser_api.post(url, registration_body(), format="json")
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {f"answers.{topic.pk}"}

    marks = question_option(topic, "Trade marks").pk
    # The detail question is hidden by this answer: its long answer is not looked at.
    body = registration_body(answers={str(topic.pk): marks, str(detail.pk): "x" * 9999})
    response = organiser_api.post(url, body, format="json")
    assert response.status_code == 201
    answers = Answer.objects.filter(registration_id=response.json()["id"])
    assert [answer.question_id for answer in answers] == [topic.pk]


def test_answers_refused_name_the_question(organiser_api):
    seminar = SeminarFactory()
    topic = choice_question("Patents", seminar=seminar)
    text = QuestionFactory(seminar=seminar)
    other = choice_question("Elsewhere")
    body = registration_body(
        answers={
            str(topic.pk): question_option(other, "Elsewhere").pk,
            str(text.pk): "x" * (SHORT_TEXT_MAX + 1),
            "999999": "?",
        }
    )
    response = organiser_api.post(create_url(seminar), body, format="json")
    fields = response.json()["fields"]
    assert set(fields) == {f"answers.{topic.pk}", f"answers.{text.pk}", "answers.999999"}
    assert fields["answers.999999"][0]["code"] == "unknown_question"


@pytest.mark.parametrize(
    ("client", "status"), [("anonymous_api", 401), ("viewer_api", 403), ("door_api", 403)]
)
def test_only_organisers_create(request, client, status):
    seminar = SeminarFactory()
    api = request.getfixturevalue(client)
    response = api.post(create_url(seminar), registration_body(), format="json")
    assert response.status_code == status
    assert not Registration.objects.exists()


def test_unknown_seminar_is_404(organiser_api):
    response = organiser_api.post("/api/v1/seminars/nope/registrations/", {}, format="json")
    assert response.status_code == 404


def test_created_registration_has_its_location(organiser_api):
    response = organiser_api.post(create_url(SeminarFactory()), registration_body(), format="json")
    assert response.status_code == 201
    location = response["Location"]
    assert location == f"http://testserver/api/v1/registrations/{response.json()['id']}/"
    assert organiser_api.get(location).json()["id"] == response.json()["id"]
