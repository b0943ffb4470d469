"""The audit log organisers read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import Registration


class AuditEntry(models.Model):
    """Who did what to a registration, or which list someone exported: visible to organisers."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Details changed")
        CANCELLED = "cancelled", _("Cancelled")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        CONFIRMED = "confirmed", _("Confirmed by an organiser")
        ATTENDANCE = "attendance", _("Attendance recorded")
        RESENT = "resent", _("Details sent again")
        EXPORTED = "exported", _("Attendee list exported")
        IMPORTED = "imported", _("Attendance report imported")
        IMPORT_REVERTED = "import_reverted", _("Attendance import reverted")
        EMAIL_REQUESTED = "email_requested", _("Email change requested")
        EMAIL_CONFIRMED = "email_confirmed", _("Email change confirmed")
        APPROVED = "approved", _("Approved by an organiser")
        DECLINED = "declined", _("Declined by an organiser")
        MODE_CHANGED = "mode_changed", _("Attendance mode changed")
        ANNOUNCED = "announced", _("Announcement sent")
        NOTIFIED = "notified", _("Registrants told of a change")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from news")
        CHECKED_IN = "checked_in", _("Checked in at the door")
        CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too, so the record survives the user account and names the registrant or
    # the system when nobody was logged in.
    actor_label = models.CharField(_("by"), max_length=150)
    # How the actor reached us when it was not by hand: the API token's name.
    via = models.CharField(_("via"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        verbose_name=_("seminar"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("registration"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_label}"
