"""Webhook events: which change is which event, what is posted, and the organisers' endpoint
actions (a new secret, a test event, a resend). Sending is webhook_delivery.py's.

Every state change is written to the audit log (audit.py), and audit_record calls
webhook_events_record in the same transaction: the deliveries exist exactly when the change does,
and no service can forget to emit one. The registration path pays nothing when no endpoint is
active (a cached flag, see webhooks_any_active) and never talks to a receiver: it writes rows and
queues their sending on commit.

Payload (docs/webhooks.md):
    {"id": "<uuid>", "event": "registration.created", "created_at": "<ISO 8601>",
     "data": {"registration": {...}, "certificate": {...} (certificate.issued only)}}
"""

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .errors import RegistrationError
from .models import (
    PING,
    AuditEntry,
    Certificate,
    Registration,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    webhook_secret_generate,
)
from .webhook_delivery import webhook_deliveries_enqueue

Action = AuditEntry.Action
Event = WebhookEvent

# Whether any endpoint is active, so the registration path skips the look-up when none is. Kept
# briefly: without a shared cache (REDIS_URL) each process has its own copy, which the admin's
# change cannot clear, so a new endpoint is heard by every process within this many seconds.
ANY_ACTIVE_KEY = "webhooks:any-active"
ANY_ACTIVE_SECONDS = 60

# An action whose outcome is in details["status"] announces that outcome too.
OUTCOME_EVENTS = {
    Registration.Status.CONFIRMED: Event.REGISTRATION_CONFIRMED,
    Registration.Status.WAITLISTED: Event.REGISTRATION_WAITLISTED,
}
ACTION_EVENTS = {
    Action.REGISTERED: Event.REGISTRATION_CREATED,
    Action.CONFIRMED: Event.REGISTRATION_CONFIRMED,
    Action.PROMOTED: Event.REGISTRATION_PROMOTED,
    Action.CANCELLED: Event.REGISTRATION_CANCELLED,
    Action.APPROVED: Event.REGISTRATION_APPROVED,
    Action.DECLINED: Event.REGISTRATION_DECLINED,
    Action.CHECKED_IN: Event.REGISTRATION_CHECKED_IN,
    Action.CERTIFICATE_ISSUED: Event.CERTIFICATE_ISSUED,
    # Everything else a receiver mirroring registrations must learn (what the API's
    # updated_since sync sees too).
    Action.UPDATED: Event.REGISTRATION_UPDATED,
    Action.MODE_CHANGED: Event.REGISTRATION_UPDATED,
    Action.EMAIL_CONFIRMED: Event.REGISTRATION_UPDATED,
    Action.CHECK_IN_UNDONE: Event.REGISTRATION_UPDATED,
    Action.ATTENDANCE: Event.REGISTRATION_UPDATED,
}
# Written with an UPDATE, so the instance the audit entry holds is the one read before it.
REREAD_ACTIONS = {Action.CHECKED_IN, Action.CHECK_IN_UNDONE}

RESEND_EMPTY = _("This delivery's content was removed with the registrant's personal data.")
RESEND_WAITING = _(
    "A delivery still waiting or being sent cannot be sent again: a copy would arrive after "
    "later events. Use “Retry the selected waiting deliveries now” to send a waiting one sooner."
)


def webhook_events_for(*, entry: AuditEntry) -> list[str]:
    """The events an audit entry announces, in the order a receiver gets them: a registration
    is created, then confirmed or waitlisted; an approval, then its outcome."""
    event = ACTION_EVENTS.get(entry.action)
    if event is None:
        return []
    events = [event]
    if entry.action in (Action.REGISTERED, Action.APPROVED):
        outcome = OUTCOME_EVENTS.get((entry.details or {}).get("status"))
        if outcome is not None:
            events.append(outcome)
    return events


