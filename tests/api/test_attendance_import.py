"""POST /api/v1/seminars/{slug}/attendance-imports/ and .../{id}/apply/: the admin's import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.models import AttendanceImport, AuditEntry, Registration
from tests.factories import SeminarFactory, attendance_report, seminar_with_report_cast

pytestmark = pytest.mark.django_db
ZOOM_WEBINAR = "zoom_webinar_attendee_report.csv"


def upload(client, seminar, data: bytes, **fields):
    report = SimpleUploadedFile("report.csv", data, content_type="text/csv")
    return client.post(
        f"/api/v1/seminars/{seminar.slug}/attendance-imports/",
        {"report": report, **fields},
        format="multipart",
    )


def attendance(seminar) -> dict:
    return {r.email: (r.attended, r.minutes_online) for r in seminar.registrations.all()}


def test_upload_answers_the_plan_and_changes_nothing(organiser_api):
    seminar = seminar_with_report_cast()
    before = attendance(seminar)
    response = upload(organiser_api, seminar, attendance_report(ZOOM_WEBINAR))
    assert response.status_code == 201
    plan = response.json()
    assert plan["import"]["status"] == "previewed"
    changed = {change["email"]: change for change in plan["changes"]}
    assert changed["tai.man@harbour-trading.example.hk"]["minutes_after"] == 141
    assert {p["email"] for p in plan["unmatched"]} == {"walk.in@unregistered.example.com"}
    assert {p["status"] for p in plan["not_eligible"]} == {"waitlisted", "cancelled"}
    assert attendance(seminar) == before


def test_apply_marks_attendance_and_is_audited(organiser_api):
    seminar = seminar_with_report_cast()
    plan = upload(organiser_api, seminar, attendance_report(ZOOM_WEBINAR)).json()
    apply_url = f"/api/v1/seminars/{seminar.slug}/attendance-imports/{plan['import']['id']}/apply/"
    response = organiser_api.post(apply_url, {"digest": plan["digest"]}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "applied"
    assert response.json()["changed"] == len(plan["changes"])
    registration = Registration.objects.get(email="tai.man@harbour-trading.example.hk")
    assert (registration.attended, registration.minutes_online) == (True, 141)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED)
    assert entry.via == "API token “CRM sync”"
    again = organiser_api.post(apply_url, {}, format="json")
    assert again.status_code == 422


def test_a_changed_plan_is_refused(organiser_api):
    seminar = seminar_with_report_cast()
    plan = upload(organiser_api, seminar, attendance_report(ZOOM_WEBINAR)).json()
    apply_url = f"/api/v1/seminars/{seminar.slug}/attendance-imports/{plan['import']['id']}/apply/"
    response = organiser_api.post(apply_url, {"digest": "0" * 32}, format="json")
    assert response.status_code == 422
    assert AttendanceImport.objects.get().status == "previewed"


def test_a_report_of_another_seminar_is_refused(organiser_api):
    response = upload(organiser_api, SeminarFactory(), attendance_report(ZOOM_WEBINAR))
    assert response.status_code == 422
    assert "report" in response.json()["fields"]
    assert not AttendanceImport.objects.exists()


def test_an_unreadable_file_is_refused(organiser_api):
    response = upload(organiser_api, seminar_with_report_cast(), b"\x00\x01 not a report")
    assert response.status_code == 422
    assert not AttendanceImport.objects.exists()


def test_json_is_not_an_upload(organiser_api):
    seminar = seminar_with_report_cast()
    response = organiser_api.post(
        f"/api/v1/seminars/{seminar.slug}/attendance-imports/", {"report": "x"}, format="json"
    )
    assert response.status_code == 415


def test_retried_upload_with_a_key_makes_one_preview(organiser_api):
    seminar = seminar_with_report_cast()
    data = attendance_report(ZOOM_WEBINAR)
    url = f"/api/v1/seminars/{seminar.slug}/attendance-imports/"
    answers = [
        organiser_api.post(
            url,
            {"report": SimpleUploadedFile("r.csv", data)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )
        for _ in range(2)
    ]
    assert answers[0].json() == answers[1].json()
    assert AttendanceImport.objects.count() == 1


@pytest.mark.parametrize(
    ("client", "status"), [("anonymous_api", 401), ("viewer_api", 403), ("door_api", 403)]
)
def test_only_organisers_import(request, client, status):
    seminar = seminar_with_report_cast()
    response = upload(request.getfixturevalue(client), seminar, attendance_report(ZOOM_WEBINAR))
    assert response.status_code == status
    assert not AttendanceImport.objects.exists()


def test_upload_refuses_unknown_fields_naming_them(organiser_api):
    seminar = seminar_with_report_cast()
    response = upload(organiser_api, seminar, attendance_report(ZOOM_WEBINAR), mark_absnet="true")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["mark_absnet"]
    assert response.json()["fields"]["mark_absnet"][0]["code"] == "unknown"
    assert not AttendanceImport.objects.exists()


def test_apply_refuses_unknown_fields_naming_them(organiser_api):
    seminar = seminar_with_report_cast()
    plan = upload(organiser_api, seminar, attendance_report(ZOOM_WEBINAR)).json()
    apply_url = f"/api/v1/seminars/{seminar.slug}/attendance-imports/{plan['import']['id']}/apply/"
    response = organiser_api.post(apply_url, {"digets": plan["digest"]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["digets"]
    assert AttendanceImport.objects.get().status == AttendanceImport.Status.PREVIEWED
