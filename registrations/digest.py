"""Organisers' daily digest of a seminar: what changed since the last one, by email.

An organiser who may view the dashboard subscribes there, in the admin's language at the time.
Every day at DIGEST_HOUR (Hong Kong time) the scheduler queues a digest for each subscription
whose day is not yet claimed; the task claims the day with a conditional update of
`covered_until` (from what it read to today's digest time), so however many schedulers and
workers run, one digest a day at most is sent.

A digest covers from the moment the last one sent was taken (`last_sent_at`; the subscription
time for the first) to the moment this one is taken. So a quiet day (no new registration,
cancellation or promotion), which sends nothing, rolls into the next digest; and so does a day
whose send failed for good or whose worker died: nothing is lost, and as only a digest actually
sent moves `last_sent_at`, nothing is counted twice. A failed send is retried with back-off
while the day stays claimed; after the last retry the claim is given back, and the next
scheduler run starts again. Digests stop the day after the seminar ends.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, Seminar

from .delivery import RETRY_DELAYS_MINUTES
from .errors import RegistrationError
from .models import AuditEntry, DigestSubscription, Registration

logger = logging.getLogger(__name__)

PERMISSION = "registrations.view_dashboard"
SUBJECT = _("Daily digest: %(title)s")


class DigestNeedsEmail(RegistrationError):
    message = _(
        "Your account has no email address, so a digest could not reach you. Ask an "
        "administrator to add one, then choose the daily digest again."
    )


def digest_subscribe(
    *,
    user: AbstractBaseUser,
    seminar: Seminar,
    language: str,
    now: datetime | None = None,
) -> DigestSubscription:
    """Start the daily digest for this organiser, or change its language if it runs already.
    The first one covers from now; refuses an account without an email address."""
    if not user.email:
        raise DigestNeedsEmail
    subscription, created = DigestSubscription.objects.get_or_create(
        user=user,
        seminar=seminar,
        # The day's digest time has passed if it is later: the first digest comes tomorrow.
        defaults={"language": language, "covered_until": now or timezone.now()},
    )
    if not created and subscription.language != language:
        subscription.language = language
        subscription.save(update_fields=["language"])
    return subscription


def digest_unsubscribe(*, user: AbstractBaseUser, seminar: Seminar) -> bool:
    """Stop it; returns False if there was none."""
    deleted, _by_model = DigestSubscription.objects.filter(user=user, seminar=seminar).delete()
    return bool(deleted)


def digest_subscription_get(
    *, user: AbstractBaseUser, seminar: Seminar
) -> DigestSubscription | None:
    return DigestSubscription.objects.filter(user=user, seminar=seminar).first()


@dataclass(frozen=True)
class SeatsLeft:
    # The attendance mode at a hybrid seminar, else "": lazy, so it reads in the language the
    # digest is written in, whichever was active when the figures were taken.
    label: str | Promise
    seats: int | None  # None: no limit


@dataclass(frozen=True)
class DigestFigures:
    since: datetime
    until: datetime
    new: int
    cancelled: int
    promoted: int
    pending: int  # awaiting approval now, however old
    seats_left: list[SeatsLeft]

    @property
    def is_quiet(self) -> bool:
        """Nothing new: no digest is sent for such a day."""
        return not (self.new or self.cancelled or self.promoted)


def digest_figures(*, seminar: Seminar, since: datetime, until: datetime) -> DigestFigures:
    """What happened at the seminar from `since` up to `until`, and where it stands. Two
    queries, however many registrations."""
    counts = seminar.registrations.aggregate(
        new=Count("pk", filter=Q(created_at__gte=since, created_at__lt=until)),
        cancelled=Count("pk", filter=Q(cancelled_at__gte=since, cancelled_at__lt=until)),
        pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
    )
    promoted = AuditEntry.objects.filter(
        seminar=seminar,
        action=AuditEntry.Action.PROMOTED,
        created_at__gte=since,
        created_at__lt=until,
    ).count()
    modes = seminar.attendance_modes if seminar.is_hybrid else [None]
    return DigestFigures(
        since=since,
        until=until,
        new=counts["new"],
        cancelled=counts["cancelled"],
        promoted=promoted,
        pending=counts["pending"],
        seats_left=[
            SeatsLeft(
                label=AttendanceMode(mode).label if mode else "",
                seats=seminar.seats_left_for(mode),
            )
            for mode in modes
        ],
    )


def digest_time(now: datetime) -> datetime | None:
    """Today's digest time (DIGEST_HOUR, Hong Kong time) once it has come, else None."""
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now, zone).date()
    due = datetime.combine(today, time(settings.DIGEST_HOUR), tzinfo=zone)
    return due if now >= due else None