def webhooks_any_active() -> bool:
    """Whether any endpoint is active: one query when the cache has forgotten, else none."""
    flag = cache.get(ANY_ACTIVE_KEY)
    if flag is None:
        flag = WebhookEndpoint.objects.filter(active=True).exists()
        cache.set(ANY_ACTIVE_KEY, flag, ANY_ACTIVE_SECONDS)
    return flag


def webhooks_any_active_forget(**kwargs) -> None:
    """An endpoint was saved or deleted: forget the flag now, and again once the change commits,
    so a registration reading the old state in between cannot keep it cached."""
    cache.delete(ANY_ACTIVE_KEY)
    transaction.on_commit(lambda: cache.delete(ANY_ACTIVE_KEY))


def _moment(value) -> str | None:
    """As the API writes moments: local time with its offset ("2030-12-01T17:30:00+08:00")."""
    return timezone.localtime(value).isoformat() if value else None


def registration_payload(registration: Registration) -> dict[str, Any]:
    """What a receiver learns of a registration: the registrant's own details and where the
    booking stands. Not the private tokens (the manage link, the join link, the check-in code)."""
    return {
        "id": registration.pk,
        "seminar": registration.seminar.slug,
        "status": registration.status,
        "attendance_mode": registration.attendance_mode,
        "salutation": registration.salutation,
        "name_en": registration.name_en,
        "name_zh": registration.name_zh,
        "email": registration.email,
        "phone": registration.phone,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "participant_type": registration.participant_type,
        "organisation_size": registration.organisation_size,
        "region": registration.region,
        "industry": registration.industry,
        "preferred_language": registration.preferred_language,
        "source": registration.source,
        "news_opt_in": registration.news_opt_in,
        "created_at": _moment(registration.created_at),
        "confirmed_at": _moment(registration.confirmed_at),
        "waitlisted_at": _moment(registration.waitlisted_at),
        "reviewed_at": _moment(registration.reviewed_at),
        "cancelled_at": _moment(registration.cancelled_at),
        "checked_in_at": _moment(registration.checked_in_at),
        "anonymised_at": _moment(registration.anonymised_at),
        "updated_at": _moment(registration.updated_at),
    }


def certificate_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "code": certificate.code,
        "name_en": certificate.name_en,
        "name_zh": certificate.name_zh,
        "hours": str(certificate.hours),
        "issued_at": _moment(certificate.issued_at),
        "verify_path": reverse("registrations:certificate_verify", args=[certificate.code]),
    }


def _data(entry: AuditEntry) -> dict[str, Any]:
    registration = entry.registration
    if entry.action in REREAD_ACTIONS:
        seminar = registration.seminar
        registration = Registration.objects.get(pk=registration.pk)
        registration.seminar = seminar
    data = {"registration": registration_payload(registration)}
    if entry.action == Action.CERTIFICATE_ISSUED:
        certificate = Certificate.objects.get(code=entry.details["code"])
        data["certificate"] = certificate_payload(certificate)
    return data


def _envelope(*, message_id: uuid.UUID, event: str, created_at, data: dict) -> dict[str, Any]:
    return {"id": str(message_id), "event": event, "created_at": created_at, "data": data}


def _send_on_commit(deliveries: list[WebhookDelivery]) -> None:
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: webhook_deliveries_enqueue(delivery_ids=ids))


def webhook_events_record(*, entry: AuditEntry) -> list[WebhookDelivery]:
    """Write a delivery for each event this audit entry announces to each active endpoint that
    asked for it (for every seminar, or for this one), and queue their sending on commit.
    Call it inside the transaction that made the change."""
    events = webhook_events_for(entry=entry)
    if not events or entry.registration is None or not webhooks_any_active():
        return []
    endpoints = WebhookEndpoint.objects.filter(active=True).filter(
        Q(seminar__isnull=True) | Q(seminar_id=entry.seminar_id)
    )
    wanted = [(endpoint, event) for endpoint in endpoints for event in events]
    wanted = [(endpoint, event) for endpoint, event in wanted if event in endpoint.events]
    if not wanted:
        return []
    data = _data(entry)
    created_at = _moment(entry.created_at)
    deliveries = []
    for endpoint, event in wanted:
        message_id = uuid.uuid4()
        deliveries.append(
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                message_id=message_id,
                registration=entry.registration,
                audit_entry=entry,
                payload=_envelope(
                    message_id=message_id, event=event, created_at=created_at, data=data
                ),
            )
        )
    deliveries = WebhookDelivery.objects.bulk_create(deliveries)
    _send_on_commit(deliveries)
    return deliveries


