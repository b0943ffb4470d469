"""/readyz and /metrics. Neither is under a language prefix: monitoring reads them, not people."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from config.ratelimit import client_ip
from registrations.health import background_health

from .collector import ServiceCollector


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 when the background work is behind (a stopped scheduler or worker, a queue not
    draining), with what is wrong; for monitoring and alerts. Load balancers should keep using
    /healthz: a stuck worker does not stop the pages from being served."""
    health = background_health()
    body = {
        "status": "ok" if health.ok else "error",
        "problems": health.problems,
        "ages_seconds": {
            "scheduler": health.scheduler_age,
            "worker": health.worker_age,
            "oldest_email_due": health.oldest_email_age,
            "oldest_task_ready": health.oldest_task_age,
        },
    }
    return JsonResponse(body, status=200 if health.ok else 503)


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and sent and constant_time_compare(sent.strip(), token):
            return True
    if settings.METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(
            address in ipaddress.ip_network(network, strict=False)
            for network in settings.METRICS_ALLOWED_IPS
        )
    return False


def _request_registry():
    """The request counters: this process's, or every gunicorn worker's when they share a
    directory (PROMETHEUS_MULTIPROC_DIR)."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format; 404 unless configured, 403 to anyone not allowed."""
    if not (settings.METRICS_TOKEN or settings.METRICS_ALLOWED_IPS):
        off = "Metrics are off (set METRICS_TOKEN or METRICS_ALLOWED_IPS).\n"
        return HttpResponse(off, status=404, content_type="text/plain")
    if not _allowed(request):
        response = HttpResponse("Not allowed.\n", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    service = CollectorRegistry(auto_describe=False)
    service.register(ServiceCollector())
    body = generate_latest(_request_registry()) + generate_latest(service)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
