"""The API's language: programs ask with Accept-Language.

LocaleMiddleware serves every unprefixed address in English (English pages have no prefix), which
is right for pages and wrong for /api/, whose addresses carry no language. This runs after it and,
under /api/, uses the request's Accept-Language instead. Error messages and labels then come in
the language asked for; the data (names, answers) is what was stored.

It also marks every API answer as varying with the token, and an answer to a request with a token
as private and not to be stored."""

from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # What a token may see differs by token: an answer to one must never be served from a
        # shared cache to another caller, nor kept on disk.
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        if "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, private=True, no_store=True)
        return response
