"""The pages after the password: the code, setting up an app, recovery codes, the overview.

The middleware leaves these pages open to a session without its second factor, so each page
checks for itself what such a session may do: give a code, or set up an app when it has none.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from .errors import TwoFactorError
from .forms import CodeForm
from .middleware import session_exempt
from .qr import totp_qr_data_uri, totp_secret_text
from .services import (
    RECOVERY_CODE_COUNT,
    recovery_codes_left,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_start,
    two_factor_check,
    two_factor_enrolled,
    two_factor_remove_own,
)
from .session import NEW_CODES_SESSION_KEY, session_enrolled_note

RECOVERY_HELP = _("Lost your phone? Enter one of your recovery codes instead.")
SET_UP_LABEL = _("Code from your app")
SET_UP_HELP = _("The 6 digits the app shows for this account now.")
REMOVE_LABEL = _("Code from your app or a recovery code")
REMOVED = _("Two-factor authentication is removed from your account.")


def staff_signed_in(view):
    """Staff who gave their password; others sign in first (the admin's login page, where a
    signed-in non-staff user is asked for a staff account, as the admin itself does)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def next_url(request: HttpRequest) -> str:
    """Where the person was going, if it is on this site; else the admin's home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def posted(request: HttpRequest):
    """The form's data on a POST (even an empty one, which is answered like any bad code)."""
    return request.POST if request.method == "POST" else None


def with_next(request: HttpRequest, name: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page in the admin's look: its header, site name and user links."""
    return render(request, template, {**admin.site.each_context(request), **context})


def verified(request: HttpRequest) -> bool:
    return request.user.is_verified() or session_exempt(request)


def _session_verified(request: HttpRequest, device) -> None:
    # A new session key once the second factor is given, as Django does at sign-in, so a key
    # seen before this point is worth nothing afterwards.
    request.session.cycle_key()
    otp_login(request, device)
    session_enrolled_note(request, True)


@staff_signed_in
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if verified(request):
        return HttpResponseRedirect(next_url(request))
    if not two_factor_enrolled(user=request.user):
        session_enrolled_note(request, False)
        if settings.STAFF_TWO_FACTOR_REQUIRED:
            return HttpResponseRedirect(with_next(request, "two_factor:set_up"))
        return HttpResponseRedirect(next_url(request))
    form = CodeForm(posted(request), help_text=RECOVERY_HELP)
    if form.is_valid():
        try:
            device = two_factor_check(user=request.user, code=form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            _session_verified(request, device)
            return HttpResponseRedirect(next_url(request))
    return page(
        request,
        "admin/two_factor/verify.html",
        {"form": form, "next": next_url(request), "title": _("Two-factor authentication")},
    )


@staff_signed_in
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    if two_factor_enrolled(user=request.user):
        if verified(request):
            return redirect("two_factor:overview")
        return HttpResponseRedirect(with_next(request, "two_factor:verify"))
    form = CodeForm(posted(request), label=SET_UP_LABEL, help_text=SET_UP_HELP)
    if form.is_valid():
        try:
            device, codes = totp_device_confirm(user=request.user, code=form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            _session_verified(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return HttpResponseRedirect(with_next(request, "two_factor:recovery_codes"))
    device = totp_device_start(user=request.user)
    return page(
        request,
        "admin/two_factor/set_up.html",
        {
            "form": form,
            "next": next_url(request),
            "qr_code": totp_qr_data_uri(device=device),
            "secret": totp_secret_text(device=device),
            "required": settings.STAFF_TWO_FACTOR_REQUIRED,
            "title": _("Set up two-factor authentication"),
        },
    )


@staff_signed_in
@require_http_methods(["GET"])
def recovery_codes_show(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown this once: they leave the session as the page is made."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes or not verified(request):
        return redirect("two_factor:overview")
    return page(
        request,
        "admin/two_factor/recovery_codes.html",
        {
            "codes": codes,
            "count": RECOVERY_CODE_COUNT,
            "next": next_url(request),
            "title": _("Your recovery codes"),
        },
    )


def _overview(request: HttpRequest, remove_form: CodeForm | None = None) -> HttpResponse:
    enrolled = two_factor_enrolled(user=request.user)
    return page(
        request,
        "admin/two_factor/overview.html",
        {
            "enrolled": enrolled,
            "codes_left": recovery_codes_left(user=request.user) if enrolled else 0,
            "required": settings.STAFF_TWO_FACTOR_REQUIRED,
            "remove_form": remove_form or CodeForm(label=REMOVE_LABEL, autofocus=False),
            "title": _("Two-factor authentication"),
        },
    )


def _verified_first(request: HttpRequest) -> HttpResponse | None:
    """Someone with an app who has not given a code yet gives one before changing anything."""
    if two_factor_enrolled(user=request.user) and not verified(request):
        return HttpResponseRedirect(
            f"{reverse('two_factor:verify')}?{urlencode({'next': request.get_full_path()})}"
        )
    return None


@staff_signed_in
@require_http_methods(["GET"])
def two_factor_overview(request: HttpRequest) -> HttpResponse:
    return _verified_first(request) or _overview(request)


@staff_signed_in
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not two_factor_enrolled(user=request.user):
        return redirect("two_factor:overview")
    refusal = _verified_first(request)
    if refusal is not None:
        return refusal
    request.session[NEW_CODES_SESSION_KEY] = recovery_codes_regenerate(user=request.user)
    return redirect("two_factor:recovery_codes")


@staff_signed_in
@require_POST
def two_factor_remove_view(request: HttpRequest) -> HttpResponse:
    if not two_factor_enrolled(user=request.user):
        return redirect("two_factor:overview")
    refusal = _verified_first(request)
    if refusal is not None:
        return refusal
    form = CodeForm(request.POST, label=REMOVE_LABEL, autofocus=False)
    if form.is_valid():
        try:
            two_factor_remove_own(user=request.user, code=form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            session_enrolled_note(request, False)
            messages.success(request, REMOVED)
            return redirect("two_factor:overview")
    return _overview(request, remove_form=form)
