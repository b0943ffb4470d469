"""The registrant's feedback survey page, reached through the private token like their own page.

GET shows what survey_state() says: the form while it may be answered (with the earlier answers
when the survey keeps names and `?change` asks for them), else a page saying why not. A POST
stores through survey_response_submit() and comes back to the same address (post, redirect,
get), where the thank-you shows.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from config.ratelimit import ratelimited

from .errors import RegistrationError
from .models import Registration
from .survey_form import SurveyForm, survey_posted_answers
from .surveys import (
    SurveyStage,
    registration_survey,
    survey_questions,
    survey_refusal,
    survey_response_of,
    survey_response_submit,
    survey_state,
)


def _registration_get(token: str) -> Registration:
    registration = Registration.objects.select_related("seminar").filter(token=token).first()
    if registration is None:
        raise Http404("No registration with this link.")
    return registration


def _private(response: HttpResponse) -> HttpResponse:
    # Personal data behind a secret URL: out of shared caches and search engines, and the
    # address (which is the key) never sent to another site in a Referer header. Not
    # "no-referrer": with it browsers post the form with "Origin: null", which Django's CSRF
    # check rightly refuses.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def survey_respond_view(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_get(token)
    survey = registration_survey(registration=registration)
    state = survey_state(survey=survey, registration=registration, now=timezone.now())
    context = {"registration": registration, "seminar": registration.seminar, "state": state}
    if survey is None:
        # The seminar asks no feedback: a clear page, but not one that exists.
        return _private(render(request, "registrations/survey.html", context, status=404))
    form = None
    if request.method == "POST" and not state.can_answer:
        # Closed, or sent anonymously, while the page was open: say why on this page, with
        # what they typed shown back (a redirect would lose it), and that it was not saved.
        context["refusal"] = survey_refusal(state)
        context["unsaved"] = survey_posted_answers(
            questions=survey_questions(survey=survey), data=request.POST
        )
        return _private(render(request, "registrations/survey.html", context))
    if request.method == "POST":
        questions = survey_questions(survey=survey)
        form = SurveyForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                survey_response_submit(
                    survey=survey, registration=registration, answers=form.answers
                )
            except RegistrationError as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    form.add_error(None, error.message)
            else:
                # The page's thank-you says it; a change is said in its own words there.
                url = reverse("registrations:survey", kwargs={"token": registration.token})
                return redirect(f"{url}?saved" if state.stage == SurveyStage.ANSWERED else url)
    elif state.stage == SurveyStage.OPEN or (
        state.stage == SurveyStage.ANSWERED and state.editable and "change" in request.GET
    ):
        response = survey_response_of(survey=survey, registration=registration)
        form = SurveyForm(
            questions=survey_questions(survey=survey),
            response_answers=list(response.answers.all()) if response else [],
        )
    context["form"] = form
    context["changes_saved"] = "saved" in request.GET and state.stage == SurveyStage.ANSWERED
    return _private(render(request, "registrations/survey.html", context))
