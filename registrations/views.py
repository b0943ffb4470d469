"""Public registration pages: parse, call the booking service, render."""

import time

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from config.ratelimit import ratelimit_refuse, ratelimited
from seminar.models import Seminar
from seminar.selectors import (
    seminar_mode_availability,
    seminar_organisers,
    seminar_public_queryset,
)
from seminar.tracking import tracking_params

from .calendar import calendar_ics
from .errors import DuplicateRegistration, RegistrationError, RegistrationRefused
from .forms import RegistrationForm, ResendForm, started_sign
from .models import Registration
from .questions import (
    questions_signature,
    seminar_fixed,
    seminar_questions,
)
from .selectors import registration_waitlist_position
from .services import (
    registration_create,
    registration_details_resend,
    registration_resend_by_email,
)
from .wording import pending_waitlist_note

MODE_FULL = _(
    "There are no seats left for attending this way, and no waitlist. Please choose the other "
    "way to attend."
)

# How long the "done" page can be shown again after registering: long enough to reload it,
# short enough that the next person at a shared computer cannot open it (it links to the
# registrant's private page).
DONE_PAGE_SECONDS = 10 * 60


def _now() -> float:
    # A function of its own so tests can move the clock.
    return time.time()


# The done page's memory of who just registered is a signed cookie, not the session: an
# anonymous registrant then costs no session row (a read, an insert and a commit per sign-up).
JUST_REGISTERED_SALT = "registrations.just-registered"


def _cookie_name(seminar_id: int) -> str:
    return f"registered-{seminar_id}"


