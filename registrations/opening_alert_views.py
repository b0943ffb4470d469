"""The public side of "tell me when registration opens": the form on the seminar page posts here.

The seminar page is served from a shared cache for a second or so (seminar/views.py), so the
form it carries cannot hold a visitor's CSRF token. This view is therefore exempt from Django's
CSRF check, which is safe because it acts on no one's session or login: it only keeps an address
to write to once, answers alike whoever asks, and is rate-limited per client address. What the
check would still stop, another site making its visitors' browsers sign up addresses past our
per-address limit, is refused here from what the browser says of the page that posted: its
Sec-Fetch-Site header (only same-origin or none pass) and its Origin header (this site's only).
"""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from config.ratelimit import ratelimited
from seminar.selectors import seminar_public_queryset

from .errors import RegistrationError
from .models import Registration
from .opening_alerts import RegistrationAlreadyOpen, opening_alert_request

CONSENT_REQUIRED = _(
    "Please tick the box to let us keep your address: without it we cannot write to you."
)


# Our own words rather than Django's, whose Chinese ("输入一个有效的 Email 地址") is not ours.
EMAIL_INVALID = _("Enter an email address such as name@example.com.")
EMAIL_REQUIRED = _("Enter the email address to write to when registration opens.")


class OpeningAlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={"invalid": EMAIL_INVALID, "required": EMAIL_REQUIRED},
    )
    language = forms.ChoiceField(
        label=_("Language of the email"), choices=Registration.Language.choices
    )
    consent = forms.BooleanField(
        label=_("Keep my email address to write to me once when registration opens."),
        error_messages={"required": CONSENT_REQUIRED},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The same ids as the form on the seminar page, which is written without a form object.
        kwargs.setdefault("auto_id", "alert-%s")
        super().__init__(*args, **kwargs)


# What a browser says of where a request comes from (Sec-Fetch-Site) that we accept: our own
# pages, or the visitor typing or bookmarking the address. "same-site" is refused too: another
# host under the same domain is not this site.
ACCEPTED_FETCH_SITES = ("same-origin", "none")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _posted_from_elsewhere(request: HttpRequest) -> bool:
    """Whether the browser says this post came from another site's page. In place of the
    CSRF token the cached seminar page cannot carry: Sec-Fetch-Site when sent, and the Origin
    header, which must be this site's (SITE_URL, or the host asked for) when present. A client
    that sends neither (an old browser, a script) is not a browser led by another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ACCEPTED_FETCH_SITES:
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    ours = {_origin(settings.SITE_URL), f"{request.scheme}://{request.get_host()}".lower()}
    return origin.lower() not in ours


@csrf_exempt
@ratelimited("opening_alert")
def opening_alert_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    if request.method == "POST" and _posted_from_elsewhere(request):
        raise PermissionDenied("Opening alerts are asked for on our own pages.")
    refusal, already_open = None, False
    if request.method == "POST":
        form = OpeningAlertForm(request.POST)
        if form.is_valid():
            try:
                opening_alert_request(
                    seminar=seminar,
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                )
            except RegistrationAlreadyOpen as error:
                refusal, already_open = error.message, True
            except RegistrationError as error:
                refusal = error.message
            else:
                return redirect("registrations:opening_alert_thanks", slug=seminar.slug)
    else:
        form = OpeningAlertForm(initial={"language": get_language()})
    availability = seminar.availability()
    context = {
        "seminar": seminar,
        "alert_form": form,
        "availability": availability,
        "refusal": refusal,
        "already_open": already_open or availability.accepts_registrations,
    }
    return render(request, "registrations/opening_alert.html", context)


def opening_alert_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The same words whether or not the address was already waiting, so they reveal nothing."""
    seminar = get_object_or_404(seminar_public_queryset(), slug=slug)
    return render(
        request,
        "registrations/opening_alert_thanks.html",
        {"seminar": seminar, "availability": seminar.availability()},
    )
