"""Public programme pages. Their HTML is cached for a moment (PUBLIC_PAGE_CACHE_SECONDS): an
announcement can send thousands of visitors to one page in a minute, while an organiser's edit or
a new seat count shows within that moment.

A draft's address is a 404 for the public; organisers who may view seminars get a preview there
instead, rendered afresh each time and never cached, so no visitor is ever served it.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import get_language

from .models import Seminar
from .selectors import (
    seminar_drafts_visible,
    seminar_get_preview,
    seminar_get_public,
    seminar_listing,
    seminar_mode_availability,
    seminar_organisers,
    seminar_partners_by_role,
    seminar_share_summary,
    series_newer_edition,
    series_past_editions,
)
from .tracking import tracking_params

# Open Graph names a page's language as a locale: Hong Kong for Traditional Chinese (the region
# the seminars are for), the Mainland for Simplified Chinese.
OG_LOCALES = {"en": "en_GB", "zh-hant": "zh_HK", "zh-hans": "zh_CN"}


def _cached_page(request: HttpRequest, render: Callable[[], str]) -> HttpResponse:
    """The page's HTML from the cache when the URL has no query string, else freshly rendered.

    Only pages without forms or per-visitor content use this; the key is language and path.
    `render` may raise Http404, which is never cached.
    """
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if request.GET or not seconds:
        return HttpResponse(render())
    key = f"page:{get_language()}:{request.path}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return HttpResponse(html)


def seminar_list(request: HttpRequest) -> HttpResponse:
    return _cached_page(
        request,
        lambda: render_to_string(
            "seminar/seminar_list.html", {"listing": seminar_listing()}, request
        ),
    )


def seminar_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def render() -> str:
        seminar = seminar_get_public(slug=slug)  # Http404 for unknown slugs and drafts
        return _detail_html(request, seminar)

    try:
        return _cached_page(request, render)
    except Http404:
        if not _may_preview(request):
            raise
    response = HttpResponse(_detail_html(request, seminar_get_preview(slug=slug), preview=True))
    add_never_cache_headers(response)  # nor any cache between here and the organiser
    response["X-Robots-Tag"] = "noindex"
    return response


def _may_preview(request: HttpRequest) -> bool:
    return seminar_drafts_visible(user=request.user)


def _detail_html(request: HttpRequest, seminar: Seminar, *, preview: bool = False) -> str:
    organisers = seminar_organisers(seminar=seminar)
    # The newest edition is announced on an edition's page only once that one is over, so a
    # seminar still taking registrations keeps its Register box first; every edition lists the
    # ones that came before it.
    newer_edition = series_newer_edition(seminar=seminar) if seminar.is_over else None
    context = {
        "preview": preview,
        "newer_edition": newer_edition,
        "past_editions": series_past_editions(seminar=seminar),
        "seminar": seminar,
        "availability": seminar.availability(),
        "mode_availability": seminar_mode_availability(seminar=seminar),
        "partner_groups": seminar_partners_by_role(seminar=seminar),
        # utm_*/ref on the landing URL travel on to the form through the Register link.
        "tracking_query": urlencode(tracking_params(request.GET)),
        "share_summary": seminar_share_summary(seminar=seminar, organisers=organisers),
        # Shared links must work from anywhere, so they are absolute, in this language.
        "share_url": settings.SITE_URL + seminar.get_absolute_url(),
        "og_locale": OG_LOCALES[get_language()],
        "og_locale_alternates": [
            locale for code, locale in OG_LOCALES.items() if code != get_language()
        ],
    }
    return render_to_string("seminar/seminar_detail.html", context, request)
