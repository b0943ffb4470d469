"""'Tell me when registration opens': addresses left on a seminar page before registration
opens, and the one email each gets when it does.

An OpeningAlert is neither a registration nor a registrant's Notification: it is its own outbox
row. Asking is idempotent (one row per seminar and address, whatever its case) and the reply is
the same whether or not the address was there already, so the page tells nobody who asked.

When registration opens, the scheduler queues one task per seminar (opening_alerts_schedule);
the task claims each alert with a conditional update of its attempt counter, so two schedulers
or two workers never send the same alert, sends it in its language and deletes it. A failed
send keeps the row with its error, visible to organisers, and it is tried again after 1, 2, 5,
15 and 30 minutes, then every half hour up to MAX_ATTEMPTS. A worker killed mid-send leaves a
claim that lapses after SENDING_TIMEOUT: at least once in that one case, as for every email.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from seminar.models import RegistrationState, Seminar

from .delivery import RETRY_DELAYS_MINUTES, SENDING_TIMEOUT
from .errors import RegistrationError, RegistrationRefused
from .models import OpeningAlert
from .services import email_normalise

logger = logging.getLogger(__name__)

# After this many failed sends the alert is left alone (and shown as failed) until the purge.
MAX_ATTEMPTS = 10
SUBJECT = _("Registration is open: %(title)s")


class RegistrationAlreadyOpen(RegistrationError):
    """Registration opened while the page was open: there is nothing to wait for."""

    message = _("Registration has opened: you can register now.")


def opening_alert_request(
    *, seminar: Seminar, email: str, language: str, now: datetime | None = None
) -> None:
    """Keep `email` to write to once when registration for `seminar` opens.

    Asking again for the same address (in any case) leaves one alert, in the language asked for
    last, unless it is being sent. Raises RegistrationAlreadyOpen once registration is open and
    RegistrationRefused when the seminar will not open (cancelled, over, closed).
    """
    now = now or timezone.now()
    state = seminar.availability(now=now).state
    if state in (RegistrationState.OPEN, RegistrationState.WAITLIST):
        raise RegistrationAlreadyOpen
    if state != RegistrationState.NOT_YET_OPEN or seminar.status != Seminar.Status.PUBLISHED:
        raise RegistrationRefused(state)
    email = email_normalise(email)
    # The unique index on (lower(email), seminar) settles two requests racing: one row.
    OpeningAlert.objects.bulk_create(
        [OpeningAlert(seminar=seminar, email=email, language=language, consent_at=now)],
        ignore_conflicts=True,
    )
    OpeningAlert.objects.alias(address=Lower("email")).filter(
        seminar=seminar, address=email.lower(), attempts=0
    ).update(language=language, consent_at=now)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=RETRY_DELAYS_MINUTES[min(attempts, len(RETRY_DELAYS_MINUTES)) - 1])


def _is_due(alert: OpeningAlert, now: datetime) -> bool:
    """Never tried; or failed and its back-off is over; or claimed by a worker that died."""
    if alert.sending_since is None:
        return True
    if alert.attempts >= MAX_ATTEMPTS:
        return False
    # A claim clears the error: an alert with none is being sent (or its worker died).
    wait = _retry_delay(alert.attempts) if alert.last_error else SENDING_TIMEOUT
    return alert.sending_since <= now - wait


def _maybe_due(now: datetime) -> Q:
    """Narrows the rows to look at; _is_due decides."""
    shortest = timedelta(minutes=min(RETRY_DELAYS_MINUTES))
    return Q(sending_since__isnull=True) | Q(
        attempts__lt=MAX_ATTEMPTS, sending_since__lte=now - shortest
    )


def _opened(seminar: Seminar, now: datetime) -> bool:
    return (
        seminar.status == Seminar.Status.PUBLISHED
        and seminar.availability(now=now).accepts_registrations
    )


def opening_alerts_schedule(*, now: datetime | None = None) -> int:
    """Queue the sending for each seminar whose registration has opened and that has alerts due.
    Safe to run from several schedulers at once. Returns how many seminars were queued."""
    now = now or timezone.now()
    seminar_ids = (
        OpeningAlert.objects.filter(_maybe_due(now), seminar__status=Seminar.Status.PUBLISHED)
        .filter(
            Q(seminar__registration_opens_at__isnull=True)
            | Q(seminar__registration_opens_at__lte=now)
        )
        .values_list("seminar_id", flat=True)
        .distinct()
    )
    queued = 0
    for seminar in Seminar.objects.filter(pk__in=list(seminar_ids)):
        if _opened(seminar, now):
            opening_alerts_send.enqueue(seminar_id=seminar.pk)
            queued += 1
    return queued


@task()
def opening_alerts_send(*, seminar_id: int) -> None:
    """The worker's side: send a seminar's due alerts (see opening_alerts_deliver)."""
    seminar = Seminar.objects.filter(pk=seminar_id).first()
    if seminar is None:
        logger.info("Seminar %s is gone; its alerts went with it", seminar_id)
        return
    opening_alerts_deliver(seminar=seminar)


def _claim(alert: OpeningAlert, now: datetime) -> bool:
    """Take the alert for this worker: a compare-and-set on the attempt counter, which every
    claim raises, so of two workers that read the same row only one gets it."""
    return bool(
        OpeningAlert.objects.filter(pk=alert.pk, attempts=alert.attempts).update(
            attempts=alert.attempts + 1, sending_since=now, last_error=""
        )
    )


def opening_alerts_deliver(*, seminar: Seminar, now: datetime | None = None) -> int:
    """Send the seminar's due alerts, at most EMAILS_PER_MINUTE in one run (the scheduler runs
    every minute), and delete each once sent. Nothing is sent unless registration is open now.
    Returns how many were sent."""
    now = now or timezone.now()
    if not _opened(seminar, now):
        return 0
    alerts = seminar.opening_alerts.filter(_maybe_due(now)).order_by("pk")
    if settings.EMAILS_PER_MINUTE:
        alerts = alerts[: settings.EMAILS_PER_MINUTE]
    # The message is the same for everyone asking in one language: built once per language.
    contents: dict[str, tuple[str, str, str]] = {}
    sent = 0
    for alert in alerts:
        if not _is_due(alert, now) or not _claim(alert, now):
            continue
        if alert.language not in contents:
            contents[alert.language] = opening_alert_content(
                seminar=seminar, language=alert.language
            )
        try:
            _message(contents[alert.language], alert.email).send()
        except (SMTPException, OSError) as error:
            # Kept for a retry with back-off; the organisers see the error in the admin.
            OpeningAlert.objects.filter(pk=alert.pk, attempts=alert.attempts + 1).update(
                last_error=f"{type(error).__name__}: {error}"[:2000]
            )
            logger.warning("Opening alert %s failed: %s", alert.pk, error)
            continue
        # The promise on the form: one email, then the address is gone.
        OpeningAlert.objects.filter(pk=alert.pk).delete()
        sent += 1
    return sent


def opening_alert_content(*, seminar: Seminar, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the email, in `language`."""
    with translation.override(language):
        context = {
            "seminar": seminar,
            "language": language,
            "headline": _("Registration is now open."),
            "seminar_url": settings.SITE_URL + seminar.get_absolute_url(),
            "register_url": settings.SITE_URL
            + reverse("registrations:create", kwargs={"slug": seminar.slug}),
        }
        return (
            str(SUBJECT % {"title": seminar.title}),
            render_to_string("emails/opening_alert.txt", context),
            render_to_string("emails/opening_alert.html", context),
        )


def _message(content: tuple[str, str, str], email: str) -> EmailMultiAlternatives:
    subject, text, html = content
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass(frozen=True)
class AlertCounts:
    waiting: int
    failed: int


def opening_alerts_count(*, seminar: Seminar) -> AlertCounts:
    """How many people are waiting to hear that registration opens, and how many of those the
    last attempt failed for. One query."""
    counts = seminar.opening_alerts.aggregate(
        waiting=Count("pk"), failed=Count("pk", filter=~Q(last_error=""))
    )
    return AlertCounts(waiting=counts["waiting"], failed=counts["failed"])


def opening_alerts_purge(*, now: datetime | None = None) -> int:
    """Delete the alerts of seminars that have ended: registration never opened for them, or
    their email kept failing. Returns how many went."""
    now = now or timezone.now()
    deleted, _by_model = OpeningAlert.objects.filter(seminar__ends_at__lt=now).delete()
    return deleted
