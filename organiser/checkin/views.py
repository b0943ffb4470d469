"""The check-in pages. Each parses the request, calls one service or selector, and renders.

Every page works without JavaScript (plain GET search, POST forms with CSRF); static/js/checkin.js
adds search-as-you-type, the camera scanner and in-place results, asking for the same URLs with
the header `X-Requested-With: checkin` and getting fragments or JSON back.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from registrations.checkin import (
    UNDO_MINUTES,
    UNDO_REFUSED,
    CheckinResult,
    CheckinState,
    checkin_closed,
    checkin_counts,
    checkin_query_clean,
    checkin_query_too_short,
    checkin_record,
    checkin_search,
    checkin_seminars,
    checkin_undo,
    checkin_undo_allowed,
)
from registrations.errors import DuplicateRegistration, RegistrationError
from registrations.models import Registration
from registrations.views import collection_statement_html
from registrations.walk_ins import walk_in_register
from seminar.models import Seminar

from .forms import CheckinForm, SearchForm, WalkInForm

PERMISSION = "registrations.check_in"
UNDONE = _("Check-in undone.")


def checkin_staff_required(view):
    """Signed-in users with the check-in permission; others sign in (the admin's login page) or
    get a 403. Check-in staff are staff users, so the admin login lets them in; the admin itself
    shows them nothing, as their group has this one permission."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _from_script(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "checkin"


def _seminar(slug: str) -> Seminar:
    return get_object_or_404(
        Seminar.objects.exclude(format=Seminar.Format.ONLINE), slug=slug, status="published"
    )


@checkin_staff_required
def checkin_seminar_pick(request: HttpRequest) -> HttpResponse:
    return render(request, "organiser/checkin/pick.html", {"seminars": checkin_seminars()})


def _page(
    request: HttpRequest,
    seminar: Seminar,
    *,
    result: CheckinResult | None = None,
    query: str = "",
    walk_in_form: WalkInForm | None = None,
    code_form: CheckinForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    query = checkin_query_clean(query)
    results = list(checkin_search(seminar=seminar, query=query))
    context = {
        "seminar": seminar,
        "search_form": SearchForm(initial={"q": query}),
        "code_form": code_form or CheckinForm(),
        "query": query,
        "results": results,
        "too_short": checkin_query_too_short(query),
        "result": result,
        "undo": _undo_offered(request, result),
        "undo_minutes": UNDO_MINUTES,
        "counts": checkin_counts(seminar=seminar),
        "closed": checkin_closed(seminar=seminar),
        "walk_in_form": walk_in_form,
        "notice": notice,
    }
    return render(request, "organiser/checkin/page.html", context, status=status)


def _undo_offered(request: HttpRequest, result: CheckinResult | None) -> bool:
    """Undo is offered on a fresh check-in and on an "already checked in" one alike, to whoever
    may undo it (organisers at any time; the staff who checked them in, for a few minutes)."""
    return (
        result is not None
        and result.state in (CheckinState.CHECKED_IN, CheckinState.ALREADY)
        and checkin_undo_allowed(registration=result.registration, by=request.user)
    )


def _result_of_tap(seminar: Seminar, registration_id: int, user) -> CheckinResult:
    """A tap on a search result: only this seminar's registrations are looked up, so a guessed
    id of someone else's registration says "unknown code" and shows nobody."""
    registration = (
        Registration.objects.select_related("seminar")
        .filter(pk=registration_id, seminar=seminar)
        .first()
    )
    if registration is None:
        return CheckinResult(CheckinState.UNKNOWN)
    return checkin_record(seminar=seminar, registration=registration, by=user)


@checkin_staff_required
@require_http_methods(["GET", "POST"])
def checkin_page(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = _seminar(slug)
    if request.method == "GET":
        search = SearchForm(request.GET)
        query = checkin_query_clean(search.cleaned_data["q"] if search.is_valid() else "")
        if _from_script(request):
            results = checkin_search(seminar=seminar, query=query)
            context = {
                "seminar": seminar,
                "results": results,
                "query": query,
                "too_short": checkin_query_too_short(query),
                "closed": checkin_closed(seminar=seminar),
            }
            return render(request, "organiser/checkin/_results.html", context)
        return _page(request, seminar, query=query)

    form = CheckinForm(request.POST)
    query = request.POST.get("q", "")[:100]
    if not form.is_valid():
        if _from_script(request):
            return JsonResponse({"error": form.errors.get("code", [""])[0]}, status=400)
        return _page(request, seminar, query=query, code_form=form, status=400)
    if form.cleaned_data["registration"]:
        result = _result_of_tap(seminar, form.cleaned_data["registration"], request.user)
    else:
        result = checkin_record(seminar=seminar, code=form.cleaned_data["code"], by=request.user)
    if _from_script(request):
        return _result_json(request, seminar, result)
    return _page(request, seminar, result=result, query=query)


def _result_json(request: HttpRequest, seminar: Seminar, result: CheckinResult) -> JsonResponse:
    context = {
        "seminar": seminar,
        "result": result,
        "undo": _undo_offered(request, result),
        "undo_minutes": UNDO_MINUTES,
    }
    return JsonResponse(
        {
            "state": result.state,
            "ok": result.ok,
            # Which registration the banner is about, so the scanner can keep a fresh
            # "Checked in" banner when the same person's code is read again.
            "registration": result.registration.pk if result.registration else None,
            "banner": render_to_string("organiser/checkin/_banner.html", context, request=request),
            "counts": render_to_string(
                "organiser/checkin/_counts.html",
                {"counts": checkin_counts(seminar=seminar)},
                request=request,
            ),
        }
    )


@checkin_staff_required
@require_http_methods(["GET", "POST"])
def checkin_walk_in(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = _seminar(slug)
    if checkin_closed(seminar=seminar):
        # Over: no walk-in is registered (nor emailed a confirmation) for a past seminar.
        return _page(request, seminar, status=200 if request.method == "GET" else 409)
    if request.method == "GET":
        form = WalkInForm(initial={"preferred_language": get_language()})
        return _walk_in_page(request, seminar, form)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _walk_in_page(request, seminar, form, status=400)
    try:
        result = walk_in_register(
            seminar=seminar,
            data=form.registration_data(),
            by=request.user,
            waitlist_if_full=form.cleaned_data["waitlist_if_full"],
        )
    except DuplicateRegistration as duplicate:
        # Already registered: the desk can check that registration in instead.
        form.add_error(duplicate.field, duplicate.message)
        return _walk_in_page(request, seminar, form, existing=duplicate.existing, status=400)
    except RegistrationError as error:
        form.add_error(error.field, error.message)
        return _walk_in_page(request, seminar, form, status=400)
    return _page(request, seminar, result=result)


def _walk_in_page(request, seminar, form, *, existing=None, status=200) -> HttpResponse:
    context = {
        "seminar": seminar,
        "form": form,
        "existing": existing,
        # The statement the consent box says staff showed: on the page, to show it.
        "collection_statement": collection_statement_html(seminar=seminar),
    }
    return render(request, "organiser/checkin/walk_in.html", context, status=status)


@checkin_staff_required
@require_POST
def checkin_undo_view(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = _seminar(slug)
    raw = request.POST.get("registration", "")
    registration = get_object_or_404(
        Registration.objects.select_related("seminar"),
        pk=int(raw) if raw.isdigit() else 0,
        seminar=seminar,
    )
    query = registration.name_en or registration.name_zh
    try:
        checkin_undo(registration=registration, by=request.user)
    except RegistrationError as error:
        # Not allowed is a 403; already undone or the seminar over is a conflict with the state.
        status = 403 if error.message == UNDO_REFUSED else 409
        return _page(request, seminar, notice=str(error.message), query=query, status=status)
    return _page(request, seminar, notice=str(UNDONE), query=query)
