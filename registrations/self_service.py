"""The registrant's own pages, reached only through the private token in their emails.

The token is looked up whole (a unique index), never compared piecemeal, so a wrong, truncated or
foreign token costs the same as any miss and gives the same 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from config.ratelimit import ratelimited
from seminar.models import AttendanceMode, Availability, RegistrationState, Seminar

from .answers import (
    answers_editable,
    registration_answers_given,
    registration_answers_update,
    registration_questions,
)
from .calendar import calendar_ics
from .errors import RegistrationError
from .forms import AnswersForm, RegistrantDetailsForm
from .models import Registration
from .questions import registration_fixed
from .selectors import registration_email_change_find, registration_waitlist_position
from .services import (
    DetailsUpdate,
    registration_cancel,
    registration_email_confirm,
    registration_mode_change,
    registration_update,
)
from .wording import pending_waitlist_note


def _registration_get(token: str) -> Registration:
    registration = Registration.objects.select_related("seminar").filter(token=token).first()
    if registration is None:
        raise Http404("No registration with this link.")
    return registration


def _seminar_cancelled(seminar: Seminar) -> bool:
    return seminar.status == Seminar.Status.CANCELLED


def _private(response: HttpResponse) -> HttpResponse:
    # Personal data behind a secret URL: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_get(token)
    seminar = registration.seminar
    can_change = registration.is_active and not seminar.is_over
    context = {
        "registration": registration,
        "seminar": seminar,
        "waitlist_position": registration_waitlist_position(registration=registration),
        "show_join_details": registration.seat_is_confirmed and seminar.join_details_visible(),
        # Details can still be corrected after a cancellation by the organisers; there is
        # nothing left to cancel.
        "can_change": can_change,
        "can_cancel": can_change and not _seminar_cancelled(seminar),
        "mode_switch": _mode_switch(registration),
        "pending_waitlist_note": pending_waitlist_note(registration),
        "answers": registration_answers_given(registration=registration),
        "can_change_answers": answers_editable(registration=registration)
        and bool(registration_questions(registration=registration)[0]),
    }
    return _private(render(request, "registrations/manage.html", context))


# How someone attends, to follow a verb ("attend online", "改為網上參與").
MODE_PHRASES = {
    AttendanceMode.IN_PERSON: pgettext_lazy("to attend ...", "in the room"),
    AttendanceMode.ONLINE: pgettext_lazy("to attend ...", "online"),
}


@dataclass(frozen=True)
class ModeSwitch:
    """The other way to attend a hybrid seminar, and whether it takes the registrant now."""

    mode: str
    availability: Availability
    current_mode: str

    @property
    def phrase(self) -> str:
        return str(MODE_PHRASES[self.mode])

    @property
    def current_phrase(self) -> str:
        return str(MODE_PHRASES[self.current_mode])

    @property
    def possible(self) -> bool:
        return self.availability.accepts_registrations


def _mode_switch(registration: Registration) -> ModeSwitch | None:
    """What the registrant's page offers about attending the other way: None where there is no
    other way or registration has closed (registration_mode_change refuses registrants then);
    otherwise the other mode's availability, which may be full without a waitlist."""
    seminar = registration.seminar
    if not seminar.is_hybrid or not registration.is_active or _seminar_cancelled(seminar):
        return None
    mode = next(mode for mode in seminar.attendance_modes if mode != registration.attendance_mode)
    availability = seminar.availability(mode=mode)
    offered = (RegistrationState.OPEN, RegistrationState.WAITLIST, RegistrationState.FULL)
    if availability.state not in offered:
        return None
    return ModeSwitch(
        mode=mode, availability=availability, current_mode=registration.attendance_mode
    )


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_mode_change_view(request: HttpRequest, token: str) -> HttpResponse:
    """At a hybrid seminar: GET says plainly what attending the other way would do (a seat
    there, or its waitlist and giving up the seat held now); only a POST switches."""
    registration = _registration_get(token)
    switch = _mode_switch(registration)
    if switch is None:
        return redirect(registration)
    if request.method == "POST":
        try:
            registration = registration_mode_change(registration=registration, mode=switch.mode)
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _mode_changed_message(registration, switch))
        return redirect(registration)
    context = {"registration": registration, "seminar": registration.seminar, "switch": switch}
    return _private(render(request, "registrations/mode_change.html", context))


