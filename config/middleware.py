"""The browser's language picks the first page; after that the visitor's choice sticks."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

ONE_YEAR = 365 * 24 * 60 * 60
NOT_TRANSLATED = ("/admin/", "/static/", "/healthz")


class PreferredLanguageMiddleware:
    """English pages have no prefix, so a reader of Chinese arriving at `/seminars/x/` would
    otherwise always get English. On a first visit (no language cookie yet) to a public page whose
    URL names no language, redirect to the language the browser asks for. Every public page then
    records its language in the cookie, so following the switcher back to English stays English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path_language = get_language_from_path(request.path_info)
        public_page = self._translatable(request)
        if (
            public_page
            and path_language is None
            and request.method in ("GET", "HEAD")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            preferred = get_language_from_request(request)
            if preferred != settings.LANGUAGE_CODE:
                response = HttpResponseRedirect(translate_url(request.get_full_path(), preferred))
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = self.get_response(request)
        language = path_language or settings.LANGUAGE_CODE
        if public_page and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=ONE_YEAR,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
            )
        return response

    @staticmethod
    def _translatable(request: HttpRequest) -> bool:
        """Public pages live under i18n_patterns; the admin, static files and /healthz do not.

        Decided from the path's first segment rather than by resolving it: this runs on every
        request.
        """
        return not request.path_info.startswith(NOT_TRANSLATED)
