"""A webhook endpoint in the demo, so a newcomer finds one in the admin with a history to read:
switched off (nothing listens at its address), with deliveries from the 2022 seminar as a CRM
would have received them, one of them failed after its retries."""

import uuid
from datetime import timedelta

from seminar.models import Seminar

from .models import Registration, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .webhook_delivery import RETRY_DELAYS_MINUTES
from .webhooks import registration_payload

DEMO_ENDPOINT_NAME = "Example CRM (switched off)"
# Where a receiver would listen on this machine; `docs/webhooks.md` shows one to start.
DEMO_ENDPOINT_URL = "http://127.0.0.1:8765/webhooks/"
HISTORY = 6


def webhooks_demo_load(*, seminar: Seminar) -> list[str]:
    if WebhookEndpoint.objects.filter(name=DEMO_ENDPOINT_NAME).exists():
        return ["The demo webhook endpoint was already loaded; left as it is."]
    endpoint = WebhookEndpoint.objects.create(
        name=DEMO_ENDPOINT_NAME,
        url=DEMO_ENDPOINT_URL,
        events=[
            WebhookEvent.REGISTRATION_CREATED,
            WebhookEvent.REGISTRATION_CANCELLED,
            WebhookEvent.REGISTRATION_PROMOTED,
        ],
        active=False,
    )
    registrations = Registration.objects.filter(seminar=seminar).order_by("created_at")[:HISTORY]
    deliveries = []
    for index, registration in enumerate(registrations):
        message_id = uuid.uuid4()
        created = registration.created_at
        failed = index == len(registrations) - 1
        deliveries.append(
            WebhookDelivery(
                endpoint=endpoint,
                event=WebhookEvent.REGISTRATION_CREATED,
                message_id=message_id,
                registration=registration,
                payload={
                    "id": str(message_id),
                    "event": WebhookEvent.REGISTRATION_CREATED,
                    "created_at": created.isoformat(),
                    "data": {"registration": registration_payload(registration)},
                },
                status=WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.SENT,
                attempts=len(RETRY_DELAYS_MINUTES) + 1 if failed else 1,
                last_attempt_at=created + timedelta(minutes=sum(RETRY_DELAYS_MINUTES))
                if failed
                else created + timedelta(seconds=1),
                response_status=503 if failed else 200,
                last_error="HTTP 503 Service Unavailable" if failed else "",
                sent_at=None if failed else created + timedelta(seconds=1),
            )
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    return [
        f"Created the webhook endpoint “{DEMO_ENDPOINT_NAME}” (switched off) with "
        f"{len(deliveries)} past deliveries, one failed."
    ]