def digests_schedule(*, now: datetime | None = None) -> int:
    """Queue today's digests not yet claimed, once their time has come. Safe to run from several
    schedulers: a digest queued twice is claimed once. Returns how many were queued."""
    now = now or timezone.now()
    due_at = digest_time(now)
    if due_at is None:
        return 0
    due = DigestSubscription.objects.filter(
        Q(covered_until__isnull=True) | Q(covered_until__lt=due_at),
        # The seminar's last day gets its digest the morning after, then they stop.
        seminar__ends_at__gt=due_at - timedelta(days=1),
    )
    queued = 0
    for subscription in due.only("pk", "covered_until"):
        digest_send.enqueue(
            subscription_id=subscription.pk,
            day=due_at.isoformat(),
            previous=subscription.covered_until.isoformat() if subscription.covered_until else "",
        )
        queued += 1
    return queued


@task()
def digest_send(*, subscription_id: int, day: str, previous: str, attempt: int = 0) -> str:
    """The worker's side: claim the day's digest and send it (see digest_deliver)."""
    return digest_deliver(
        subscription_id=subscription_id,
        day=parse_datetime(day),
        previous=parse_datetime(previous) if previous else None,
        attempt=attempt,
    )


def digest_may_receive(user: AbstractBaseUser) -> bool:
    """Only someone who may still see the dashboard gets its figures by email."""
    return bool(user.is_active and user.is_staff and user.email and user.has_perm(PERMISSION))


def digest_deliver(
    *,
    subscription_id: int,
    day: datetime,
    previous: datetime | None,
    attempt: int = 0,
    now: datetime | None = None,
) -> str:
    """Claim `day`'s digest (moving covered_until from `previous` to `day`) and send it if
    there is anything new. A retry (`attempt` > 0) holds the claim already. Returns what
    happened: "sent", "quiet", "taken" (claimed by another), "not allowed" or "failed"."""
    now = now or timezone.now()
    subscriptions = DigestSubscription.objects.filter(pk=subscription_id)
    if attempt == 0:
        claimed = subscriptions.filter(covered_until=previous).update(covered_until=day)
    else:
        claimed = subscriptions.filter(covered_until=day).exists()
    if not claimed:
        return "taken"
    subscription = subscriptions.select_related("user", "seminar").first()
    if subscription is None:
        return "taken"  # stopped a moment ago
    if not digest_may_receive(subscription.user):
        return "not allowed"
    figures = digest_figures(
        seminar=subscription.seminar,
        since=subscription.last_sent_at or subscription.created_at,
        until=now,
    )
    if figures.is_quiet:
        return "quiet"
    try:
        digest_message(subscription=subscription, figures=figures).send()
    except (SMTPException, OSError) as error:
        logger.warning("Digest %s failed (attempt %d): %s", subscription.pk, attempt + 1, error)
        _retry_or_release(subscription, day=day, previous=previous, attempt=attempt, now=now)
        return "failed"
    subscriptions.update(last_sent_at=now)
    return "sent"


def _retry_or_release(
    subscription: DigestSubscription,
    *,
    day: datetime,
    previous: datetime | None,
    attempt: int,
    now: datetime,
) -> None:
    if attempt < len(RETRY_DELAYS_MINUTES) and default_task_backend.supports_defer:
        digest_send.using(run_after=now + timedelta(minutes=RETRY_DELAYS_MINUTES[attempt])).enqueue(
            subscription_id=subscription.pk,
            day=day.isoformat(),
            previous=previous.isoformat() if previous else "",
            attempt=attempt + 1,
        )
        return
    # Given back: the next scheduler run claims the day again and starts over.
    DigestSubscription.objects.filter(pk=subscription.pk, covered_until=day).update(
        covered_until=previous
    )


def digest_message(
    *, subscription: DigestSubscription, figures: DigestFigures
) -> EmailMultiAlternatives:
    """The digest in the organiser's chosen language, with a link to the dashboard."""
    seminar, user = subscription.seminar, subscription.user
    with translation.override(subscription.language):
        path = reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
        context = {
            "seminar": seminar,
            "language": subscription.language,
            "figures": figures,
            "name": user.get_full_name() or user.get_username(),
            "headline": SUBJECT % {"title": seminar.title},
            "dashboard_url": settings.SITE_URL + path,
            "digest_hour": settings.DIGEST_HOUR,
            "screened": seminar.requires_approval or figures.pending,
        }
        message = EmailMultiAlternatives(
            subject=str(SUBJECT % {"title": seminar.title}),
            body=render_to_string("emails/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
    return message
