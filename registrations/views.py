"""Public registration pages: parse, call the booking service, render."""

from crispy_forms.utils import render_crispy_form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from config.ratelimit import ratelimit_refuse, ratelimited
from seminar.selectors import seminar_public_queryset
from seminar.tracking import tracking_params

from .calendar import calendar_ics
from .errors import DuplicateRegistration, RegistrationError
from .forms import RegistrationForm, ResendForm
from .models import Registration
from .selectors import registration_waitlist_position
from .services import (
    registration_create,
    registration_details_resend,
    registration_resend_by_email,
)


def _session_key(seminar_id: int) -> str:
    return f"registration:{seminar_id}"


@ratelimited("register", refused="register_refused")
def registration_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid() and form.looks_automated():
            # A bot filled the hidden field or answered faster than a person can: answer as if
            # all went well, save nothing, and count it against the tight budget.
            ratelimit_refuse(request)
            return redirect("registrations:already_registered", slug=seminar.slug)
        if form.is_valid():
            try:
                registration = registration_create(seminar=seminar, data=form.registration_data())
            except DuplicateRegistration as duplicate:
                # Saying "already registered" here would tell anyone which addresses are; the
                # address's owner gets their link by email instead.
                registration_details_resend(registration=duplicate.existing)
                return redirect("registrations:already_registered", slug=seminar.slug)
            except RegistrationError as error:
                # Registration closed or filled up while the form was open: say so and keep
                # everything typed.
                form.add_error(error.field, error.message)
            else:
                request.session[_session_key(seminar.pk)] = registration.pk
                return redirect("registrations:done", slug=seminar.slug)
    else:
        form = RegistrationForm(initial=tracking_params(request.GET))
    context = {
        "seminar": seminar,
        "form": form,
        "form_html": None if form.is_bound or request.GET else empty_form_html(form),
        "availability": seminar.availability(),
    }
    return render(request, "registrations/register.html", context)


_empty_forms: dict[str, str] = {}
STARTED_PLACEHOLDER = "__registration_form_started__"


def empty_form_html(form: RegistrationForm) -> str:
    """The empty form, rendered once per language and process.

    Laying out the form is most of the cost of the registration page, and an empty form differs
    between visitors only in its signed start time, which is put in afterwards. Kept in process
    memory, so a deploy (a restart) never serves an old form.
    """
    language = get_language()
    if language not in _empty_forms:
        started = form.fields["started"].initial
        form.fields["started"].initial = STARTED_PLACEHOLDER
        _empty_forms[language] = render_crispy_form(form)
        form.fields["started"].initial = started
    return _empty_forms[language].replace(STARTED_PLACEHOLDER, form.fields["started"].initial)


def registration_done(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    registration_pk = request.session.get(_session_key(seminar.pk))
    registration = Registration.objects.filter(pk=registration_pk, seminar=seminar).first()
    if registration is None:
        return redirect(seminar)
    context = {
        "seminar": seminar,
        "registration": registration,
        "waitlist_position": registration_waitlist_position(registration=registration),
    }
    return render(request, "registrations/done.html", context)


def registration_already_registered(request: HttpRequest, slug: str) -> HttpResponse:
    """The same answer whether or not the address was registered, so it reveals nothing."""
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    return render(request, "registrations/already_registered.html", {"seminar": seminar})


@ratelimited("resend")
def registration_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Resend my link": the answer is the same whether or not the address is registered."""
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    if request.method == "POST":
        form = ResendForm(request.POST)
        if form.is_valid():
            registration_resend_by_email(seminar=seminar, email=form.cleaned_data["email"])
            return redirect("registrations:already_registered", slug=seminar.slug)
    else:
        form = ResendForm()
    return render(request, "registrations/resend.html", {"seminar": seminar, "form": form})


def seminar_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The public calendar entry: no join link, which only registrants get."""
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    response = HttpResponse(
        calendar_ics(seminar=seminar), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{seminar.slug}.ics"'
    return response
