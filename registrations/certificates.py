"""Issuing and revoking certificates of attendance, one by hand or to everyone at once.

A certificate copies the names as registered and the seminar's CPD hours when it is issued
(models/certificates.py says why). Issuing queues a CERTIFICATE email through the outbox; the PDF
is drawn when that email is built (certificate_pdf.py), and a certificate revoked before then is
not sent (delivery.py).

The bulk run (`certificates_issue_all`) records a CertificateRun and hands the work to a task
that issues to everyone who qualifies (qualification.py) and has none, counting as it goes. Two
runs at once, or a run while an organiser issues one by hand, cannot give anyone two live
certificates: each issue locks the registration's row and looks again, and the partial unique
constraint is the backstop; whoever comes second counts the person as "already held".
"""

import logging
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar
from seminar.selectors import seminar_cpd_hours

from .audit import SYSTEM, audit_record
from .certificate_pdf import certificate_pdf_forget
from .delivery import notification_create
from .errors import RegistrationError
from .models import AuditEntry, Certificate, CertificateRun, Notification, Registration
from .qualification import registration_qualification, registrations_qualifying

logger = logging.getLogger(__name__)

RunStatus = CertificateRun.Status
# A run waiting or issuing for longer than this is taken for lost (its worker stopped): it no
# longer blocks a new run. A real run issues hundreds a minute, so an hour is generous.
RUN_STALE_AFTER = timedelta(hours=1)
REVOKE_REASON_MAX = Certificate._meta.get_field("revoke_reason").max_length


class CertificateError(RegistrationError):
    message = _("This certificate cannot be issued.")


class CertificatesOff(CertificateError):
    message = _("Certificates are off for this seminar: turn them on in the seminar's settings.")


class CertificateHoursInvalid(CertificateError):
    message = _(
        "The seminar's CPD hours must be more than 0: correct them in the seminar's settings."
    )


class CertificateSeminarNotOver(CertificateError):
    """Attendance is only known once the seminar has ended (and people may still leave early)."""

    def __init__(self, seminar: Seminar):
        ends = timezone.localtime(seminar.ends_at, timezone.get_default_timezone())
        super().__init__(
            _("Certificates can be issued once the seminar has ended, from %(time)s.")
            % {"time": date_format(ends, "DATETIME_FORMAT")}
        )


class CertificateAlreadyHeld(CertificateError):
    message = _("This person already holds a certificate for this seminar.")


class CertificateNotQualified(CertificateError):
    """The rule says no; an organiser may still issue by hand, saying so (`override`)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(
            _("This person does not qualify for a certificate: %(reason)s") % {"reason": reason}
        )


class CertificateNoNames(CertificateError):
    message = _("This registration's personal data has been removed: there is no name to print.")


class CertificateAlreadyRevoked(CertificateError):
    message = _("This certificate has already been revoked.")


class RevokeReasonMissing(CertificateError):
    message = _("Say why the certificate is revoked: the reason is kept in the record.")
    field = "reason"


def _label(by: AbstractBaseUser | None, fallback: str = SYSTEM) -> str:
    return by.get_username() if by is not None and by.is_authenticated else fallback


def certificate_issue_refusal(*, seminar: Seminar) -> CertificateError | None:
    """Why no certificate of this seminar can be issued now (to anyone, by hand or in bulk), or
    None: certificates off, the seminar not ended yet, or CPD hours that are not a positive
    number. The one place this rule is written; the Certificates page shows its words."""
    if not seminar.certificates_enabled:
        return CertificatesOff()
    if not seminar.is_over:
        return CertificateSeminarNotOver(seminar)
    if seminar_cpd_hours(seminar=seminar) <= 0:
        return CertificateHoursInvalid()
    return None


def certificate_live(*, registration: Registration) -> Certificate | None:
    """The registration's certificate that counts (not revoked), if any."""
    return registration.certificates.filter(revoked_at__isnull=True).first()


