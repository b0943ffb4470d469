"""Public registration pages: parse, call the booking service, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from seminar.selectors import seminar_public_queryset

from .forms import RegistrationForm, tracking_params
from .models import Registration
from .selectors import registration_waitlist_position
from .services import DuplicateRegistration, RegistrationRefused, registration_create


def _session_key(seminar_id: int) -> str:
    return f"registration:{seminar_id}"


def registration_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = registration_create(seminar=seminar, data=form.registration_data())
            except RegistrationRefused as refusal:
                # Registration closed or filled up while the form was open: say so and keep
                # everything typed.
                form.add_error(None, refusal.message)
            except DuplicateRegistration:
                return redirect("registrations:already_registered", slug=seminar.slug)
            else:
                request.session[_session_key(seminar.pk)] = registration.pk
                return redirect("registrations:done", slug=seminar.slug)
    else:
        form = RegistrationForm(initial=tracking_params(request.GET))
    context = {"seminar": seminar, "form": form, "availability": seminar.availability()}
    return render(request, "registrations/register.html", context)


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
