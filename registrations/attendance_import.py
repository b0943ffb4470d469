"""Importing a platform's attendance report: preview, confirm, revert.

Uploading changes nothing. `attendance_import_preview` reads the file and records a batch
(status previewed) holding the parsed rows; `attendance_import_plan` says what applying it would
do to the registrations as they are now, and the preview page shows exactly that. Only
`attendance_import_apply`, a separate confirmation, changes attendance, and only if the plan is
still the one the organiser saw and no other import of the seminar was applied or reverted
since the preview. An applied batch keeps each changed registration's attendance before and
after, so `attendance_import_revert` can put back what it changed wherever nothing has changed
it since. Only the latest applied import can be reverted: reverts unwind in order, each back to
the state before its import.

Who counts: a report row counts only for a confirmed registration of this seminar (emails
compared ignoring case). Waitlisted and cancelled registrations found in the report are listed
apart and never marked attended. No-shows (Attended: No, `--`) are never present. Confirmed
registrants the report does not show as present are marked absent only when the organiser asks
for it, which is off by default: a wrong file must not wipe a seminar's attendance.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .attendance import (
    PROBLEMS_LISTED,
    AttendanceReport,
    Attendee,
    ReportProblem,
    attendance_report_parse,
)
from .audit import SYSTEM, audit_record
from .errors import RegistrationError
from .models import AttendanceChange, AttendanceImport, AuditEntry, Registration
from .services import registration_attendance_set

Status = Registration.Status
BatchStatus = AttendanceImport.Status
Actor = AbstractBaseUser | None
Attendance = tuple[bool | None, int | None]

# A preview waits this long for its confirmation; older ones are deleted with the names and
# emails of the file they hold.
PREVIEW_LIFETIME = timedelta(days=1)


class NothingMatches(RegistrationError):
    field = "report"
    message = _(
        "Nobody in this report is registered for this seminar, so nothing was imported. Check "
        "that this is the report of this seminar."
    )


class PlanChanged(RegistrationError):
    # The confirmation carries the plan's fingerprint; a mismatch means either that the
    # registrations changed since or that the form was altered, and we cannot tell which.
    message = _(
        "This preview is out of date or was altered, so nothing was imported. Here it is again "
        "as things stand now: check it, then confirm."
    )


class PreviewOutdated(RegistrationError):
    message = _(
        "Another import of this seminar was applied or reverted after this preview was made, so "
        "nothing was imported. Here is a fresh preview: check it, then confirm."
    )


class ImportNotPending(RegistrationError):
    message = _("This import was already applied; it was not applied again.")


class PreviewExpired(RegistrationError):
    message = _("This preview is more than a day old and has expired. Upload the report again.")


class ImportNotRevertible(RegistrationError):
    message = _("Only an applied import can be reverted, and only once.")


class ImportNotLatest(ImportNotRevertible):
    """Reverts unwind in order, so each puts back exactly the state before its import."""

    message = _("A later import of this seminar is still applied: revert the later import first.")

    def __init__(self, later: AttendanceImport):
        self.later = later
        super().__init__()


def _attendance(registration: Registration) -> Attendance:
    return (registration.attended, registration.minutes_online)


@dataclass(frozen=True)
class PlannedChange:
    """A registration the import will mark, with its attendance now and afterwards."""

    registration: Registration
    before: Attendance
    after: Attendance
    attendee: Attendee | None = None

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ReportMatch:
    """A report row and the registration of this seminar with its email, if there is one."""

    attendee: Attendee
    registration: Registration | None


@dataclass(frozen=True)
class AttendancePlan:
    """What applying an import does, computed against the registrations as they are now."""

    attended: list[PlannedChange]  # confirmed registrants the report shows present
    absent: list[PlannedChange]  # to be marked absent: only when asked, only real changes
    not_eligible: list[ReportMatch]  # present, but waitlisted or cancelled: never marked
    unmatched: list[Attendee]  # present, registered for nothing here
    no_shows: list[ReportMatch]  # in the report but never present
    problems: list[ReportProblem]
    rows_read: int
    mark_absent: bool
    starts_at: datetime
    not_started: bool
    matches_active: bool  # the report names at least one active registration

    @property
    def changes(self) -> list[PlannedChange]:
        return [change for change in (*self.attended, *self.absent) if change.changes]

    @property
    def problems_listed(self) -> list[ReportProblem]:
        return self.problems[:PROBLEMS_LISTED]

    @property
    def problems_not_listed(self) -> int:
        return max(len(self.problems) - PROBLEMS_LISTED, 0)

    @property
    def digest(self) -> str:
        """A fingerprint of the changes: the confirmation carries the one the organiser saw,
        and the import refuses to run if the changes are no longer those."""
        changes = sorted([change.registration.pk, *change.after] for change in self.changes)
        return hashlib.sha256(json.dumps(changes).encode()).hexdigest()[:32]


def _plan(
    *,
    seminar: Seminar,
    report: AttendanceReport,
    mark_absent: bool,
    now: datetime,
    lock: bool = False,
) -> AttendancePlan:
    registrations = seminar.registrations.order_by("pk")
    if lock:
        registrations = registrations.select_for_update()
    registrations = list(registrations)
    # One active registration per email at most (a database constraint); cancelled ones may sit
    # beside it and only speak for the email when there is no active one.
    by_email: dict[str, Registration] = {}
    for registration in registrations:
        held = by_email.get(registration.email.lower())
        if held is None or (held.status == Status.CANCELLED and registration.is_active):
            by_email[registration.email.lower()] = registration

    attended, not_eligible, unmatched, no_shows = [], [], [], []
    for email, attendee in report.attendees.items():
        registration = by_email.get(email)
        if not attendee.present:
            no_shows.append(ReportMatch(attendee, registration))
        elif registration is None:
            unmatched.append(attendee)
        elif registration.status != Status.CONFIRMED:
            not_eligible.append(ReportMatch(attendee, registration))
        else:
            after = (True, attendee.minutes)
            attended.append(PlannedChange(registration, _attendance(registration), after, attendee))

    absent = []
    if mark_absent:
        present = {change.registration.pk for change in attended}
        # A platform's report says nothing about a hybrid seminar's room: only those who
        # joined online can be missing from it.
        absent = [
            PlannedChange(registration, _attendance(registration), (False, None))
            for registration in sorted(registrations, key=lambda r: r.display_name.lower())
            if registration.status == Status.CONFIRMED
            and registration.gets_joining_details
            and registration.pk not in present
            and _attendance(registration) != (False, None)
        ]
    return AttendancePlan(
        attended=attended,
        absent=absent,
        not_eligible=not_eligible,
        unmatched=unmatched,
        no_shows=no_shows,
        problems=report.problems,
        rows_read=report.rows_read,
        mark_absent=mark_absent,
        starts_at=seminar.starts_at,
        not_started=seminar.starts_at > now,
        matches_active=any(
            by_email[email].is_active for email in report.attendees if email in by_email
        ),
    )


def attendance_import_plan(
    *, batch: AttendanceImport, now: datetime | None = None
) -> AttendancePlan:
    """What confirming this previewed import would do now (one query for the registrations)."""
    return _plan(
        seminar=batch.seminar,
        report=AttendanceReport.from_data(batch.report),
        mark_absent=batch.mark_absent,
        now=now or timezone.now(),
    )


def _actor_label(actor: Actor) -> str:
    if actor is not None and actor.is_authenticated:
        return actor.get_username()
    return SYSTEM


@transaction.atomic
def attendance_import_preview(
    *,
    seminar: Seminar,
    data: bytes,
    file_name: str,
    actor: Actor,
    mark_absent: bool = False,
    now: datetime | None = None,
) -> AttendanceImport:
    """Read a report and record it as a previewed batch; no attendance changes.

    Raises AttendanceReportError when nothing in the file can be read, and NothingMatches when
    no one in it holds an active registration for this seminar (the report of another seminar).
    Rows that cannot be read are kept with the batch for the preview to list.
    """
    now = now or timezone.now()
    report = attendance_report_parse(data)
    plan = _plan(seminar=seminar, report=report, mark_absent=mark_absent, now=now)
    if not plan.matches_active:
        raise NothingMatches
    attendance_previews_expire(now=now)
    return AttendanceImport.objects.create(
        seminar=seminar,
        file_name=file_name[:255],
        platform=report.platform,
        mark_absent=mark_absent,
        report=report.as_data(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        created_by_label=_actor_label(actor),
        rows_read=report.rows_read,
        problems=len(report.problems),
    )


def attendance_previews_expire(*, now: datetime | None = None) -> int:
    """Delete previews left unconfirmed for longer than PREVIEW_LIFETIME, with the names and
    emails of their files; returns how many. Every upload runs it; a daily task may too."""
    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    deleted, _by_model = AttendanceImport.objects.filter(
        status=BatchStatus.PREVIEWED, created_at__lt=cutoff
    ).delete()
    return deleted


def attendance_import_check_pending(
    *, batch: AttendanceImport, now: datetime | None = None
) -> None:
    """Raise ImportNotPending or PreviewExpired unless the batch can still be confirmed."""
    if batch.status != BatchStatus.PREVIEWED:
        raise ImportNotPending
    if batch.created_at < (now or timezone.now()) - PREVIEW_LIFETIME:
        raise PreviewExpired


def _outdated(batch: AttendanceImport) -> bool:
    """Whether another import of the seminar was applied or reverted since the preview: its
    plan was computed against attendance that import has since changed."""
    since = Q(applied_at__gte=batch.created_at) | Q(reverted_at__gte=batch.created_at)
    others = AttendanceImport.objects.filter(seminar_id=batch.seminar_id).exclude(pk=batch.pk)
    return others.filter(since).exists()


@transaction.atomic
def attendance_import_renew(
    *, batch: AttendanceImport, now: datetime | None = None
) -> AttendanceImport:
    """Make an outdated preview a fresh one: the plan shown from now on is computed against
    the attendance as it is now, so confirming it is safe."""
    batch = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
    attendance_import_check_pending(batch=batch, now=now)
    batch.created_at = now or timezone.now()
    batch.save(update_fields=["created_at"])
    return batch


def attendance_import_latest(imports: list[AttendanceImport]) -> AttendanceImport | None:
    """Of a seminar's imports, the one applied last and not reverted: the only revertible."""
    applied = [batch for batch in imports if batch.status == BatchStatus.APPLIED]
    return max(applied, key=lambda batch: (batch.applied_at, batch.pk), default=None)


