"""What the database task queue (django_tasks_db) lets us see: whether a task is already
waiting, and how long the oldest has waited. Other backends (the immediate one in the tests)
show nothing, and these answer accordingly."""

from datetime import datetime

from django.db.models import Min, Q
from django.tasks import Task, TaskResultStatus


def database_queue(task: Task):
    """The task's backend when it is the database's (django_tasks_db), else None."""
    from django_tasks_db import DatabaseBackend

    backend = task.get_backend()
    return backend if isinstance(backend, DatabaseBackend) else None


def task_enqueue_unless_waiting(task: Task) -> None:
    """Queue `task` (no arguments) unless one is waiting to start already. A task already
    running does not count: it may have looked at its work before the caller wrote some."""
    from django_tasks_db.models import DBTaskResult

    backend = database_queue(task)
    if backend is not None:
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path, backend_name=backend.alias
        )
        if waiting.exists():
            return
    task.enqueue()


def oldest_ready_task_queued_at(task: Task, *, now: datetime) -> datetime | None:
    """When the oldest task of `task`'s queue that may start became ready (None when none is,
    or the queue is not the database's)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = database_queue(task)
    if backend is None:
        return None
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, backend_name=backend.alias)
    # The queue marks "no time set" with a far-future date: those wait since they were queued;
    # the others since their time came.
    oldest = ready.aggregate(
        queued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        due=Min("run_after", filter=Q(run_after__lte=now)),
    )
    times = [at for at in oldest.values() if at is not None]
    return min(times) if times else None
