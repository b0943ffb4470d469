"""Webhooks: the organisers' endpoints, and the outbox of signed deliveries to them.

A delivery is written in the transaction of the change it reports (registrations/webhooks.py,
called from the audit log) and sent by a worker (registrations/webhook_delivery.py), like the
emails' outbox: nothing is lost when the receiver or the worker is down, and organisers can see
every attempt.
"""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .audit import AuditEntry
from .registration import Registration


def webhook_secret_generate() -> str:
    """256 random bits; the receiver keys its HMAC with this text exactly as shown."""
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    """What an endpoint may ask to hear about, in the organisers' words."""

    REGISTRATION_CREATED = "registration.created", _("Someone registers (any outcome)")
    REGISTRATION_CONFIRMED = "registration.confirmed", _("A seat is confirmed")
    REGISTRATION_WAITLISTED = "registration.waitlisted", _("A registrant joins the waitlist")
    REGISTRATION_PROMOTED = "registration.promoted", _("A registrant moves up from the waitlist")
    REGISTRATION_CANCELLED = "registration.cancelled", _("A registration is cancelled")
    REGISTRATION_APPROVED = "registration.approved", _("An organiser approves a registration")
    REGISTRATION_DECLINED = "registration.declined", _("An organiser declines a registration")
    REGISTRATION_CHECKED_IN = "registration.checked_in", _("A registrant checks in at the door")
    REGISTRATION_UPDATED = (
        "registration.updated",
        _(
            "A registration changes otherwise (details edited, attendance mode or email changed, "
            "check-in undone, attendance recorded)"
        ),
    )
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate of attendance is issued")
    REGISTRATION_ANONYMISED = (
        "registration.anonymised",
        _("A registrant's personal data is removed after the seminar (delete your copy)"),
    )


# The test an organiser sends from the admin; no endpoint subscribes to it.
PING = "ping"


class WebhookEndpoint(models.Model):
    """A receiver in another system of the organisers' (a CRM, a website) and what it hears."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Where each event is posted, e.g. https://crm.example.org/hooks/seminars."),
    )
    secret = models.CharField(
        _("signing secret"), max_length=100, default=webhook_secret_generate, editable=False
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop sending events to this endpoint.")
    )
    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("seminar"),
        help_text=_("Leave blank to hear about every seminar."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event posted to one endpoint: the outbox row, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    event = models.CharField(_("event"), max_length=40)
    # The message's id, sent as Webhook-Id and in the payload: a resend carries the same one, so a
    # receiver that already has it can drop the copy.
    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, db_index=True)
    # Kept when the registration goes (it never does: registrations are cancelled, not deleted);
    # once its personal data is removed, so is the payload's (privacy.py).
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("registration"),
    )
    # The audit entry that caused it: with the unique constraint below, one change is delivered
    # once per endpoint and event, whatever retries the transaction makes.
    audit_entry = models.ForeignKey(
        AuditEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audit entry"),
    )
    # What is posted, frozen when the event happened: later edits do not rewrite history.
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "audit_entry", "event"],
                condition=Q(audit_entry__isnull=False),
                name="one_webhook_delivery_per_endpoint_and_event",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                name="webhook_delivery_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="webhook_delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The order rule's look-up: anything earlier still waiting for this receiver and
            # registration.
            models.Index(
                fields=["endpoint", "registration", "status"], name="webhook_delivery_order"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
