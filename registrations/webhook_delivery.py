"""Sending webhook deliveries: the worker's side of the webhooks outbox (webhooks.py writes it).

At least once, in order per registration and endpoint: a delivery is claimed (pending ->
sending) by one UPDATE that also requires that nothing earlier for the same endpoint and
registration is still waiting, so two workers cannot both send it and a later event never
overtakes an earlier one that is being retried. When a delivery is done (sent, or failed after
every retry) the next one for that registration is queued. The request is posted outside any
transaction, with a timeout, from the worker only; a dead or slow receiver costs a registration
nothing. A worker that dies mid-send leaves its row in "sending"; the scheduler puts it back after
SENDING_TIMEOUT (webhook_deliveries_requeue_stale), and the receiver may then get it twice, with
the same Webhook-Id.

Signature (docs/webhooks.md): Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">,
keyed with the endpoint's secret, Webhook-Timestamp in Unix seconds.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.tasks import default_task_backend, task
from django.utils import timezone

from .errors import RegistrationError
from .models import PING, WebhookDelivery
from .webhooks_addresses import webhook_url_check

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status

# Minutes before each retry; after the last one the delivery is marked failed (about 21 hours).
RETRY_DELAYS_MINUTES = (1, 5, 30, 120, 360, 720)
SENDING_TIMEOUT = timedelta(minutes=5)
# A new delivery whose task never ran (the enqueue was lost) is queued again after this long.
PENDING_GRACE = timedelta(minutes=5)
USER_AGENT = "SeminarRegistration-Webhooks/1"
ERROR_LENGTH = 500


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Webhook-Signature header's value for this body sent at this time."""
    signed = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _earlier_waiting():
    """An earlier delivery to the same endpoint about the same registration that has not
    finished. A test event has no registration and waits for nothing."""
    return Exists(
        WebhookDelivery.objects.filter(
            endpoint=OuterRef("endpoint"),
            registration=OuterRef("registration"),
            pk__lt=OuterRef("pk"),
            status__in=[Status.PENDING, Status.SENDING],
        )
    )


def _due(now: datetime):
    """Pending deliveries whose time has come and whose turn it is."""
    return WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        ~_earlier_waiting(),
        status=Status.PENDING,
    )


def _enqueue(delivery_id: int, *, run_after: datetime | None = None) -> None:
    send = webhook_send
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the scheduler queues it when its time has come
        send = send.using(run_after=run_after)
    send.enqueue(delivery_id=delivery_id)


def webhook_deliveries_enqueue(*, delivery_ids: list[int]) -> None:
    """Queue the sending of new deliveries (webhooks.py, on commit). A delivery whose turn has
    not come finds that out when its task runs, and is queued again when it has."""
    for delivery_id in delivery_ids:
        _enqueue(delivery_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could lead to an address the
    check refused."""

    def redirect_request(self, *args, **kwargs):
        return None


# No proxy from the environment: the address check is about where the request really goes.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Post the delivery once; (HTTP status or None, error text or "")."""
    endpoint = delivery.endpoint
    try:
        webhook_url_check(url=endpoint.url)
    except RegistrationError as refusal:
        return None, str(refusal.message)
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    # The receiver compares this with its own clock, so it is the real time, never a test's.
    timestamp = int(time.time())
    # webhook_url_check above let only http(s) through.
    request = urllib.request.Request(  # noqa: S310
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Webhook-Id": str(delivery.message_id),
            "Webhook-Event": delivery.event,
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": webhook_signature(
                secret=endpoint.secret, timestamp=timestamp, body=body
            ),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(4096)
            status = response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Try one delivery now if it is due and its turn has come; record the outcome, schedule
    the retry or, when it is done, queue the next one for its registration. Safe to call twice
    or from two workers. Returns whether an attempt was made."""
    moment = now or timezone.now()
    claimed = (
        _due(moment)
        .filter(pk=delivery_id)
        .update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=moment,
            next_attempt_at=None,
        )
    )
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.payload:
        code, error, final = None, "personal data removed before it was sent", True
    elif not delivery.endpoint.active and delivery.event != PING:
        code, error, final = None, "endpoint switched off", True
    else:
        code, error = _post(delivery)
        final = not error or delivery.attempts > len(RETRY_DELAYS_MINUTES)
    fields = {"response_status": code, "last_error": error[:ERROR_LENGTH]}
    if not error:
        fields.update(status=Status.SENT, sent_at=timezone.now())
    elif final:
        fields.update(status=Status.FAILED)
    else:
        delay = timedelta(minutes=RETRY_DELAYS_MINUTES[delivery.attempts - 1])
        fields.update(status=Status.PENDING, next_attempt_at=moment + delay)
    marked = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(**fields)
    if not marked:
        logger.warning("Webhook delivery %s finished after it had been re-queued", delivery.pk)
    elif not final:
        logger.warning("Webhook delivery %s failed, retrying: %s", delivery.pk, error)
        _enqueue(delivery.pk, run_after=fields["next_attempt_at"])
    elif delivery.registration_id is not None:
        _next_enqueue(delivery, now=moment)
    return True


def _next_enqueue(delivery: WebhookDelivery, *, now: datetime) -> None:
    """Its turn has come for the next delivery about the same registration to the same endpoint."""
    following = (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            registration_id=delivery.registration_id,
            status=Status.PENDING,
            pk__gt=delivery.pk,
        )
        .order_by("pk")
        .values_list("pk", "next_attempt_at")
        .first()
    )
    if following is not None:
        delivery_id, next_attempt_at = following
        later = next_attempt_at is not None and next_attempt_at > now
        _enqueue(delivery_id, run_after=next_attempt_at if later else None)


def webhooks_deliver_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Attempt every delivery that is due, oldest first, until none is left (each attempt can
    let the next one for its registration go). For tests and the odd manual run; workers send
    one delivery per task. Returns the number of attempts."""
    moment = now or timezone.now()
    attempts = 0
    while attempts < limit:
        delivery_id = _due(moment).order_by("pk").values_list("pk", flat=True).first()
        if delivery_id is None or not webhook_delivery_attempt(delivery_id=delivery_id, now=now):
            break
        attempts += 1
    return attempts


def webhook_deliveries_requeue_stale(*, now: datetime | None = None) -> int:
    """The scheduler's sweep: put back deliveries stuck in "sending" (a worker died) and queue
    those due whose task was lost or could not be deferred. Returns how many were queued."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=now - SENDING_TIMEOUT
    ).update(status=Status.PENDING, next_attempt_at=now)
    stale = _due(now).filter(
        Q(next_attempt_at__isnull=False) | Q(created_at__lt=now - PENDING_GRACE)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)


@task()
def webhook_send(*, delivery_id: int) -> None:
    """The worker's task: try one delivery (see webhook_delivery_attempt)."""
    webhook_delivery_attempt(delivery_id=delivery_id)
