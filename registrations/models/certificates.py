"""Certificates of attendance, and the bulk runs that issue them.

A certificate is a row, not a file: the PDF is drawn from it on demand (certificate_pdf.py), and the
public verification page reads the row, never the PDF. What the certificate says about the person
(their names as registered) is copied in when it is issued, so a later edit of the registration
does not change a certificate already handed out; an organiser revokes and issues again instead.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import CHECKIN_ALPHABET, Registration

CERTIFICATE_CODE_LENGTH = 12


def certificate_code_generate() -> str:
    """About 60 random bits in an alphabet that survives being typed from paper."""
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH))


class Certificate(models.Model):
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("registration"),
    )
    code = models.CharField(
        _("code"),
        max_length=CERTIFICATE_CODE_LENGTH,
        unique=True,
        default=certificate_code_generate,
        editable=False,
    )
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    hours = models.DecimalField(_("CPD hours"), max_digits=4, decimal_places=1)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by_label = models.CharField(_("issued by"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by_label = models.CharField(_("revoked by"), max_length=150, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # However many organisers click "issue" at once, a registration holds one certificate
            # that counts; revoked ones stay for the record.
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_certificate_per_registration",
            ),
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_zh=""),
                name="certificate_names_someone",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="certificate_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateRun(models.Model):
    """One "issue certificates to everyone who qualifies" request, done by a background task;
    its counters are the progress the organiser watches."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Stopped by an error")

    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.CASCADE,
        related_name="certificate_runs",
        verbose_name=_("seminar"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    requested_by_label = models.CharField(_("requested by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    qualified = models.PositiveIntegerField(_("qualified"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    already_held = models.PositiveIntegerField(_("already held one"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("certificate run")
        verbose_name_plural = _("certificate runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="certificate_run_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seminar} ({self.get_status_display()})"
