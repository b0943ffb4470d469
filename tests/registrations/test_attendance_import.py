"""Importing attendance: a preview that changes nothing, a confirmation that applies all of it or
none, a refusal for the wrong seminar's report, and a revert that keeps later changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations import attendance_import as service
from registrations.attendance_import import (
    ImportNotLatest,
    ImportNotPending,
    ImportNotRevertible,
    NothingMatches,
    PlanChanged,
    PreviewExpired,
    PreviewOutdated,
    attendance_import_apply,
    attendance_import_plan,
    attendance_import_preview,
    attendance_import_renew,
    attendance_import_revert,
)
from registrations.models import AttendanceChange, AttendanceImport, AuditEntry, Registration
from registrations.services import registration_attendance_set, registration_cancel
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    attendance_report,
    seminar_with_report_cast,
)

pytestmark = pytest.mark.django_db

ZOOM_WEBINAR = "zoom_webinar_attendee_report.csv"
ATTENDED_IN_EVERY_REPORT = {
    "tai.man@harbour-trading.example.hk": (True, 141),
    "li.wei@gba-ip.example.cn": (True, 90),
    "mei.ling@macau-ip.example.mo": (True, 120),
}
UNTOUCHED = {
    "siu.ling@ho-design.example.hk": (None, None),
    "kar.fai.wong@example.gov.hk": (None, None),
    "ka.yan@ng-trading.example.hk": (None, None),
    "chi.keung@lam-ip.example.hk": (None, None),
}


@pytest.fixture
def seminar():
    return seminar_with_report_cast()


def attendance(seminar) -> dict[str, tuple]:
    return {
        r.email: (r.attended, r.minutes_online)
        for r in Registration.objects.filter(seminar=seminar)
    }


def preview(seminar, admin_user, name=ZOOM_WEBINAR, **options) -> AttendanceImport:
    return attendance_import_preview(
        seminar=seminar,
        data=attendance_report(name),
        file_name=name,
        actor=admin_user,
        **options,
    )


def imported(seminar, admin_user, name=ZOOM_WEBINAR, **options) -> AttendanceImport:
    batch = preview(seminar, admin_user, name, **options)
    return attendance_import_apply(
        batch=batch, actor=admin_user, digest=attendance_import_plan(batch=batch).digest
    )


def test_preview_changes_nothing_and_sorts_every_row(seminar, admin_user):
    before = attendance(seminar)

    batch = preview(seminar, admin_user)
    plan = attendance_import_plan(batch=batch)

    assert attendance(seminar) == before
    assert batch.status == AttendanceImport.Status.PREVIEWED
    assert {c.registration.email: c.after for c in plan.attended} == ATTENDED_IN_EVERY_REPORT
    assert {(m.attendee.email, m.registration.status) for m in plan.not_eligible} == {
        ("ka.yan@ng-trading.example.hk", "waitlisted"),
        ("chi.keung@lam-ip.example.hk", "cancelled"),
    }
    assert [a.email for a in plan.unmatched] == ["walk.in@unregistered.example.com"]
    assert {(m.attendee.email, m.registration is not None) for m in plan.no_shows} == {
        ("siu.ling@ho-design.example.hk", True),
        ("never.came@unregistered.example.com", False),
    }
    assert plan.absent == []  # nobody asked for it
    assert not plan.not_started


def test_marking_the_others_absent_is_off_unless_asked_and_then_lists_exactly_who(
    seminar, admin_user
):
    wong = seminar.registrations.get(email="kar.fai.wong@example.gov.hk")
    registration_attendance_set(registration=wong, attended=True, minutes_online=30, actor=None)

    plan = attendance_import_plan(batch=preview(seminar, admin_user, mark_absent=True))

    assert {(c.registration.email, c.before, c.after) for c in plan.absent} == {
        ("siu.ling@ho-design.example.hk", (None, None), (False, None)),
        ("kar.fai.wong@example.gov.hk", (True, 30), (False, None)),
    }


@pytest.mark.parametrize(
    ("name", "not_eligible"),
    [
        (ZOOM_WEBINAR, 2),
        ("zoom_webinar_attendee_report_without_attended.csv", 1),
        ("zoom_meeting_participants.csv", 0),
        ("teams_attendance_list.csv", 1),
    ],
)
def test_each_platforms_report_marks_only_confirmed_registrants(
    seminar, admin_user, name, not_eligible
):
    batch = imported(seminar, admin_user, name)

    assert attendance(seminar) == {**ATTENDED_IN_EVERY_REPORT, **UNTOUCHED}
    assert (batch.status, batch.matched, batch.changed, batch.marked_absent) == (
        "applied",
        3,
        3,
        0,
    )
    details = AuditEntry.objects.get(action="imported").details
    assert details["waitlisted_or_cancelled"] == not_eligible


def test_applying_records_before_and_after_and_forgets_the_files_people(seminar, admin_user):
    batch = imported(seminar, admin_user, mark_absent=True)

    changes = {
        c.registration.email: (c.before, c.after)
        for c in AttendanceChange.objects.filter(batch=batch).select_related("registration")
    }
    assert changes == {
        "tai.man@harbour-trading.example.hk": ((None, None), (True, 141)),
        "li.wei@gba-ip.example.cn": ((None, None), (True, 90)),
        "mei.ling@macau-ip.example.mo": ((None, None), (True, 120)),
        "siu.ling@ho-design.example.hk": ((None, None), (False, None)),
        "kar.fai.wong@example.gov.hk": ((None, None), (False, None)),
    }
    batch.refresh_from_db()
    assert batch.report == {}  # the walk-in's and no-shows' emails are not kept
    assert AuditEntry.objects.filter(action="attendance").count() == 5
    assert AuditEntry.objects.filter(action="imported", actor=admin_user).count() == 1


def test_a_report_that_matches_nobody_here_is_refused_and_nothing_is_recorded(admin_user):
    other_seminar = SeminarFactory(starts_at=timezone.now() - timedelta(days=1))
    RegistrationFactory(seminar=other_seminar, email="someone.else@example.com")
    before = attendance(other_seminar)

    with pytest.raises(NothingMatches) as refusal:
        preview(other_seminar, admin_user, mark_absent=True)

    assert refusal.value.field == "report"
    assert attendance(other_seminar) == before
    assert not AttendanceImport.objects.exists()


def test_a_report_matching_only_cancelled_registrations_is_refused(admin_user):
    seminar = SeminarFactory(starts_at=timezone.now() - timedelta(days=1))
    RegistrationFactory(seminar=seminar, email="chi.keung@lam-ip.example.hk", status="cancelled")

    with pytest.raises(NothingMatches):
        preview(seminar, admin_user)


def test_a_seminar_that_has_not_started_is_flagged(admin_user):
    seminar = SeminarFactory()  # a month away
    RegistrationFactory(seminar=seminar, email="li.wei@gba-ip.example.cn")

    plan = attendance_import_plan(batch=preview(seminar, admin_user))

    assert plan.not_started
    assert plan.starts_at == seminar.starts_at


def test_confirming_twice_applies_once(seminar, admin_user):
    batch = imported(seminar, admin_user)
    entries = AuditEntry.objects.count()

    with pytest.raises(ImportNotPending):
        attendance_import_apply(batch=batch, actor=admin_user)

    assert AuditEntry.objects.count() == entries


def test_registrations_changed_since_the_preview_refuse_the_confirmation(seminar, admin_user):
    batch = preview(seminar, admin_user, mark_absent=True)
    seen = attendance_import_plan(batch=batch).digest
    registration_cancel(registration=seminar.registrations.get(email="li.wei@gba-ip.example.cn"))
    before = attendance(seminar)

    with pytest.raises(PlanChanged):
        attendance_import_apply(batch=batch, actor=admin_user, digest=seen)

    assert attendance(seminar) == before
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.PREVIEWED


def test_a_stale_preview_expires_and_is_cleared_by_the_next_upload(seminar, admin_user):
    stale = preview(seminar, admin_user)
    AttendanceImport.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )

    with pytest.raises(PreviewExpired):
        attendance_import_apply(batch=stale, actor=admin_user)
    preview(seminar, admin_user)

    assert not AttendanceImport.objects.filter(pk=stale.pk).exists()


def test_an_import_that_fails_halfway_changes_nothing(seminar, admin_user, monkeypatch):
    batch = preview(seminar, admin_user, mark_absent=True)
    calls = []
    real = service.registration_attendance_set

    def fails_on_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(service, "registration_attendance_set", fails_on_the_third)
    before = attendance(seminar)

    with pytest.raises(RuntimeError):
        attendance_import_apply(batch=batch, actor=admin_user)

    assert attendance(seminar) == before
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.PREVIEWED
    assert not AttendanceChange.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["attendance", "imported"]).exists()


def test_importing_the_same_report_again_changes_nothing(seminar, admin_user):
    imported(seminar, admin_user, mark_absent=True)
    before = attendance(seminar)
    entries = AuditEntry.objects.filter(action="attendance").count()

    again = imported(seminar, admin_user, mark_absent=True)

    assert attendance(seminar) == before
    assert (again.changed, again.marked_absent) == (0, 0)
    assert AuditEntry.objects.filter(action="attendance").count() == entries


def test_revert_restores_the_attendance_from_before_the_import(seminar, admin_user):
    wong = seminar.registrations.get(email="kar.fai.wong@example.gov.hk")
    tai_man = seminar.registrations.get(email="tai.man@harbour-trading.example.hk")
    registration_attendance_set(registration=wong, attended=True, minutes_online=30, actor=None)
    registration_attendance_set(registration=tai_man, attended=True, actor=None)  # by hand
    before = attendance(seminar)
    batch = imported(seminar, admin_user, mark_absent=True)
    assert attendance(seminar)["kar.fai.wong@example.gov.hk"] == (False, None)

    result = attendance_import_revert(batch=batch, actor=admin_user)

    assert attendance(seminar) == before
    assert before["tai.man@harbour-trading.example.hk"] == (True, None)
    assert (len(result.restored), result.kept) == (5, [])
    batch.refresh_from_db()
    assert (batch.status, batch.restored, batch.reverted_by_label) == ("reverted", 5, "admin")
    assert AuditEntry.objects.filter(action="import_reverted").exists()


def test_revert_keeps_what_was_changed_after_the_import_and_says_so(seminar, admin_user):
    batch = imported(seminar, admin_user)
    li_wei = seminar.registrations.get(email="li.wei@gba-ip.example.cn")
    registration_attendance_set(registration=li_wei, attended=False, actor=admin_user)

    result = attendance_import_revert(batch=batch, actor=admin_user)

    assert [r.email for r in result.kept] == ["li.wei@gba-ip.example.cn"]
    assert attendance(seminar)["li.wei@gba-ip.example.cn"] == (False, None)
    assert attendance(seminar)["tai.man@harbour-trading.example.hk"] == (None, None)
    batch.refresh_from_db()
    assert (batch.restored, batch.kept) == (2, 1)


def test_an_import_is_reverted_once_and_a_preview_never(seminar, admin_user):
    batch = imported(seminar, admin_user)
    attendance_import_revert(batch=batch, actor=admin_user)

    with pytest.raises(ImportNotRevertible):
        attendance_import_revert(batch=batch, actor=admin_user)
    with pytest.raises(ImportNotRevertible):
        attendance_import_revert(batch=preview(seminar, admin_user), actor=admin_user)


ZOOM_WITH_DENG_LEI = (
    b"Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)\n"
    b"Yes,DENG Lei,participant5002@example.com,2026-03-12 09:58:00,2026-03-12 11:30:00,--\n"
)


def test_attended_with_unknown_minutes_is_recorded_attended_with_minutes_not_recorded(
    admin_user,
):
    seminar = SeminarFactory(starts_at=timezone.now() - timedelta(days=1))
    deng_lei = RegistrationFactory(seminar=seminar, email="participant5002@example.com")
    batch = attendance_import_preview(
        seminar=seminar, data=ZOOM_WITH_DENG_LEI, file_name="zoom.csv", actor=admin_user
    )

    assert [change.after for change in attendance_import_plan(batch=batch).attended] == [
        (True, None)
    ]
    attendance_import_apply(batch=batch, actor=admin_user)
    deng_lei.refresh_from_db()
    assert (deng_lei.attended, deng_lei.minutes_online) == (True, None)


def test_a_preview_made_before_another_import_was_applied_is_refused_until_renewed(
    seminar, admin_user
):
    older = preview(seminar, admin_user)
    imported(seminar, admin_user, mark_absent=True)
    before = attendance(seminar)

    with pytest.raises(PreviewOutdated):
        attendance_import_apply(
            batch=older, actor=admin_user, digest=attendance_import_plan(batch=older).digest
        )

    assert attendance(seminar) == before
    renewed = attendance_import_renew(batch=older)
    attendance_import_apply(
        batch=renewed, actor=admin_user, digest=attendance_import_plan(batch=renewed).digest
    )
    assert AttendanceImport.objects.get(pk=older.pk).status == "applied"


def test_a_preview_made_before_another_import_was_reverted_is_refused(seminar, admin_user):
    applied = imported(seminar, admin_user)
    older = preview(seminar, admin_user)
    attendance_import_revert(batch=applied, actor=admin_user)

    with pytest.raises(PreviewOutdated):
        attendance_import_apply(batch=older, actor=admin_user)


def test_only_the_latest_applied_import_can_be_reverted_so_reverts_unwind_in_order(
    seminar, admin_user
):
    before = attendance(seminar)
    first = imported(seminar, admin_user, name="teams_attendance_list.csv")
    second = imported(seminar, admin_user, mark_absent=True)

    with pytest.raises(ImportNotLatest) as refusal:
        attendance_import_revert(batch=first, actor=admin_user)

    assert refusal.value.later == second
    assert AttendanceImport.objects.get(pk=first.pk).status == "applied"
    attendance_import_revert(batch=second, actor=admin_user)
    attendance_import_revert(batch=first, actor=admin_user)
    assert attendance(seminar) == before


def test_a_report_with_nul_characters_is_previewed_without_them():
    # Found by the property test on PostgreSQL, whose JSON cannot hold NUL: a 500 on upload.
    seminar = seminar_with_report_cast()
    report = (
        b"Attended,Name,Email,Time in Session (minutes)\n"
        b"Yes,CHAN Tai Man,tai.man@harbour-trading.example.hk,50\n"
        b"Yes,Nobody,\x00,10\n"
    )

    batch = attendance_import_preview(seminar=seminar, data=report, file_name="r.csv", actor=None)

    batch.refresh_from_db()
    assert "\x00" not in str(batch.report)
    assert attendance_import_plan(batch=batch).attended
