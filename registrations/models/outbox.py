"""The outbox: one row per email to a registrant, and the organisers' own words for each kind."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import Registration


class Notification(models.Model):
    """One email to one registrant: the outbox row written in the same transaction as the change
    it reports, so no email is lost if the worker or SMTP is down, and organisers can see it."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        WAITLISTED = "waitlisted", _("Waitlisted")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        CANCELLED = "cancelled", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        EMAIL_CONFIRM = "email_confirm", _("New email address to confirm")
        EMAIL_CHANGE_NOTICE = "email_notice", _("Email change requested")
        RECEIVED = "received", _("Received, under review")
        DECLINED = "declined", _("Registration declined")
        MODE_CHANGED = "mode_changed", _("Attendance mode changed")
        ANNOUNCEMENT = "announcement", _("Announcement")
        SEMINAR_CHANGED = "seminar_changed", _("Change to the seminar")
        SEMINAR_CANCELLED = "seminar_cancelled", _("Seminar cancelled")
        CERTIFICATE = "certificate", _("Certificate of attendance")
        SURVEY = "survey", _("Feedback survey invitation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent: no longer applied")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("message"), max_length=20, choices=Kind)
    # Set when the email goes somewhere other than the registration's address at sending time:
    # a new address to confirm, or the old address told of a change.
    recipient = models.EmailField(_("sent to"), max_length=254, blank=True)
    # For reminders, which offset before which start this is ("24h@1765328400"); the unique
    # constraint below makes each reminder exactly-once per registrant however many schedulers or
    # workers run, and a seminar that moves gets its reminders again at the new time.
    reminder_key = models.CharField(max_length=40, blank=True)
    # The announcement this email delivers: each registrant gets each announcement once (a test
    # sent to an organiser has a recipient and is not counted).
    announcement = models.ForeignKey(
        "registrations.Announcement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("announcement"),
    )
    # The certificate a CERTIFICATE email carries (as a PDF drawn when it is sent); a certificate
    # revoked before then is not sent.
    certificate = models.ForeignKey(
        "registrations.Certificate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("certificate"),
    )
    # For a change notice: what changed, before and after, as {"field": [before, after]} with
    # datetimes in ISO 8601; the email words it in the registrant's language when it is sent.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The organiser's own words for this one email, e.g. why a registration was declined.
    note = models.TextField(_("message from the organisers"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "reminder_key"],
                condition=Q(kind="reminder"),
                name="one_reminder_per_offset",
            ),
            models.UniqueConstraint(
                fields=["announcement", "registration"],
                condition=Q(announcement__isnull=False, recipient=""),
                name="one_email_per_announcement_and_registration",
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(kind="survey", recipient=""),
                name="one_survey_invitation_each",
            ),
        ]
        indexes = [
            # The batch sender's scan: what is waiting and due, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return gettext("%(message)s to %(address)s") % {
            "message": self.get_kind_display(),
            "address": self.to_address,
        }

    @property
    def to_address(self) -> str:
        return self.recipient or self.registration.email


class EmailText(models.Model):
    """The organiser's own opening paragraph for one kind of message, per language."""

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="email_texts", verbose_name=_("seminar")
    )
    kind = models.CharField(_("message"), max_length=20, choices=Notification.Kind)
    intro = models.TextField(
        _("opening paragraph"),
        help_text=_("Shown at the top of the email, before the standard content."),
    )

    class Meta:
        verbose_name = _("email text")
        verbose_name_plural = _("email texts")
        constraints = [
            models.UniqueConstraint(fields=["seminar", "kind"], name="one_email_text_per_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
