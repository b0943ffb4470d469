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
    CheckinResult,
    checkin_counts,
    checkin_record,
    checkin_search,
    checkin_seminars,
    checkin_undo,
    checkin_undo_allowed,
)
from registrations.errors import DuplicateRegistration, RegistrationError
from registrations.models import Registration
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
    results = list(checkin_search(seminar=seminar, query=query))
    context = {
        "seminar": seminar,
        "search_form": SearchForm(initial={"q": query}),
        "code_form": code_form or CheckinForm(),
        "query": query,
        "results": results,
        "result": result,
        "undo": result is not None
        and result.state == "checked_in"
        and checkin_undo_allowed(registration=result.registration, by=request.user),
        "undo_minutes": UNDO_MINUTES,
        "counts": checkin_counts(seminar=seminar),
        "walk_in_form": walk_in_form,
        "notice": notice,
    }
    return render(request, "organiser/checkin/page.html", context, status=status)


@checkin_staff_required
@require_http_methods(["GET", "POST"])
def checkin_page(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = _seminar(slug)
    if request.method == "GET":
        search = SearchForm(request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        if _from_script(request):
            results = checkin_search(seminar=seminar, query=query)
            return render(
                request,
                "organiser/checkin/_results.html",
                {"seminar": seminar, "results": results, "query": query},
            )
        return _page(request, seminar, query=query)

    form = CheckinForm(request.POST)
    query = request.POST.get("q", "")[:100]
    if not form.is_valid():
        if _from_script(request):
            return JsonResponse({"error": form.errors.get("code", [""])[0]}, status=400)
        return _page(request, seminar, query=query, code_form=form, status=400)
    if form.cleaned_data["registration"]:
        registration = get_object_or_404(
            Registration.objects.select_related("seminar"), pk=form.cleaned_data["registration"]
        )
        result = checkin_record(seminar=seminar, registration=registration, by=request.user)
    else:
        result = checkin_record(seminar=seminar, code=form.cleaned_data["code"], by=request.user)
    if _from_script(request):
        return _result_json(request, seminar, result)
    return _page(request, seminar, result=result, query=query)


def _result_json(request: HttpRequest, seminar: Seminar, result: CheckinResult) -> JsonResponse:
    undo = result.state == "checked_in" and checkin_undo_allowed(
        registration=result.registration, by=request.user
    )
    context = {"seminar": seminar, "result": result, "undo": undo, "undo_minutes": UNDO_MINUTES}
    return JsonResponse(
        {
            "state": result.state,
            "ok": result.ok,
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
    context = {"seminar": seminar, "form": form, "existing": existing}
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
        return _page(request, seminar, notice=str(error.message), query=query, status=403)
    return _page(request, seminar, notice=str(UNDONE), query=query)
