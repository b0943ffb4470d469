"""The email inviting a registrant to the feedback survey, and whether it still applies when
its turn comes in the outbox.

Built when sent, in the registrant's language: the organisers' own opening words (EmailText for
the survey kind), the closing time, what anonymity means when the survey is anonymous, and the
personal link to the survey page (the private token: it opens only this registrant's survey).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .email_parts import EmailParts
from .models import Notification, Survey, SurveyParticipation
from .survey_audience import survey_asks


def survey_invitation_still_applies(notification: Notification) -> bool:
    """Send only while the survey is open and still asks the registrant, who has not answered
    yet (an attendee who answered through their private page first needs no reminder)."""
    registration = notification.registration
    survey = Survey.objects.select_related("seminar").filter(seminar_id=registration.seminar_id)
    survey = survey.first()
    now = timezone.now()
    if survey is None or not survey.is_open(now=now) or now < survey.effective_invitations_at:
        return False
    if not survey_asks(survey=survey, registration=registration):
        return False
    answered = SurveyParticipation.objects.filter(survey=survey, registration=registration)
    return not answered.exists()


def survey_message_build(
    *, notification: Notification, parts: EmailParts | None = None
) -> EmailMultiAlternatives:
    registration = notification.registration
    seminar = registration.seminar
    survey = parts.get(("survey", seminar.pk), lambda: seminar.survey) if parts else seminar.survey
    parts = parts or EmailParts()
    with translation.override(registration.preferred_language):
        path = reverse("registrations:survey", kwargs={"token": registration.token})
        context = {
            "parts": parts,
            "registration": registration,
            "seminar": seminar,
            "survey": survey,
            "attended": survey.audience == Survey.Audience.ATTENDEES,
            "headline": gettext("Tell us what you thought"),
            "intro": parts.intro(seminar=seminar, kind=notification.kind),
            "survey_url": settings.SITE_URL + path,
            "closes_at": survey.effective_closes_at,
        }
        subject = gettext("Feedback survey: %(title)s") % {"title": seminar.title}
        text = render_to_string("emails/survey.txt", context)
        html = render_to_string("emails/survey.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
