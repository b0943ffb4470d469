"""/sso/start/ sends a person to the provider; /sso/callback/ signs them in on the way back.

Both 404 when single sign-on is not configured. They live outside the language prefixes, so
the callback is one URL to register at the provider; `next` carries the language back.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin, auth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .break_glass import break_glass_used_record, break_glass_user
from .errors import BreakGlassRefused, SignInRefused
from .provider import provider_endpoint

NOT_SIGNED_IN = _("Not signed in")
BREAK_GLASS = _("Emergency sign-in")


def _in_visitors_language(render_page):
    """/sso/ has no language prefix, which makes Django choose English: these pages use the
    language the visitor chose (their cookie) or their browser asks for."""

    @wraps(render_page)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with translation.override(translation.get_language_from_request(request)):
            return render_page(request, *args, **kwargs)

    return wrapped


@_in_visitors_language
def sign_in_refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    # The admin's header and title around it: this is the organisers' side of the site.
    context = {**admin.site.each_context(request), "message": refusal.message}
    context["title"] = NOT_SIGNED_IN
    return render(request, "organiser/sso/refused.html", context, status=403)


class SignInStart(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs):
        # The parent reads the provider's endpoint here; discovery waits for a real request.
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SignInRefused as refusal:
            return sign_in_refused(request, refusal)
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404
        return super().get(request)

    @property
    def success_url(self) -> str:
        # `next` was checked against this host when it was stored at the start.
        return self.request.session.get("oidc_login_next") or reverse("admin:index")

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "sso_refusal", None) or SignInRefused()
        return sign_in_refused(self.request, refusal)


@require_http_methods(["GET", "POST"])
@_in_visitors_language
def break_glass(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The link asks before it signs in (GET shows a button, POST uses it up), so a mail or
    chat program that opens links to preview them cannot spend it."""
    if not settings.SSO_ENABLED:
        raise Http404
    try:
        user = break_glass_user(uid=uid, token=token)
    except BreakGlassRefused as refusal:
        return sign_in_refused(request, refusal)
    if request.method == "GET":
        context = {**admin.site.each_context(request), "title": BREAK_GLASS, "account": user}
        return render(request, "organiser/sso/break_glass.html", context)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    break_glass_used_record(user=user, address=request.META.get("REMOTE_ADDR", ""))
    return redirect("admin:index")