def webhook_anonymised_record(
    *, seminar: Seminar, registrations: list[Registration]
) -> list[WebhookDelivery]:
    """Tell the endpoints that asked for it that these registrations' personal data is gone
    (privacy.py, in its transaction, after emptying the earlier payloads): two queries for a
    seminar's registrations, whatever their number. The payload names nobody."""
    event = Event.REGISTRATION_ANONYMISED
    if not registrations or not webhooks_any_active():
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True).filter(
            Q(seminar__isnull=True) | Q(seminar_id=seminar.pk)
        )
        if event in endpoint.events
    ]
    deliveries = []
    for endpoint in endpoints:
        for registration in registrations:
            message_id = uuid.uuid4()
            data = {
                "registration": {
                    "id": registration.pk,
                    "seminar": seminar.slug,
                    "anonymised_at": _moment(registration.anonymised_at),
                    "updated_at": _moment(registration.updated_at),
                }
            }
            deliveries.append(
                WebhookDelivery(
                    endpoint=endpoint,
                    event=event,
                    message_id=message_id,
                    registration=registration,
                    payload=_envelope(
                        message_id=message_id,
                        event=event,
                        created_at=_moment(registration.anonymised_at),
                        data=data,
                    ),
                )
            )
    if not deliveries:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    _send_on_commit(deliveries)
    return deliveries


@transaction.atomic
def webhook_ping_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a test event (`ping`) to the endpoint, active or not, so organisers can check that
    the receiver answers and verifies the signature."""
    message_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=PING,
        message_id=message_id,
        payload=_envelope(
            message_id=message_id,
            event=PING,
            created_at=_moment(timezone.now()),
            data={"endpoint": {"id": endpoint.pk, "name": endpoint.name}},
        ),
    )
    _send_on_commit([delivery])
    return delivery


@transaction.atomic
def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queue the same message again as a new delivery: the same payload and message id (so a
    receiver can tell it is a copy), signed afresh when it goes; the old row keeps its history.
    It goes after anything still waiting for the same registration, so only a delivery that is
    done (sent or failed) can be sent again; one still waiting is retried instead."""
    if not delivery.payload:
        raise RegistrationError(RESEND_EMPTY, code="webhook_payload_removed")
    if delivery.status in (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING):
        raise RegistrationError(RESEND_WAITING, code="webhook_delivery_waiting")
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        message_id=delivery.message_id,
        registration=delivery.registration,
        payload=delivery.payload,
    )
    _send_on_commit([copy])
    return copy


@transaction.atomic
def webhook_deliveries_retry_now(*, deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """Make the waiting deliveries among these due now and queue them: the same row, not a copy,
    so nothing arrives twice. The order rule still holds: one that waits for an earlier delivery
    about the same registration goes as soon as that one is done. Returns those made due."""
    now = timezone.now()
    ids = [delivery.pk for delivery in deliveries]
    waiting = WebhookDelivery.objects.filter(pk__in=ids, status=WebhookDelivery.Status.PENDING)
    due = list(waiting.order_by("pk"))
    waiting.update(next_attempt_at=now)
    _send_on_commit(due)
    return due


def webhook_secret_regenerate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret, used from the next attempt on (deliveries waiting included)."""
    endpoint.secret = webhook_secret_generate()
    endpoint.save(update_fields=["secret"])
    return endpoint
