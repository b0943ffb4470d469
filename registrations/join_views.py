"""The personal join link, /j/<token>/: a redirect to the meeting, or a page saying why not.

GET only (and HEAD, which browsers and link checkers send): anything that changes something has
no place behind a link in an email. A HEAD request, or a GET that says it is a prefetch or comes
from a known link-preview bot, gets the same answer but is not counted as an open
(docs/join-links.md says what is counted and what cannot be told apart).
"""

import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from config.ratelimit import ratelimited

from .join_links import JoinOutcome, join_link_open

# Link previews in chat apps and mail: they fetch a link to show a card, nobody joins. Matched
# on the User-Agent, which is cheap and catches the well-behaved ones; scanners that pose as a
# browser cannot be told apart here.
PREVIEW_AGENTS = re.compile(
    r"bot\b|crawler|spider|preview|facebookexternalhit|slack|whatsapp|telegram|discord|"
    r"skypeuripreview|linkedin|embedly|outlook-ios-linkpreview|google-safety|proofpoint|"
    r"mimecast|barracuda|curl/|wget/|python-requests",
    re.IGNORECASE,
)


def open_counts(request: HttpRequest) -> bool:
    """Whether this request is a person opening the link, as far as can be told cheaply."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    return not PREVIEW_AGENTS.search(request.headers.get("User-Agent", ""))


def _private(response: HttpResponse) -> HttpResponse:
    # Nothing here may be cached (each open is counted; the meeting may move) or indexed.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The meeting service must not learn the personal link (it would reach its logs).
    response["Referrer-Policy"] = "no-referrer"
    return response


# csrf_exempt: the CSRF check runs before the view and answered a POST with 403, where the
# docs promise 405 for anything but GET and HEAD; nothing here writes on a POST (require_safe
# refuses it), so there is nothing for CSRF to protect.
@csrf_exempt
@require_safe
@ratelimited("join", methods=("GET", "HEAD"))
def join_link_view(request: HttpRequest, token: str) -> HttpResponse:
    outcome: JoinOutcome | None = join_link_open(token=token, record=open_counts(request))
    if outcome is None:
        raise Http404("No registration with this join link.")
    if outcome.redirects:
        return _private(HttpResponseRedirect(outcome.seminar.join_url))
    context = {
        "outcome": outcome,
        "state": outcome.state.value,
        "registration": outcome.registration,
        "seminar": outcome.seminar,
    }
    return _private(render(request, "registrations/join_state.html", context))
