"""Background tasks: thin wrappers that take ids and call the delivery services."""

from django.tasks import task

from .delivery import notification_deliver
from .privacy import personal_data_purge


@task()
def notification_send(*, notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)


@task()
def personal_data_purge_daily() -> int:
    """The daily clean-up, enqueued by the scheduler; returns how many it anonymised."""
    return personal_data_purge().registrations