@transaction.atomic
def certificate_issue(
    *,
    registration: Registration,
    by: AbstractBaseUser | None,
    override: bool = False,
    by_label: str = SYSTEM,
) -> Certificate:
    """Issue a certificate to this registration and queue the email that carries it.

    Refuses (CertificateError, in words the organiser reads) when the seminar gives no
    certificates, the person holds one already or has no name left, or does not qualify; an
    organiser issuing by hand may pass `override=True` for the last, and the audit entry
    records that the rule was overridden and what it said. `by_label` names who acted when
    `by` is no user (a bulk run: the organiser who started it).
    """
    # Lock the row so that two issues at once (a bulk run and a click) see each other's work.
    registration = (
        Registration.objects.select_for_update().select_related("seminar").get(pk=registration.pk)
    )
    seminar = registration.seminar
    if (refusal := certificate_issue_refusal(seminar=seminar)) is not None:
        raise refusal
    if registration.anonymised_at is not None:
        raise CertificateNoNames()
    if certificate_live(registration=registration) is not None:
        raise CertificateAlreadyHeld()
    qualification = registration_qualification(registration=registration)
    if not qualification.qualifies and not override:
        raise CertificateNotQualified(qualification.reason)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                registration=registration,
                name_en=registration.name_en,
                name_zh=registration.name_zh,
                hours=seminar_cpd_hours(seminar=seminar),
                issued_by_label=_label(by, by_label),
            )
    except IntegrityError:
        # Only the one-live-certificate constraint means "already held" (another issue won
        # between our look and our insert, possible only without row locks); we still hold the
        # row's lock, so look again. Any other violation is a fault, reported as itself.
        if certificate_live(registration=registration) is not None:
            raise CertificateAlreadyHeld() from None
        raise
    details = {"code": certificate.code, "hours": str(certificate.hours)}
    if not qualification.qualifies:
        details.update(overridden=True, rule_said=str(qualification.reason))
    audit_record(
        action=AuditEntry.Action.CERTIFICATE_ISSUED,
        actor=by,
        seminar=seminar,
        registration=registration,
        details=details,
        actor_label=by_label,
    )
    notification_create(
        registration=registration, kind=Notification.Kind.CERTIFICATE, certificate=certificate
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by: AbstractBaseUser | None, reason: str
) -> Certificate:
    """Revoke a certificate: the verification page says so from now on, an email not yet sent
    stays unsent, and the registration may be issued a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeReasonMissing()
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("registration__seminar")
        .get(pk=certificate.pk)
    )
    if certificate.revoked_at is not None:
        raise CertificateAlreadyRevoked()
    certificate.revoked_at = timezone.now()
    certificate.revoked_by_label = _label(by)
    certificate.revoke_reason = reason[:REVOKE_REASON_MAX]
    certificate.save(update_fields=["revoked_at", "revoked_by_label", "revoke_reason"])
    transaction.on_commit(lambda: certificate_pdf_forget(certificate=certificate))
    audit_record(
        action=AuditEntry.Action.CERTIFICATE_REVOKED,
        actor=by,
        seminar=certificate.registration.seminar,
        registration=certificate.registration,
        details={"code": certificate.code, "reason": certificate.revoke_reason},
        actor_label=SYSTEM,
    )
    return certificate


def certificate_run_active(*, seminar: Seminar) -> CertificateRun | None:
    """A run of this seminar still waiting or issuing, if any. Runs left over from a worker
    that stopped (older than RUN_STALE_AFTER) are marked failed instead: a new run picks up
    whoever they did not reach, as nobody gets a second certificate."""
    unfinished = seminar.certificate_runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
    unfinished.filter(created_at__lt=timezone.now() - RUN_STALE_AFTER).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error="Stopped without finishing (the worker was stopped?); start a new run.",
    )
    return unfinished.order_by("-created_at", "-pk").first()


@transaction.atomic
def certificates_issue_all(*, seminar: Seminar, by: AbstractBaseUser | None) -> CertificateRun:
    """Start issuing to everyone who qualifies and holds none; returns the run to watch.

    A second click while a run is waiting or under way returns that run instead of another.
    """
    seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if (refusal := certificate_issue_refusal(seminar=seminar)) is not None:
        raise refusal
    if (active := certificate_run_active(seminar=seminar)) is not None:
        return active
    run = CertificateRun.objects.create(seminar=seminar, requested_by_label=_label(by))
    transaction.on_commit(lambda: certificate_run_perform.enqueue(run_id=run.pk))
    return run


def _count(run: CertificateRun, field: str) -> None:
    CertificateRun.objects.filter(pk=run.pk).update(**{field: F(field) + 1})


def certificate_run_execute(*, run: CertificateRun) -> CertificateRun:
    """Issue to everyone the rule lets in at this moment, one registration per transaction so
    that the counters show progress and a failure keeps what was done. Safe to run twice,
    even at the same time: a person who holds one already is counted, not issued again."""
    seminar = run.seminar
    if (refusal := certificate_issue_refusal(seminar=seminar)) is not None:
        # Changed since the run was asked for: nothing can be issued, and the page says why.
        CertificateRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(refusal.message)
        )
        run.refresh_from_db()
        return run
    qualifying = list(registrations_qualifying(seminar=seminar).order_by("pk"))
    CertificateRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), qualified=len(qualifying)
    )
    try:
        for registration in qualifying:
            try:
                certificate_issue(
                    registration=registration, by=None, by_label=run.requested_by_label
                )
            except CertificateAlreadyHeld:
                _count(run, "already_held")
            except CertificateError as refusal:
                # Changed since the list was read (cancelled, certificates switched off): the
                # rule now says no, so nothing is issued; the page's lists show why.
                logger.info("Run %s skipped registration %s: %s", run.pk, registration.pk, refusal)
            else:
                _count(run, "issued")
    except Exception as error:
        logger.exception("Certificate run %s stopped", run.pk)
        CertificateRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    CertificateRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


@task()
def certificate_run_perform(*, run_id: int) -> None:
    """The worker's side of "Issue to everyone who qualifies"."""
    run = CertificateRun.objects.select_related("seminar").filter(pk=run_id).first()
    if run is None:
        logger.warning("Certificate run %s no longer exists", run_id)
        return
    if run.status != RunStatus.QUEUED:
        logger.info("Certificate run %s already %s", run_id, run.status)
        return
    certificate_run_execute(run=run)
