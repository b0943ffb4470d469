"""Requests per token per minute (anonymous callers per address), counted like the public forms'
limits (config.ratelimit): one fixed window in the cache, shared by every app server via Redis."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from config.ratelimit import Counter

from .models import ApiToken


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if not settings.RATELIMIT_ENABLED:
            return True
        token = request.auth if isinstance(request.auth, ApiToken) else None
        scope, who = ("api", f"token:{token.pk}") if token else ("api_anonymous", None)
        counter = Counter.of(request, scope, who=who)
        self._wait = counter.retry_after
        return counter.incr() <= counter.limit

    def wait(self):
        return self._wait
