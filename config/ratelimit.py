"""Per-address request limits on the public forms, counted in the cache.

A fixed window per (scope, client address): `cache.add` starts the window and `cache.incr` counts
in it. That works on any cache Django has, the in-process one under `make run` and Redis across
several app servers in production (REDIS_URL).

Most scopes count every request. A form can instead keep two budgets: submissions it took
(generous: a whole office behind one address registering in a rush) and submissions it refused
(tight: invalid forms and bots, which is what a script sends). See `ratelimited(refused=...)`.
"""

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

REFUSED_MARK = "_ratelimit_refused"


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


@dataclass(frozen=True)
class Counter:
    """One scope's count for one address in the current window."""

    key: str
    limit: int
    window: int
    retry_after: int

    @classmethod
    def of(cls, request: HttpRequest, scope: str, *, who: str | None = None) -> "Counter":
        """The counter of `who` (the client's address unless given, e.g. an API token)."""
        limit, window = settings.RATELIMITS[scope]
        now = time.time()
        window_number = int(now // window)
        return cls(
            key=f"ratelimit:{scope}:{who or client_ip(request)}:{window_number}",
            limit=limit,
            window=window,
            retry_after=int((window_number + 1) * window - now) + 1,
        )

    def count(self) -> int:
        return cache.get(self.key, 0)

    def incr(self) -> int:
        cache.add(self.key, 0, timeout=self.window + 5)
        try:
            return cache.incr(self.key)
        except ValueError:  # evicted between add and incr: start again
            cache.set(self.key, 1, timeout=self.window + 5)
            return 1

    def decr(self) -> None:
        with suppress(ValueError):  # evicted meanwhile: nothing left to take back
            cache.decr(self.key)


def ratelimit_exceeded(request: HttpRequest, scope: str) -> tuple[bool, int]:
    """Count this request; returns (over the limit?, seconds until the window ends)."""
    counter = Counter.of(request, scope)
    return counter.incr() > counter.limit, counter.retry_after


def ratelimit_refuse(request: HttpRequest) -> None:
    """Count this submission as refused although the view answers as if it were taken: a bot
    caught by a trap gets the same redirect as a person, but spends the tight budget."""
    setattr(request, REFUSED_MARK, True)


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request, "errors/429.html", {"retry_minutes": -(-retry_after // 60)}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def _submission_limited(view: Callable, scope: str, refused: str) -> Callable:
    """Two budgets for one form. A submission counts as taken when the view answers with a
    redirect (Post/Redirect/Get) and did not call ratelimit_refuse(); anything else (the form
    shown again with errors, a refusal) counts as refused. Either budget spent: 429 until its
    window ends.

    The refused count goes up before the view runs and comes back down once the submission is
    known to be taken, so a script firing many invalid forms at once cannot slip past the
    tight budget between a check and a count.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        taken, refusals = Counter.of(request, scope), Counter.of(request, refused)
        if taken.count() >= taken.limit:
            return _too_many(request, taken.retry_after)
        if refusals.incr() > refusals.limit:
            return _too_many(request, refusals.retry_after)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and not getattr(request, REFUSED_MARK, False):
            refusals.decr()
            taken.incr()
        return response

    return wrapped


def ratelimited(
    scope: str, methods: tuple[str, ...] = ("POST",), refused: str | None = None
) -> Callable:
    """Decorate a view: over the limit, the visitor gets a friendly 429 page in their language.

    With `refused`, `scope` counts only the submissions the view took and `refused` the others.
    """

    def decorator(view: Callable) -> Callable:
        limited = _submission_limited(view, scope, refused) if refused else None

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not settings.RATELIMIT_ENABLED or request.method not in methods:
                return view(request, *args, **kwargs)
            if limited is not None:
                return limited(request, *args, **kwargs)
            exceeded, retry_after = ratelimit_exceeded(request, scope)
            if exceeded:
                return _too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
