"""Staff pages stay shut until the session has given its second factor.

Staff pages are those of the admin (the organiser's dashboard and exports live there too) and
of check-in. A signed-in session that has not given a second factor is sent to the code page
when the person has an authenticator app, or when two-factor is required (the code page sends
someone without an app on to set one up); logging in and out and the two-factor pages
themselves stay open. The public site and the API (tokens, not sessions) are not concerned.

Whether the person has an app is noted in the session when they sign in (signals.py), so that
pages do not pay a query for it on every request when two-factor is optional.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .services import two_factor_enrolled
from .session import ENROLLED_SESSION_KEY, session_enrolled_note

STAFF_NAMESPACES = {"admin", "checkin"}
OPEN_ADMIN_PAGES = {"login", "logout"}


def session_exempt(request: HttpRequest) -> bool:
    """Signed in through a backend that verified the second factor itself (single sign-on)."""
    return request.session.get(BACKEND_SESSION_KEY) in settings.OTP_EXEMPT_AUTH_BACKENDS


def second_factor_due(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified() or session_exempt(request):
        return False
    if settings.STAFF_TWO_FACTOR_REQUIRED:
        return True
    if ENROLLED_SESSION_KEY not in request.session:  # a session from before two-factor existed
        session_enrolled_note(request, two_factor_enrolled(user=user))
    return request.session[ENROLLED_SESSION_KEY]


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not STAFF_NAMESPACES.intersection(match.namespaces):
            return None
        if match.namespaces == ["admin"] and match.url_name in OPEN_ADMIN_PAGES:
            return None
        if not second_factor_due(request):
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('two_factor:verify')}?{query}")
