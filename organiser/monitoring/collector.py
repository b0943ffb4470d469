"""The service's figures for Prometheus, read from the database at each scrape, so every app
server reports the same totals whichever of them the scraper reaches."""

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from registrations.health import background_health, emails_by_status, registrations_by_status


def _age(name: str, documentation: str, seconds: float | None) -> GaugeMetricFamily:
    # Nothing waiting, or never seen, is NaN: a graph shows a gap, an alert on "> limit" is quiet
    # for an empty queue; `absent()`-style alerts catch a process that never started.
    return GaugeMetricFamily(
        name, documentation, value=float("nan") if seconds is None else seconds
    )


class ServiceCollector(Collector):
    def collect(self):
        registrations = registrations_by_status()
        total = CounterMetricFamily(
            "seminar_registrations",
            "Registrations ever made (cancelled ones included).",
            value=sum(registrations.values()),
        )
        yield total
        by_status = GaugeMetricFamily(
            "seminar_registrations_by_status", "Registrations in each state.", labels=["status"]
        )
        for status, count in sorted(registrations.items()):
            by_status.add_metric([status], count)
        yield by_status

        emails = emails_by_status()
        email_gauge = GaugeMetricFamily(
            "seminar_emails",
            "Emails in the outbox by state: pending (queued), sending, sent, failed, skipped.",
            labels=["status"],
        )
        for status, count in sorted(emails.items()):
            email_gauge.add_metric([status], count)
        yield email_gauge

        health = background_health()
        yield _age(
            "seminar_email_queue_oldest_age_seconds",
            "How long the oldest email that is due has been waiting.",
            health.oldest_email_age,
        )
        yield _age(
            "seminar_task_queue_oldest_age_seconds",
            "How long the oldest task that may start has been waiting.",
            health.oldest_task_age,
        )
        yield _age(
            "seminar_scheduler_last_run_age_seconds",
            "Seconds since the scheduler's last pass.",
            health.scheduler_age,
        )
        yield _age(
            "seminar_worker_last_seen_age_seconds",
            "Seconds since a task worker last ran the heartbeat task.",
            health.worker_age,
        )
        yield GaugeMetricFamily(
            "seminar_background_ready",
            "1 when /readyz is satisfied (scheduler, workers and queues within their limits).",
            value=1 if health.ok else 0,
        )
