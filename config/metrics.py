"""Request metrics for Prometheus, on when METRICS_TOKEN or METRICS_ALLOWED_IPS is set: how many
requests each view answered with which status, and how long they took. /metrics
(organiser/monitoring/) serves them with the registrations, emails and queue figures."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "seminar_http_requests",
    "HTTP requests answered, by method, view and status code.",
    ["method", "view", "status"],
)
DURATION = Histogram(
    "seminar_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by method and view.",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Any method a client invents would otherwise become a label value of its own.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Outermost, so the time covers every other middleware. Views are labelled by their URL
    name (a bounded set); requests that matched no URL share one label."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        DURATION.labels(method, view).observe(elapsed)
        return response
