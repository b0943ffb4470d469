"""Is the background work keeping up? Heartbeats of the scheduler and the task workers, and the
age of the oldest email and task waiting, read by /readyz and the metrics.

The scheduler records its own beat on every pass and queues a heartbeat task for the workers;
a worker that runs it records theirs. So a stopped scheduler, a stopped worker or a queue that
is not draining each shows up on its own, even when no email is waiting.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.tasks import task
from django.utils import timezone

from .models import Heartbeat, Notification, Registration
from .task_queue import oldest_ready_task_queued_at, task_enqueue_unless_waiting

SCHEDULER = "scheduler"
WORKER = "worker"


def heartbeat_record(*, name: str, now: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or timezone.now()})


@task()
def worker_heartbeat_record() -> None:
    """Run by whichever worker takes it: proof that some worker is taking tasks."""
    heartbeat_record(name=WORKER)


def worker_heartbeat_request() -> None:
    """Queue the workers' heartbeat task, unless one is waiting already (a stopped worker must
    not find a pile of them when it comes back). Called by the scheduler on every pass."""
    task_enqueue_unless_waiting(worker_heartbeat_record)


def _seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else max(delta.total_seconds(), 0.0)


@dataclass(frozen=True)
class BackgroundHealth:
    """Ages in seconds; None where there is nothing to measure (no email waiting, never beat)."""

    scheduler_age: float | None
    worker_age: float | None
    oldest_email_age: float | None
    oldest_task_age: float | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def oldest_due_email_age(*, now: datetime) -> float | None:
    """How long the oldest email that is due has been waiting. Emails spread over time by the
    sending rate, or waiting for a retry, are not due yet and do not count."""
    due = Notification.objects.filter(status=Notification.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    oldest = due.aggregate(at=Min(Coalesce("next_attempt_at", "created_at")))["at"]
    return _seconds(now - oldest) if oldest else None


def oldest_ready_task_age(*, now: datetime) -> float | None:
    """How long the oldest task that may start has been waiting (database queue only)."""
    oldest = oldest_ready_task_queued_at(worker_heartbeat_record, now=now)
    return _seconds(now - oldest) if oldest else None


def background_health(*, now: datetime | None = None) -> BackgroundHealth:
    """The four ages and, for each over its limit (settings.READINESS_*), a sentence saying
    what is wrong, for the people on call (in English: it is read by monitoring, not shown on
    a page)."""
    now = now or timezone.now()
    beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
    scheduler_age = _seconds(now - beats[SCHEDULER]) if SCHEDULER in beats else None
    worker_age = _seconds(now - beats[WORKER]) if WORKER in beats else None
    email_age = oldest_due_email_age(now=now)
    task_age = oldest_ready_task_age(now=now)

    problems = []
    scheduler_limit = settings.READINESS_SCHEDULER_MAX_AGE_SECONDS
    if scheduler_age is None:
        problems.append("The scheduler has never run.")
    elif scheduler_age > scheduler_limit:
        problems.append(f"The scheduler last ran {scheduler_age:.0f} seconds ago.")
    worker_limit = settings.READINESS_WORKER_MAX_AGE_SECONDS
    # Before the scheduler's first pass nobody asked the workers for a beat: that is the
    # scheduler's problem, already reported.
    if worker_age is None and scheduler_age is not None:
        problems.append("No task worker has run the heartbeat task yet.")
    elif worker_age is not None and worker_age > worker_limit:
        problems.append(f"No task worker has taken a task for {worker_age:.0f} seconds.")
    queue_limit = settings.READINESS_QUEUE_MAX_AGE_SECONDS
    if email_age is not None and email_age > queue_limit:
        problems.append(f"The oldest email due has waited {email_age:.0f} seconds.")
    if task_age is not None and task_age > queue_limit:
        problems.append(f"The oldest task has waited {task_age:.0f} seconds to start.")
    return BackgroundHealth(
        scheduler_age=scheduler_age,
        worker_age=worker_age,
        oldest_email_age=email_age,
        oldest_task_age=task_age,
        problems=problems,
    )


def registrations_by_status() -> dict[str, int]:
    """How many registrations are in each state, over every seminar."""
    counts = Registration.objects.values_list("status").annotate(n=Count("pk")).order_by()
    return {status: 0 for status in Registration.Status.values} | dict(counts)


def emails_by_status() -> dict[str, int]:
    """How many emails are in each state of the outbox (waiting, sending, sent, failed...)."""
    counts = Notification.objects.values_list("status").annotate(n=Count("pk")).order_by()
    return {status: 0 for status in Notification.Status.values} | dict(counts)
