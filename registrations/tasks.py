"""Background tasks: thin wrappers that take ids and call the delivery services."""

from django.tasks import task

from .delivery import notification_deliver


@task()
def notification_send(*, notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)