def _mode_changed_message(registration: Registration, switch: ModeSwitch) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("You now attend %(mode)s, and your seat is confirmed.") % {"mode": switch.phrase}
    if registration.status == Registration.Status.WAITLISTED:
        return _("You now attend %(mode)s and are number %(position)d on its waitlist.") % {
            "mode": switch.phrase,
            "position": registration_waitlist_position(registration=registration),
        }
    return _("You now ask to attend %(mode)s. Your registration is still under review.") % {
        "mode": switch.phrase
    }


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_edit(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_get(token)
    if not registration.is_active or registration.seminar.is_over:
        return redirect(registration)
    if request.method == "POST":
        form = RegistrantDetailsForm(
            request.POST, instance=Registration.objects.get(pk=registration.pk)
        )
        if form.is_valid():
            try:
                update = registration_update(
                    registration=registration, data=form.registration_data()
                )
            except RegistrationError as error:
                form.add_error(error.field, error.message)
            else:
                _update_announce(request, update)
                return redirect(registration)
    else:
        form = RegistrantDetailsForm(instance=registration)
    context = {"registration": registration, "seminar": registration.seminar, "form": form}
    return _private(render(request, "registrations/edit.html", context))


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_answers_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant changes their answers to the seminar's questions while registration is
    open; the same conditions apply as on the registration form."""
    registration = _registration_get(token)
    if not answers_editable(registration=registration):
        return redirect(registration)
    questions, initial = registration_questions(registration=registration)
    if not questions:
        return redirect(registration)
    known = registration_fixed(registration)
    if request.method == "POST":
        form = AnswersForm(request.POST, questions=questions, known=known)
        if form.is_valid():
            try:
                registration_answers_update(registration=registration, answers=form.answers)
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your answers have been saved."))
                return redirect(registration)
    else:
        form = AnswersForm(questions=questions, known=known, initial=initial)
    context = {"registration": registration, "seminar": registration.seminar, "form": form}
    return _private(render(request, "registrations/answers.html", context))


def _update_announce(request: HttpRequest, update: DetailsUpdate) -> None:
    """Say on the registrant's page what happened to what they sent."""
    if update.changed or not update.email_pending:
        messages.success(request, _("Your changes have been saved."))
    if update.email_pending:
        # The same words whether or not the new address is registered already (see
        # registration_update).
        messages.info(
            request,
            _(
                "We have sent a confirmation link to the new email address. The change takes "
                "effect when the link is opened; until then we keep writing to your current "
                "address."
            ),
        )


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_email_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new address. GET asks; only a POST confirms, because mail scanners
    and link previews open links on their own."""
    context: dict = {"token": token}
    try:
        registration = registration_email_change_find(token=token)
        context.update(registration=registration, seminar=registration.seminar)
        if request.method == "POST":
            registration = registration_email_confirm(token=token)
            context.update(registration=registration, confirmed=True)
    except RegistrationError as error:
        context["error"] = error.message
    return _private(render(request, "registrations/email_confirm.html", context))


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; only a POST cancels (link scanners and prefetchers send GETs)."""
    registration = _registration_get(token)
    seminar_cancelled = _seminar_cancelled(registration.seminar)
    if request.method == "POST" and registration.is_active and not seminar_cancelled:
        registration_cancel(registration=registration)
        return redirect(registration)
    if not registration.is_active:
        return redirect(registration)
    context = {
        "registration": registration,
        "seminar": registration.seminar,
        "waitlist_position": registration_waitlist_position(registration=registration),
    }
    return _private(render(request, "registrations/cancel.html", context))


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_get(token)
    response = HttpResponse(
        calendar_ics(seminar=registration.seminar, registration=registration),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="seminar.ics"'
    return _private(response)