def attendance_import_check_revertible(*, batch: AttendanceImport) -> None:
    """Raise ImportNotRevertible unless the batch is applied and not yet reverted, and
    ImportNotLatest while a later import of the seminar is still applied."""
    if batch.status != BatchStatus.APPLIED:
        raise ImportNotRevertible
    later = (
        AttendanceImport.objects.filter(seminar_id=batch.seminar_id, status=BatchStatus.APPLIED)
        .filter(
            Q(applied_at__gt=batch.applied_at) | Q(applied_at=batch.applied_at, pk__gt=batch.pk)
        )
        .defer("report")
        .order_by("-applied_at", "-pk")
        .first()
    )
    if later is not None:
        raise ImportNotLatest(later)


@transaction.atomic
def attendance_import_apply(
    *,
    batch: AttendanceImport,
    actor: Actor,
    digest: str | None = None,
    now: datetime | None = None,
) -> AttendanceImport:
    """Apply a previewed import: all of it or, if anything refuses, none of it.

    `digest` is the plan's fingerprint as the organiser saw it; when it is not the plan's now,
    PlanChanged is raised and nothing is applied. Raises PreviewOutdated when another import of
    the seminar was applied or reverted after the preview was made (its plan may match by chance
    while reverts would no longer unwind in order), ImportNotPending for a batch applied already
    (a second click), PreviewExpired for a stale preview. Every change is
    recorded with its previous value for a revert, and in each registration's audit history.
    """
    now = now or timezone.now()
    seminar = Seminar.objects.select_for_update().get(pk=batch.seminar_id)
    batch = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
    attendance_import_check_pending(batch=batch, now=now)
    if _outdated(batch):
        raise PreviewOutdated
    plan = _plan(
        seminar=seminar,
        report=AttendanceReport.from_data(batch.report),
        mark_absent=batch.mark_absent,
        now=now,
        lock=True,
    )
    if digest is not None and digest != plan.digest:
        raise PlanChanged
    changes = plan.changes
    for change in changes:
        attended, minutes = change.after
        registration_attendance_set(
            registration=change.registration,
            attended=attended,
            minutes_online=minutes,
            actor=actor,
        )
    AttendanceChange.objects.bulk_create(
        AttendanceChange(
            batch=batch,
            registration=change.registration,
            attended_before=change.before[0],
            minutes_before=change.before[1],
            attended_after=change.after[0],
            minutes_after=change.after[1],
        )
        for change in changes
    )
    batch.status = BatchStatus.APPLIED
    batch.applied_at = now
    batch.matched = len(plan.attended)
    batch.marked_absent = len(plan.absent)
    batch.not_registered = len(plan.unmatched)
    batch.changed = len(changes)
    batch.report = {}  # the file's names and emails are not needed any more
    batch.save()
    audit_record(
        action=AuditEntry.Action.IMPORTED,
        actor=actor,
        seminar=seminar,
        details={
            "import": batch.pk,
            "file": batch.file_name,
            "platform": batch.platform,
            "rows": batch.rows_read,
            "rows_not_read": batch.problems,
            "attended": batch.matched,
            "marked_absent": batch.marked_absent,
            "waitlisted_or_cancelled": len(plan.not_eligible),
            "matched_nobody": batch.not_registered,
            "changed": batch.changed,
        },
    )
    return batch


