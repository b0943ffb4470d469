"""Screened and hybrid registrations in the privacy clean-up and the attendance import: pending
and declined registrations are anonymised like any other (the organisers' decline note too), and
a platform's report marks absent only those who were to join online."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from registrations.attendance_import import attendance_import_plan, attendance_import_preview
from registrations.models import AuditEntry, Notification, Registration
from registrations.privacy import personal_data_purge
from registrations.selectors import seminar_headcounts
from registrations.services import registration_create, registration_decline
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    attendance_report,
    registration_data,
    seminar_with_report_cast,
)

Status = Registration.Status
pytestmark = pytest.mark.django_db


def test_purge_anonymises_pending_and_declined_registrations_and_the_decline_note():
    seminar = SeminarFactory(requires_approval=True)
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    pending = registration_create(
        seminar=seminar, data=registration_data(email="pending@example.com")
    )
    declined = registration_create(
        seminar=seminar, data=registration_data(email="declined@example.com")
    )
    registration_decline(
        registration=declined, actor=organiser, message="Dear Mr CHAN, your firm is an agency."
    )
    ended = timezone.now() - timedelta(days=200)
    seminar.starts_at, seminar.ends_at = ended - timedelta(hours=2), ended
    seminar.save()

    report = personal_data_purge()

    assert report.registrations == 2
    for registration in (pending, declined):
        registration.refresh_from_db()
        assert registration.anonymised_at is not None
        assert "CHAN" not in registration.name_en
        assert registration.email.endswith("@invalid")
    assert set(Notification.objects.values_list("note", flat=True)) == {""}
    assert not AuditEntry.objects.filter(registration=declined).exclude(details={}).exists()
    # The figures stay: one pending, one declined.
    headcounts = seminar_headcounts(seminar=seminar)
    assert (headcounts.pending, headcounts.declined) == (1, 1)


def test_marking_absent_at_a_hybrid_seminar_leaves_the_room_alone(admin_user):
    seminar = seminar_with_report_cast(format="hybrid", online_capacity=100)
    seminar.registrations.update(attendance_mode="online")  # the cast joined online
    in_room = RegistrationFactory(
        seminar=seminar, attendance_mode="in_person", email="room@example.com"
    )

    batch = attendance_import_preview(
        seminar=seminar,
        data=attendance_report("zoom_webinar_attendee_report.csv"),
        file_name="zoom.csv",
        actor=admin_user,
        mark_absent=True,
    )

    absent = {change.registration.email for change in attendance_import_plan(batch=batch).absent}
    assert "siu.ling@ho-design.example.hk" in absent  # online, and not in the report
    assert in_room.email not in absent
