"""Attendance reports imported from the meeting platform, and what each import changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import Registration


class AttendanceImport(models.Model):
    """One uploaded attendance report: previewed (nothing changed yet), then applied by a
    separate confirmation, and perhaps reverted. The parsed rows wait here between the preview
    and the confirmation, on the server where the browser cannot edit them; once applied, only
    the counts and the per-registration changes (AttendanceChange) are kept."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        APPLIED = "applied", _("Applied")
        REVERTED = "reverted", _("Reverted")

    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.CASCADE,
        related_name="attendance_imports",
        verbose_name=_("seminar"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREVIEWED)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    platform = models.CharField(_("platform"), max_length=10, blank=True)
    mark_absent = models.BooleanField(_("mark the others absent"), default=False)
    # AttendanceReport.as_data(): names and emails from the file, so emptied once applied.
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_by_label = models.CharField(_("by"), max_length=150)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by_label = models.CharField(_("reverted by"), max_length=150, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    problems = models.PositiveIntegerField(_("rows not read"), default=0)
    matched = models.PositiveIntegerField(_("attended"), default=0)
    marked_absent = models.PositiveIntegerField(_("marked absent"), default=0)
    not_registered = models.PositiveIntegerField(_("matched nobody"), default=0)
    changed = models.PositiveIntegerField(_("registrations changed"), default=0)
    restored = models.PositiveIntegerField(_("restored by the revert"), default=0)
    kept = models.PositiveIntegerField(_("changed since, kept by the revert"), default=0)

    class Meta:
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "applied", "reverted"]),
                name="attendance_import_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="previewed", applied_at__isnull=True)
                | (~Q(status="previewed") & Q(applied_at__isnull=False)),
                name="attendance_import_applied_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status="reverted", reverted_at__isnull=False)
                | (~Q(status="reverted") & Q(reverted_at__isnull=True)),
                name="attendance_import_reverted_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class AttendanceChange(models.Model):
    """What an applied import changed on one registration: its attendance before and after, so
    the import can be reverted where nothing has changed it since."""

    batch = models.ForeignKey(
        AttendanceImport,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("attendance import"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendance_changes",
        verbose_name=_("registration"),
    )
    attended_before = models.BooleanField(null=True, blank=True)
    minutes_before = models.PositiveIntegerField(null=True, blank=True)
    attended_after = models.BooleanField(null=True, blank=True)
    minutes_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "registration"], name="one_attendance_change_per_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.before} -> {self.after}"

    @property
    def before(self) -> tuple[bool | None, int | None]:
        return (self.attended_before, self.minutes_before)

    @property
    def after(self) -> tuple[bool | None, int | None]:
        return (self.attended_after, self.minutes_after)


# Per-seminar questions: what an organiser asks beyond the fixed fields. The registration form is
# built from them (questions.py), answers are stored with the booking, and choice answers point
# at options so the dashboard can count them with one grouped query.

# The fixed fields a question can depend on ("show only to IP practitioners").
