"""What organisers send beyond the automatic emails: announcements to a segment of registrants,
alerts to people waiting for registration to open, and the organisers' own daily digest."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import Registration


class Announcement(models.Model):
    """One message from the organisers to the registrants its audience selects.

    The audience is data, not a saved query: {"statuses": [...], "attendance": [...],
    "participant_types": [...], "regions": [...], "attendance_modes": [...],
    "answers": {"<question id>": [<option id>, ...]}}; an absent or empty list means "any".
    Queuing it writes one outbox row per recipient (unique per announcement and registration), so
    it is delivered once to each, in their language, however often the queuing is retried.
    """

    class Purpose(models.TextChoices):
        SEMINAR = "seminar", _("About this seminar: to everyone in the audience")
        NEWS = "news", _("News or promotion: only to those who agreed to receive news")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued for sending")

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("seminar")
    )
    purpose = models.CharField(
        _("kind of message"), max_length=10, choices=Purpose, default=Purpose.SEMINAR
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"),
        help_text=_("Plain text. A blank line starts a new paragraph; web addresses become links."),
    )
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.DRAFT, db_index=True
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # Fixed when it is queued: how many outbox rows it made.
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="scheduled") | models.Q(send_at__isnull=False),
                name="announcement_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class OpeningAlert(models.Model):
    """Someone who asked to be told when registration opens. Not a registration: kept apart,
    deleted once the one message has gone, and purged with personal data."""

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="opening_alerts", verbose_name=_("seminar")
    )
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Registration.Language,
        default=Registration.Language.EN,
    )
    consent_at = models.DateTimeField(_("consented at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Claimed by the sender (a conditional update) so two workers never send the same alert.
    sending_since = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("registration opening alert")
        verbose_name_plural = _("registration opening alerts")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "seminar", name="one_opening_alert_per_email"),
        ]

    def __str__(self) -> str:
        return self.email


class DigestSubscription(models.Model):
    """An organiser who gets a daily digest of one seminar's registrations, in their language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seminar_digests",
        verbose_name=_("organiser"),
    )
    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="digests", verbose_name=_("seminar")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Registration.Language,
        default=Registration.Language.EN,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The end of the period the last digest covered; the next covers from here. Advanced in the
    # same conditional update that claims the day's digest, so it is sent once a day at most.
    covered_until = models.DateTimeField(_("covered until"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "seminar"], name="one_digest_per_organiser"),
        ]

    def __str__(self) -> str:
        return str(self.seminar)
