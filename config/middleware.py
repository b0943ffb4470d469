"""The browser's language picks the first page; after that the visitor's choice sticks."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

from .language import language_cookie_set

# /sso/ is single sign-on's one callback URL for every language: its pages speak the visitor's
# language (organiser/sso/views.py) and must not reset the cookie to English on the way through.
NOT_TRANSLATED = ("/static/", "/healthz", "/language/", "/api/", "/sso/")
ADMIN = "/admin/"


class PreferredLanguageMiddleware:
    """English pages have no prefix, so a reader of Chinese arriving at `/seminars/x/` would
    otherwise always get English. On a first visit (no language cookie yet) to a public page whose
    URL names no language, redirect to the language the browser asks for. Every page then records
    its language in the cookie, so following the switcher back to English stays English.

    The admin differs in one way: organisers reach it through unprefixed bookmarks and links
    (`/admin/`), so there the cookie, once set, keeps choosing the language too: an organiser
    who works in Chinese stays in Chinese. Its switcher sets the cookie (config.language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path_language = get_language_from_path(request.path_info)
        translatable = self._translatable(request)
        if (
            translatable
            and path_language is None
            and request.method in ("GET", "HEAD")
            and (self._in_admin(request.path_info) or not self._has_cookie(request))
        ):
            # The cookie when there is one, else the browser's Accept-Language.
            preferred = get_language_from_request(request)
            here = request.get_full_path()
            there = translate_url(here, preferred)
            # A path that resolves to nothing translates to itself: no redirect, just the 404.
            if preferred != settings.LANGUAGE_CODE and there != here:
                response = HttpResponseRedirect(there)
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = self.get_response(request)
        language = path_language or settings.LANGUAGE_CODE
        if translatable and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            language_cookie_set(response, language)
        return response

    @staticmethod
    def _has_cookie(request: HttpRequest) -> bool:
        return settings.LANGUAGE_COOKIE_NAME in request.COOKIES

    @staticmethod
    def _in_admin(path: str) -> bool:
        return path.startswith(ADMIN)

    @staticmethod
    def _translatable(request: HttpRequest) -> bool:
        """Pages live under i18n_patterns; static files, /healthz and the switch do not.

        Decided from the path's first segment rather than by resolving it: this runs on every
        request.
        """
        return not request.path_info.startswith(NOT_TRANSLATED)