@dataclass(frozen=True)
class RevertStep:
    """One change of an applied import and where the registration stands now."""

    change: AttendanceChange
    current: Attendance

    @property
    def restorable(self) -> bool:
        """Only what the import set is put back; a later change (by hand or by another
        import) is the organiser's newer decision and stays."""
        return self.current == self.change.after


def attendance_import_revert_plan(*, batch: AttendanceImport) -> list[RevertStep]:
    """What reverting would do, registration by registration (one query)."""
    changes = batch.changes.select_related("registration").order_by("pk")
    return [RevertStep(change, _attendance(change.registration)) for change in changes]


@dataclass(frozen=True)
class RevertResult:
    batch: AttendanceImport
    restored: list[Registration]
    kept: list[Registration]  # changed since the import: left as they are


@transaction.atomic
def attendance_import_revert(
    *, batch: AttendanceImport, actor: Actor, now: datetime | None = None
) -> RevertResult:
    """Put back the attendance an applied import changed, where it is still what the import
    set; report the registrations changed since. Raises ImportNotRevertible unless applied,
    ImportNotLatest while a later import of the seminar is still applied."""
    now = now or timezone.now()
    seminar = Seminar.objects.select_for_update().get(pk=batch.seminar_id)
    batch = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
    attendance_import_check_revertible(batch=batch)
    changes = list(batch.changes.order_by("pk"))
    locked = Registration.objects.select_for_update().in_bulk(
        [change.registration_id for change in changes]
    )
    restored, kept = [], []
    for change in changes:
        registration = locked[change.registration_id]
        if _attendance(registration) != change.after:
            kept.append(registration)
            continue
        attended, minutes = change.before
        registration_attendance_set(
            registration=registration, attended=attended, minutes_online=minutes, actor=actor
        )
        restored.append(registration)
    batch.status = BatchStatus.REVERTED
    batch.reverted_at = now
    batch.reverted_by_label = _actor_label(actor)
    batch.restored = len(restored)
    batch.kept = len(kept)
    batch.save()
    audit_record(
        action=AuditEntry.Action.IMPORT_REVERTED,
        actor=actor,
        seminar=seminar,
        details={
            "import": batch.pk,
            "file": batch.file_name,
            "restored": len(restored),
            "changed_since_and_kept": [registration.pk for registration in kept],
        },
    )
    return RevertResult(batch=batch, restored=restored, kept=kept)


def attendance_imports_list(*, seminar: Seminar) -> list[AttendanceImport]:
    """The seminar's applied and reverted imports, newest first (one query)."""
    return list(seminar.attendance_imports.exclude(status=BatchStatus.PREVIEWED).defer("report"))