def _just_registered_remember(response: HttpResponse, registration: Registration) -> None:
    value = signing.Signer(salt=JUST_REGISTERED_SALT).sign(f"{registration.pk}:{int(_now())}")
    response.set_cookie(
        _cookie_name(registration.seminar_id),
        value,
        max_age=DONE_PAGE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _just_registered(request: HttpRequest, seminar: Seminar) -> Registration | None:
    """The registration made in this browser a moment ago; forgotten after DONE_PAGE_SECONDS
    (the cookie's own expiry is the browser's to keep; the signed time is ours)."""
    try:
        value = signing.Signer(salt=JUST_REGISTERED_SALT).unsign(
            request.COOKIES.get(_cookie_name(seminar.pk), "")
        )
        pk, at = (int(part) for part in value.split(":"))
    except (signing.BadSignature, ValueError):
        return None
    if not 0 <= _now() - at <= DONE_PAGE_SECONDS:
        return None
    return Registration.objects.filter(pk=pk, seminar=seminar).first()


@ratelimited("register", refused="register_refused")
def registration_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    refusal, resend_notice = None, False
    # The seminar's own questions, and what its format settles for them (one attendance mode).
    asked = {"questions": seminar_questions(seminar=seminar), "known": seminar_fixed(seminar)}
    if request.method == "POST":
        form = RegistrationForm(request.POST, seminar=seminar, **asked)
        if form.is_valid() and form.looks_automated():
            # A bot filled the hidden field or forged the start time: answer as if all went
            # well, save nothing, and count it against the tight budget.
            ratelimit_refuse(request)
            return redirect("registrations:already_registered", slug=seminar.slug)
        if form.is_valid() and form.sent_too_soon():
            # Faster than a person types: most likely a bot, perhaps a quick hand with autofill.
            # Ask for a second send after a pause; nothing typed is lost.
            form, resend_notice = form.restarted(), True
        elif form.is_valid():
            try:
                registration = registration_create(
                    seminar=seminar, data=form.registration_data(), answers=form.answers
                )
            except DuplicateRegistration as duplicate:
                # Saying "already registered" here would tell anyone which addresses are; the
                # address's owner gets their link by email instead.
                registration_details_resend(registration=duplicate.existing, declined_too=True)
                return redirect("registrations:already_registered", slug=seminar.slug)
            except RegistrationRefused as error:
                seminar.refresh_from_db()
                if seminar.availability().accepts_registrations:
                    # A hybrid seminar's chosen mode filled up (no waitlist) while the other
                    # still takes registrations: the choice is what to change.
                    form = RegistrationForm(request.POST, seminar=seminar)
                    form.is_valid()
                    form.add_error("attendance_mode", MODE_FULL)
                else:
                    # Registration closed or filled up while the form was open: the page says
                    # why once, in place of the availability line, keeps what was typed and
                    # offers no Register button that could not work.
                    refusal = error.message
                    form.submit_withdraw()
            except RegistrationError as error:
                form.add_error(error.field, error.message)
            else:
                response = redirect("registrations:done", slug=seminar.slug)
                _just_registered_remember(response, registration)
                add_never_cache_headers(response)  # it sets the cookie that opens the done page
                return response
    elif request.GET or seminar.is_hybrid:
        # A hybrid seminar's form carries its seats left, and tracking parameters are put in
        # as the form's initial values: neither is the cached empty form.
        form = RegistrationForm(initial=tracking_params(request.GET), seminar=seminar, **asked)
    else:
        form = EmptyRegistrationForm(seminar=seminar, **asked)
    statement = collection_statement_html(seminar=seminar)
    context = {
        "seminar": seminar,
        "form": form,
        "collection_statement": statement,
        "form_html": form.html(statement) if isinstance(form, EmptyRegistrationForm) else None,
        "mode_availability": seminar_mode_availability(seminar=seminar),
        "availability": seminar.availability(),
        "refusal": refusal,
        "resend_notice": resend_notice,
    }
    return render(request, "registrations/register.html", context)


def collection_statement_html(*, seminar: Seminar) -> str:
    """The personal information collection statement for this seminar's form: it names the
    organisers (the data users) and the enquiries contact, and the retention period in force."""
    context = {
        "seminar": seminar,
        "organisers": seminar_organisers(seminar=seminar),
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
    }
    return render_to_string("registrations/_collection_statement.html", context)


# (language, seminar with questions or None) -> (questions' signature, rendered form)
_empty_forms: dict[tuple[str, int | None], tuple[str, str]] = {}
STARTED_PLACEHOLDER = "__registration_form_started__"
STATEMENT_PLACEHOLDER = "__collection_statement__"


class EmptyRegistrationForm:
    """The registration page's empty form, rendered once per language and process, and per
    seminar for seminars that ask questions of their own; the page's template asks of it only
    what an unbound form answers (no errors, its questions).

    Building and laying out the form is most of the cost of the registration page, and an empty
    form differs between visitors only in its signed start time and between seminars only in
    the collection statement, which are put in afterwards, and in their questions. A seminar's
    form is kept with a digest of its questions as loaded for this request, so an organiser's
    edit (a new question, a relabelled option) shows at once, with no signal to forget. Kept in
    process memory, so a deploy (a restart) never serves an old form; one entry per seminar and
    language, so edits do not pile up. A seminar that screens its registrations has its own
    entry too, as its button differs. The form itself is only built when its entry is missing
    or stale.
    """

    is_bound = False
    errors: dict = {}  # read by the template, never written

    def __init__(self, *, seminar: Seminar, questions: list, known: dict) -> None:
        self.seminar, self.questions_given, self.known = seminar, questions, known
        _known, self.questions = RegistrationForm.questions_carried(
            questions=questions, known=known
        )

    def html(self, collection_statement: str) -> str:
        # A screened seminar's form has a button of its own ("Send my application").
        screened = self.seminar.requires_approval
        key = (get_language(), self.seminar.pk if self.questions or screened else None)
        signature = (
            questions_signature(questions=self.questions, known=self.known)
            if self.questions
            else ""
        ) + ("screened" if screened else "")
        cached = _empty_forms.get(key)
        if cached is None or cached[0] != signature:
            form = RegistrationForm(
                seminar=self.seminar, questions=self.questions_given, known=self.known
            )
            form.fields["started"].initial = STARTED_PLACEHOLDER
            html = render_crispy_form(form, context={"collection_statement": STATEMENT_PLACEHOLDER})
            cached = _empty_forms[key] = (signature, html)
        return (
            cached[1]
            .replace(STARTED_PLACEHOLDER, started_sign())
            .replace(STATEMENT_PLACEHOLDER, collection_statement)
        )


# What the done page tells: where a registration made a moment ago stands. One cancelled or
# declined since then is shown on its private page, which says so.
DONE_PAGE_STATUSES = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.PENDING,
)


@never_cache  # it shows the private link; a shared cache must never keep it
def registration_done(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    registration = _just_registered(request, seminar)
    if registration is not None and registration.status not in DONE_PAGE_STATUSES:
        return redirect(registration)
    if registration is None:
        response = redirect(seminar)
        if _cookie_name(seminar.pk) in request.COOKIES:
            # Forgotten, not merely hidden: a cookie past its ten minutes goes.
            response.delete_cookie(_cookie_name(seminar.pk), samesite="Lax")
        return response
    context = {
        "seminar": seminar,
        "registration": registration,
        "waitlist_position": registration_waitlist_position(registration=registration),
        "pending_waitlist_note": pending_waitlist_note(registration),
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
    if seminar.status == Seminar.Status.CANCELLED:
        # Every email we could send would say the registration stands; the page says why not.
        return render(request, "registrations/resend.html", {"seminar": seminar, "form": None})
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
