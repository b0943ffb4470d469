"""Emailing each person a feedback survey asks their personal link, once.

The scheduler calls surveys_invite_due() every run. For each open survey (marked ready by an
organiser) with invitations on, once the seminar has ended (max(opens, seminar end)),
it writes one SURVEY outbox row for everyone in the audience (survey_audience.py) who has none
yet and has not answered, in batches, and the outbox sends them at the throttled rate. Looking
again every run is what reaches people who join the audience later, typically online
attendees when the platform's attendance report is imported after the first invitations went:
the next run finds them without an invitation and writes theirs. It costs one query per open
survey per run. Notification's one-survey-invitation-per-registration constraint keeps it
exactly-once however many schedulers run at the same moment.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .delivery import notifications_queue
from .models import Notification, Survey, SurveyParticipation, SurveyQuestion
from .survey_audience import survey_audience
from .surveys import surveys_open

INVITATION_BATCH = 1000


def surveys_invite_due(*, now: datetime | None = None) -> int:
    """Queue the invitations due at `now`; returns how many were written."""
    now = now or timezone.now()
    has_questions = Exists(SurveyQuestion.objects.filter(survey=OuterRef("pk")))
    surveys = (
        surveys_open(now=now)
        # Never before the seminar has ended, even when the survey opens earlier: an
        # invitation thanks people for coming (the page itself opens at `opens`).
        .filter(invitations_enabled=True, seminar__ends_at__lte=now)
        .filter(has_questions)
        .select_related("seminar")
    )
    return sum(survey_invitations_queue(survey=survey, now=now) for survey in surveys)


def survey_invitations_queue(*, survey: Survey, now: datetime) -> int:
    """One invitation each to the audience members who have none and have not answered; marks
    when the invitations first went (invitations_queued_at)."""
    invited = Notification.objects.filter(
        registration=OuterRef("pk"), kind=Notification.Kind.SURVEY, recipient=""
    )
    answered = SurveyParticipation.objects.filter(survey=survey, registration=OuterRef("pk"))
    waiting = (
        survey_audience(survey=survey)
        .exclude(Exists(invited))
        .exclude(Exists(answered))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(waiting)
    for start in range(0, len(ids), INVITATION_BATCH):
        with transaction.atomic():
            notifications_queue(
                notifications=[
                    Notification(registration_id=pk, kind=Notification.Kind.SURVEY)
                    for pk in ids[start : start + INVITATION_BATCH]
                ],
                now=now,
            )
    if ids and survey.invitations_queued_at is None:
        Survey.objects.filter(pk=survey.pk, invitations_queued_at__isnull=True).update(
            invitations_queued_at=now
        )
    return len(ids)
