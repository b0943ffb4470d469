"""Errors to Sentry without personal data (on when SENTRY_DSN is set).

Two layers: the SDK is told to collect nothing about people (no user, cookies, bodies, query
strings, headers or local variables), and `event_scrub` runs on every event and breadcrumb
before it leaves, removing what an integration or a message could still carry: email addresses,
the private tokens in /r/, /j/ and /survey/ links, certificate codes, and the request's data.
Names cannot be recognised in free text, which is why bodies and local variables, where they
would be, are never sent.
"""

import re
from typing import Any

import sentry_sdk

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Path segments that are secrets: private links (/r/<token>/, /j/<token>/, survey links) and
# certificate codes, with or without a language prefix.
PRIVATE_PATH = re.compile(r"/(r|j|certificates)/[^/?#\s]+")
# Long random-looking runs (tokens, signed values: letters and digits mixed) wherever they appear;
# code's names (notifications_requeue_stale) have no digits and stay readable.
TOKEN = re.compile(r"\b(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(:[A-Za-z0-9_:-]+)?\b")
# Where the code is named, not the data (file, function and module names, exception types), and
# the event's own identifiers, which Sentry needs intact. Source lines are scrubbed like any text.
CODE_KEYS = {
    "filename",
    "abs_path",
    "function",
    "module",
    "package",
    "type",
    "event_id",
    "trace_id",
    "span_id",
    "parent_span_id",
    "release",
    "dist",
}
FILTERED = "[Filtered]"
# Request headers worth keeping for debugging; everything else (Cookie, Authorization, the
# client's address in proxy headers) goes.
SAFE_HEADERS = {"accept", "accept-language", "content-type", "content-length", "host", "user-agent"}


def text_scrub(text: str) -> str:
    text = EMAIL.sub(FILTERED, text)
    text = PRIVATE_PATH.sub(lambda match: f"/{match.group(1)}/{FILTERED}", text)
    return TOKEN.sub(FILTERED, text)


def _deep_scrub(value: Any) -> Any:
    if isinstance(value, str):
        return text_scrub(value)
    if isinstance(value, list | tuple):
        return [_deep_scrub(item) for item in value]
    if isinstance(value, dict):
        return {key: item if key in CODE_KEYS else _deep_scrub(item) for key, item in value.items()}
    return value


def _request_scrub(request: dict) -> dict:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "url": text_scrub(request.get("url") or ""),
        "headers": {
            name: text_scrub(str(value))
            for name, value in dict(headers).items()
            if name.lower() in SAFE_HEADERS
        },
    }


def event_scrub(event: dict, hint: dict | None = None) -> dict:
    """before_send: the event without personal data. No user, request body, cookies, query
    string or local variables; every remaining string passed through `text_scrub`."""
    event.pop("user", None)
    if "request" in event:
        event["request"] = _request_scrub(event["request"])
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    return _deep_scrub(event)


def breadcrumb_scrub(crumb: dict, hint: dict | None = None) -> dict:
    return _deep_scrub(crumb)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    off = {"mode": "off"}
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        data_collection={
            "user_info": False,
            "cookies": off,
            "http_headers": {"request": off},
            "http_bodies": [],
            "url_query_params": off,
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=event_scrub,
        before_send_transaction=event_scrub,
        before_breadcrumb=breadcrumb_scrub,
    )
