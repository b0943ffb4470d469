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

from .answer_notices import (
    answers_removed_notices,
    details_warnings,
    mode_switch_notices,
    questions_asked_notice,
    questions_quoted,
)
from .answers import (
    AnswersState,
    answers_change,
    answers_editable,
    registration_answers_given,
    registration_answers_state,
    registration_answers_update,
    registration_questions,
)
from .calendar import calendar_ics
from .errors import RegistrationError
from .forms import AnswersForm, RegistrantDetailsForm
from .models import CONDITION_FIELDS, Question, Registration
from .questions import questions_applicable, registration_fixed
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
        **_answers_context(registration),
    }
    return _private(render(request, "registrations/manage.html", context))


def _answers_context(registration: Registration) -> dict:
    """The private page's "Your answers": what is held, whether it can still be changed, the
    questions that apply and still want an answer, and, once registration has closed, that
    answers are frozen (the section would otherwise lose its button without a word)."""
    answers = registration_answers_given(registration=registration)
    editable = answers_editable(registration=registration)
    state = registration_answers_state(registration=registration)
    # The questions the answers page would carry (registration_questions), from the same load.
    askable = questions_applicable(
        questions=state.questions, known=registration_fixed(registration)
    )
    return {
        "answers": answers,
        "answered_any": bool(state.answered),
        "can_change_answers": editable and bool(askable),
        # A required question that applies and has no answer (after a switch to online, say).
        "answers_missing": questions_quoted(
            question
            for question in state.unanswered
            if editable and (question.required or question.kind == Question.Kind.DECLARATION)
        ),
        "answers_frozen": _answers_frozen(registration) and bool(answers or state.unanswered),
    }


def _answers_frozen(registration: Registration) -> bool:
    """Registration has closed on a registration that stands: answers are kept, not changed
    (a cancelled seminar or registration has nothing left to answer for)."""
    return (
        registration.is_active
        and not _seminar_cancelled(registration.seminar)
        and not answers_editable(registration=registration)
    )


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
    if registration.checked_in_at is not None:  # in the room: registration_mode_change refuses
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
    before = registration_answers_state(registration=registration)
    if request.method == "POST":
        try:
            registration = registration_mode_change(registration=registration, mode=switch.mode)
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _mode_changed_message(registration, switch))
            return _answers_change_announce(request, registration, before, mode=switch.phrase)
        return redirect(registration)
    # What the switch would do to the answers: said before the registrant confirms it.
    preview = registration_answers_state(
        registration=registration, changes={"attendance_mode": switch.mode}
    )
    context = {
        "registration": registration,
        "seminar": registration.seminar,
        "switch": switch,
        "answers_notices": mode_switch_notices(
            answers_change(before=before, after=preview), mode=switch.phrase
        ),
    }
    return _private(render(request, "registrations/mode_change.html", context))


def _answers_change_announce(
    request: HttpRequest, registration: Registration, before: AnswersState, *, mode: str = ""
) -> HttpResponse:
    """After a change of details or attendance mode: say which answers were removed and why,
    and send the registrant to the answers page when questions now apply with no answer (while
    registration is open; after, say whom to ask). `mode` is the new mode's phrase ("online")
    after a switch."""
    after = registration_answers_state(registration=registration)
    change = answers_change(before=before, after=after)
    for notice in answers_removed_notices(change, questions=before.questions, mode=mode):
        messages.info(request, notice)
    editable = answers_editable(registration=registration)
    asked = questions_asked_notice(change, editable=editable, mode=mode)
    if not asked:
        return redirect(registration)
    messages.warning(request, asked)
    if editable:
        return redirect("registrations:answers", token=registration.token)
    return redirect(registration)


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
    before = registration_answers_state(registration=registration)
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
                return _answers_change_announce(request, update.registration, before)
    else:
        form = RegistrantDetailsForm(instance=registration)
    # Which answers hang on a field of this form, said before anything is changed.
    labels = {
        name: str(form.fields[name].label) for name in CONDITION_FIELDS if name in form.fields
    }
    context = {
        "registration": registration,
        "seminar": registration.seminar,
        "form": form,
        "answers_warnings": details_warnings(before, labels=labels),
        "answers_frozen": _answers_frozen(registration),
    }
    return _private(render(request, "registrations/edit.html", context))


@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def registration_answers_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant changes their answers to the seminar's questions while registration is
    open; the same conditions apply as on the registration form."""
    registration = _registration_get(token)
    if not answers_editable(registration=registration):
        if not _answers_frozen(registration):
            return redirect(registration)
        # A bookmarked link or an old tab after registration closed: say why nothing can be
        # changed, with the answers as they stand, rather than a silent redirect.
        context = {
            "registration": registration,
            "seminar": registration.seminar,
            "answers": registration_answers_given(registration=registration),
            "answers_frozen": True,
        }
        return _private(render(request, "registrations/answers.html", context))
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
    context = {
        "registration": registration,
        "seminar": registration.seminar,
        "form": form,
        # Nothing answered yet: the page invites answers rather than changes.
        "first_answers": not initial,
    }
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
