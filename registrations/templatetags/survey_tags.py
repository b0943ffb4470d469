"""The registrant's page's "Feedback survey" card, in one tag, so that the shared manage.html
carries one line for it."""

from django import template
from django.utils import timezone

from registrations.models import Registration
from registrations.surveys import SurveyStage, registration_survey, survey_state

register = template.Library()


@register.inclusion_tag("registrations/_survey_card.html")
def survey_section(registration: Registration) -> dict:
    """Shown while the survey asks this registrant and is open ("Answer by ..."), or after they
    answered ("Thank you"). One query at a seminar without a survey, three with one."""
    survey = registration_survey(registration=registration)
    state = survey_state(survey=survey, registration=registration, now=timezone.now())
    shown = state.stage in (SurveyStage.OPEN, SurveyStage.ANSWERED) or state.answered
    return {"shown": shown, "state": state, "registration": registration}
