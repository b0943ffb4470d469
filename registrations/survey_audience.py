"""Who a seminar's feedback survey asks: the one rule the invitations, the survey page and the
results' response rate all read."""

from django.db.models import Q, QuerySet

from .models import Registration, Survey

# Attended: checked in at the door, or present in the imported attendance report.
ATTENDED = Q(checked_in_at__isnull=False) | Q(attended=True)


def survey_audience(*, survey: Survey) -> QuerySet[Registration]:
    """The registrations the survey asks: confirmed ones, and only those who attended unless
    the organisers ask everyone with a confirmed seat. Anonymised registrations are left out
    (their address is gone)."""
    asked = Registration.objects.filter(
        seminar_id=survey.seminar_id,
        status=Registration.Status.CONFIRMED,
        anonymised_at__isnull=True,
    )
    if survey.audience == Survey.Audience.ATTENDEES:
        asked = asked.filter(ATTENDED)
    return asked


def survey_asks(*, survey: Survey, registration: Registration) -> bool:
    """Whether this registrant is among those the survey asks (same rule, no query)."""
    if registration.seminar_id != survey.seminar_id:
        return False
    if registration.status != Registration.Status.CONFIRMED or registration.anonymised_at:
        return False
    if survey.audience == Survey.Audience.ATTENDEES:
        return bool(registration.checked_in_at or registration.attended)
    return True
