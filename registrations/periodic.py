"""Periodic work of the apps above the domain, run by the scheduler command.

The scheduler is domain code and may not import the API (the layers' rule), yet the API has
housekeeping of its own (forgetting old idempotency keys). So an app registers its jobs here
when it starts (its AppConfig.ready) and the scheduler runs whatever is registered.
"""

from collections.abc import Callable

_jobs: dict[str, Callable[[], int]] = {}


def periodic_register(name: str, job: Callable[[], int]) -> None:
    """Run `job` (no arguments; returns how many things it did) on every scheduler pass."""
    _jobs[name] = job


def periodic_run() -> dict[str, int]:
    """Run every registered job; returns what each did, by name."""
    return {name: job() for name, job in _jobs.items()}
