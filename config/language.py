"""The language cookie, and the admin's language switch that sets it.

Public pages change language by their URL prefix alone (the switcher links to the same page under
another prefix). The admin's English pages have no prefix either, but organisers reach them by
unprefixed bookmarks and links, so there the cookie decides (see PreferredLanguageMiddleware), and
choosing a language must set the cookie first: a POST here, as Django's own `set_language` does.
Ours writes the cookie with the same lifetime and flags as the middleware, so one rule makes it.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

ONE_YEAR = 365 * 24 * 60 * 60

# Django's own strings that our catalogues translate again (LOCALE_PATHS come first): the empty
# choice of every dropdown (BLANK_CHOICE_LABEL in Django 6.1), which Django's Chinese catalogues
# lack, and colons they leave half-width (the suffix of every form label, the admin's action bar
# and history page). Naming them here keeps makemessages from dropping our entries as obsolete.
DJANGO_STRINGS_RETRANSLATED = (
    gettext_noop("- Select an option -"),
    gettext_noop(":"),
    gettext_noop("Action:"),
    gettext_noop("Change history: %s"),
    # The date drill-down above a list (Django 6.1's date_hierarchy.html), left in English.
    gettext_noop("Filter by %(field_name)s"),
)


def language_cookie_set(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )


def url_in_language(url: str, language: str) -> str:
    """The same page in another language, and so is the page it returns to (`?next=`, as on the
    admin's login page), so that logging in after switching stays in the chosen language."""
    # translate_url resolves the URL in the active language, so activate the one it is in.
    with translation.override(translation.get_language_from_path(url) or settings.LANGUAGE_CODE):
        translated = translate_url(url, language)
    parts = urlsplit(translated)
    query = [
        (
            key,
            url_in_language(value, language) if key == "next" and value.startswith("/") else value,
        )
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language and go back to the same page in it."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(url_in_language(next_url, language))
    language_cookie_set(response, language)
    return response
