"""Per-address request limits on the public forms, counted in the cache.

A fixed window per (scope, client address): `cache.add` starts the window and `cache.incr` counts
in it. That works on any cache Django has, the in-process one under `make run` and Redis across
several app servers in production (REDIS_URL).
"""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the configured proxy header's first entry.

    The header is only read when CLIENT_IP_HEADER names it, because without a proxy that sets it
    anyone could send one and pick their own address.
    """
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR", "")


def ratelimit_exceeded(request: HttpRequest, scope: str) -> tuple[bool, int]:
    """Count this request; returns (over the limit?, seconds until the window ends)."""
    limit, window = settings.RATELIMITS[scope]
    now = time.time()
    window_number = int(now // window)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window_number}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=window + 5)
        count = 1
    retry_after = int((window_number + 1) * window - now) + 1
    return count > limit, retry_after


def ratelimited(scope: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Decorate a view: over the limit, the visitor gets a friendly 429 page in their language."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if settings.RATELIMIT_ENABLED and request.method in methods:
                exceeded, retry_after = ratelimit_exceeded(request, scope)
                if exceeded:
                    response = render(
                        request,
                        "errors/429.html",
                        {"retry_minutes": -(-retry_after // 60)},
                        status=429,
                    )
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
