"""Removing registrants' personal data once it is no longer needed (PDPO data principle 2).

What identifies a person goes; what the dashboard and the post-event summary count stays:
status, participant type, organisation size, region, industry, language, how they heard,
registration source, attendance and the dates, and the answers to questions not marked as
personal data.

Feedback survey responses stay counted in the results but lose their link to the registration
(registration=None), as anonymous responses never had one: the answers, and the participant
type, region and language copied onto the response, remain. The "has answered" marker
(SurveyParticipation) stays with the anonymised registration and says nothing about what was
answered.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from seminar.models import Seminar

from .attendance_import import attendance_previews_expire
from .models import (
    IDENTIFYING_FIELDS,
    Answer,
    AttendanceImport,
    AuditEntry,
    Notification,
    Registration,
    SurveyResponse,
    WebhookDelivery,
    checkin_code_generate,
    token_generate,
)
from .opening_alerts import opening_alerts_purge
from .webhooks import webhook_anonymised_record

# Replaced rather than cleared: they must stay unique (and old links must stop working).
REPLACED = ("email", "token", "join_token", "checkin_code")
# Cleared ("" or None).
CLEARED = {
    name: None if Registration._meta.get_field(name).null else ""
    for name in IDENTIFYING_FIELDS
    if name not in REPLACED
}


@dataclass(frozen=True)
class PurgeReport:
    seminars: list[str]
    registrations: int
    # "Tell me when registration opens" addresses of seminars that have ended.
    opening_alerts: int = 0


def personal_data_purge(*, now: datetime | None = None, days: int | None = None) -> PurgeReport:
    """Anonymise the registrations of seminars that ended more than `days` ago.

    Safe to run any number of times: registrations already anonymised are left alone, so a
    second run reports nothing. Emails are replaced by a placeholder that keeps the one-active-
    registration-per-email rule satisfied, tokens are replaced so old private links stop working,
    a pending email change is dropped (its link stops working), and the emails log, the
    organisers' notes in it and audit details that could name the person are removed, with the
    answers to questions marked as personal data. Every registration is covered whatever its
    status, pending and declined ones included. The addresses left to hear when registration
    opens are deleted as soon as their seminar has ended.
    """
    now = now or timezone.now()
    days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    waiting = Registration.objects.filter(anonymised_at__isnull=True).values("seminar_id")
    seminars = list(Seminar.objects.filter(ends_at__lt=cutoff, pk__in=waiting))
    total = 0
    for seminar in seminars:
        with transaction.atomic():
            registrations = list(
                seminar.registrations.filter(anonymised_at__isnull=True).select_for_update()
            )
            for registration in registrations:
                for field, empty in CLEARED.items():
                    setattr(registration, field, empty)
                registration.email = f"anonymised-{registration.pk}@invalid"
                registration.token = token_generate()
                registration.join_token = token_generate()
                registration.checkin_code = checkin_code_generate()
                registration.news_opt_in = False
                registration.email_pending_since = None  # no change can be pending any more
                registration.anonymised_at = now
                # A sync by updated_at (the API) then learns to drop its copy of the person.
                registration.updated_at = now
            Registration.objects.bulk_update(
                registrations,
                [
                    *CLEARED,
                    *REPLACED,
                    "news_opt_in",
                    "email_pending_since",
                    "anonymised_at",
                    "updated_at",
                ],
                batch_size=1000,
            )
            # An email's own recipient is set when it went to an address other than the
            # registration's (an email change); an organiser's note (why a registration was
            # declined) may name the person or what they told the organisers.
            Notification.objects.filter(registration__in=registrations).update(
                last_error="", recipient="", note=""
            )
            AuditEntry.objects.filter(registration__in=registrations).update(details={})
            # What webhooks posted (or were to post) named the person; the rows stay as the
            # record that something was sent, and one not yet sent never will be.
            deliveries = WebhookDelivery.objects.filter(registration__in=registrations)
            deliveries.update(payload={}, last_error="")
            # Receivers that asked are told to drop their copy (a payload naming nobody).
            webhook_anonymised_record(seminar=seminar, registrations=registrations)
            # Answers to questions marked as personal data (a membership number) go; the other
            # answers name nobody once the person's details are gone, and stay counted.
            Answer.objects.filter(
                registration__in=registrations, question__personal_data=True
            ).delete()
            # Survey answers stay in the results, no longer linked to anyone (see above).
            SurveyResponse.objects.filter(registration__in=registrations).update(registration=None)
            # The uploaded reports hold the platform's names and emails; the per-registration
            # changes (for undoing an import) name nobody and stay.
            AttendanceImport.objects.filter(seminar=seminar).update(report={})
            total += len(registrations)
    # An alert's address serves nothing once the seminar is over, so it goes then, without
    # waiting for the retention period.
    alerts = opening_alerts_purge(now=now)
    return PurgeReport(
        seminars=[seminar.slug for seminar in seminars],
        registrations=total,
        opening_alerts=alerts,
    )


@task()
def personal_data_purge_daily() -> int:
    """The daily clean-up, enqueued by the scheduler; returns how many it anonymised. Attendance
    previews nobody confirmed go too, with the names and emails of their reports."""
    attendance_previews_expire()
    return personal_data_purge().registrations
