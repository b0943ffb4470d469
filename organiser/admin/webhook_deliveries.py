"""Webhook deliveries for organisers who are not developers: each event in the words of the
endpoint's form, where a delivery stands ("Failed, retrying at 14:05 (attempt 2)") and why it
failed in plain words, the raw error still on its page; retried now or sent again by those who
may."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registrations.errors import RegistrationError
from registrations.models import PING, WebhookDelivery, WebhookEvent
from registrations.webhooks import webhook_deliveries_retry_now, webhook_delivery_resend

from .columns import when_short

Status = WebhookDelivery.Status
EVENT_LABELS = {**dict(WebhookEvent.choices), PING: _("Test event (sent from the admin)")}


def event_label(event: str) -> str:
    """The event as the endpoint's form names it; an unknown one (an old row) as it is."""
    return str(EVENT_LABELS.get(event, event))


def status_words(delivery: WebhookDelivery) -> str:
    if delivery.status == Status.PENDING and delivery.attempts:
        return gettext("Failed, retrying at %(time)s (attempt %(number)d)") % {
            "time": when_short(delivery.next_attempt_at),
            "number": delivery.attempts + 1,
        }
    return str(delivery.get_status_display())


# What worker errors look like (webhook_delivery._post), most specific first.
TIMEOUT_MARKS = ("timed out", "timeout")
UNREACHABLE_MARKS = ("refused", "unreachable", "reset by peer", "no route")
UNKNOWN_HOST_MARKS = ("gaierror", "name or service not known", "nodename nor servname")


def error_words(delivery: WebhookDelivery) -> str:
    """The last error as an organiser reads it; the raw text where no plain words fit."""
    error = delivery.last_error
    lowered = error.lower()
    if not error:
        return "—"
    if delivery.response_status:
        return gettext("The receiver answered HTTP %(status)d") % {
            "status": delivery.response_status
        }
    if any(mark in lowered for mark in TIMEOUT_MARKS):
        return gettext("The receiver did not answer within %(seconds)s seconds") % {
            "seconds": f"{settings.WEBHOOK_TIMEOUT_SECONDS:g}"
        }
    if any(mark in lowered for mark in UNKNOWN_HOST_MARKS):
        return gettext("The receiver's host name could not be found")
    if any(mark in lowered for mark in UNREACHABLE_MARKS):
        return gettext("The receiver could not be reached")
    if error == "endpoint switched off":
        return gettext("The endpoint is switched off")
    if error == "personal data removed before it was sent":
        return gettext("The registrant's personal data was removed before it was sent")
    return error


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [(event, event_label(event)) for event in [*WebhookEvent.values, PING]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    # At 360 px the first columns are what an organiser looks for: what, how it went, who, when.
    list_display = (
        "event_display",
        "status_display",
        "registration",
        "when",
        "endpoint",
        "error_display",
    )
    list_filter = ("status", EventFilter, "endpoint")
    list_select_related = ("endpoint", "registration")
    search_fields = ("registration__email", "message_id")
    # Nothing here is editable: what was posted, and what the receiver answered, is the record.
    fields = (
        "endpoint",
        "event_display",
        "event",
        "message_id",
        "registration",
        "status_display",
        "attempts",
        "response_status",
        "error_display",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "payload",
    )
    readonly_fields = fields
    actions = ("retry_now", "resend")

    @admin.display(description=_("event"), ordering="event")
    def event_display(self, delivery: WebhookDelivery) -> str:
        return event_label(delivery.event)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, delivery: WebhookDelivery) -> str:
        return status_words(delivery)

    @admin.display(description=_("created at"), ordering="created_at")
    def when(self, delivery: WebhookDelivery) -> str:
        return when_short(delivery.created_at)

    @admin.display(description=_("what went wrong"))
    def error_display(self, delivery: WebhookDelivery) -> str:
        return error_words(delivery)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        """Sending again is an organiser's act, though nothing of a delivery can be changed."""
        return request.user.has_perm("registrations.change_webhookendpoint")

    @admin.action(
        description=_("Send the selected sent or failed deliveries again (a copy)"),
        permissions=["resend"],
    )
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        """Each as a new delivery of the same message (same payload and Webhook-Id, so the
        receiver can tell it is a copy); the old rows keep their history. Refused for one still
        waiting: its copy would arrive after later events."""
        copies, refused = [], []
        for delivery in queryset.select_related("endpoint").order_by("pk"):
            try:
                copies.append(webhook_delivery_resend(delivery=delivery))
            except RegistrationError as refusal:
                refused.append(refusal.message)
            else:
                self.log_change(
                    request,
                    delivery,
                    gettext("Sent again as a copy with the same Webhook-Id."),
                )
        if copies:
            messages.success(
                request,
                ngettext(
                    "%(count)d delivery queued again: it is listed below.",
                    "%(count)d deliveries queued again: they are listed below.",
                    len(copies),
                )
                % {"count": len(copies)},
            )
        for message in sorted(set(map(str, refused))):
            messages.error(request, message)

    @admin.action(
        description=_("Retry the selected waiting deliveries now"), permissions=["resend"]
    )
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        due = webhook_deliveries_retry_now(deliveries=list(queryset))
        for delivery in due:
            self.log_change(request, delivery, gettext("Retried now."))
        if due:
            messages.success(
                request,
                ngettext(
                    "%(count)d waiting delivery is being sent now (after any earlier one for "
                    "the same registration).",
                    "%(count)d waiting deliveries are being sent now (each after any earlier "
                    "one for the same registration).",
                    len(due),
                )
                % {"count": len(due)},
            )
        skipped = queryset.count() - len(due)
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d selected delivery was not waiting: only waiting ones can be "
                    "retried now. Send a sent or failed one again instead.",
                    "%(count)d selected deliveries were not waiting: only waiting ones can be "
                    "retried now. Send a sent or failed one again instead.",
                    skipped,
                )
                % {"count": skipped},
            )
