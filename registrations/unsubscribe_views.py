"""The public page behind the unsubscribe link in news emails (see unsubscribe.py).

GET says what unsubscribing does and offers one button; only a POST unsubscribes, because mail
scanners and link previews open links on their own. Mail clients that follow RFC 8058 POST
`List-Unsubscribe=One-Click` to the same address without a page or a CSRF token: that exact
POST, and only it, is taken without one (the signed link is what proves it came from the
email). A link we did not sign gets a page saying so, with a 404.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from config.ratelimit import ratelimited

from .models import Registration
from .unsubscribe import news_subscribed, news_unsubscribe, unsubscribe_registration

ONE_CLICK = ("List-Unsubscribe", "One-Click")


def _private(response: HttpResponse) -> HttpResponse:
    # Names an address behind a secret link: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _masked(email: str) -> str:
    """ "c•••@example.com": enough to recognise one's own address, not to read someone else's
    from a forwarded link."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _page(request: HttpRequest, registration: Registration | None, **context) -> HttpResponse:
    if registration is None:
        response = render(request, "registrations/unsubscribe_invalid.html", status=404)
        return _private(response)
    context = {
        "registration": registration,
        "seminar": registration.seminar,
        "address": _masked(registration.email),
        **context,
    }
    return _private(render(request, "registrations/unsubscribe.html", context))


@csrf_protect
def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    registration = unsubscribe_registration(token=token)
    if registration is not None and request.method == "POST":
        news_unsubscribe(registration=registration)
        return _page(request, registration, done=True)
    subscribed = registration is not None and news_subscribed(registration=registration)
    return _page(request, registration, done=not subscribed)


@csrf_exempt
@ratelimited("manage", methods=("GET", "HEAD", "POST"))
def news_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and request.POST.get(ONE_CLICK[0]) == ONE_CLICK[1]:
        registration = unsubscribe_registration(token=token)
        if registration is not None:
            news_unsubscribe(registration=registration)
        return _page(request, registration, done=True)
    # Anything else goes through Django's CSRF check like every other form.
    return _unsubscribe_page(request, token)
