"""The email outbox as organisers see it: every email's status, and sending failed ones again."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from registrations.delivery import notification_retry
from registrations.models import EmailText, Notification


class EmailTextInline(TranslationStackedInline):
    """Shown on the seminar: the organiser's opening paragraph for each kind of email."""

    model = EmailText
    extra = 0


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "registration",
        "kind",
        "recipient",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind", "registration__seminar")
    search_fields = ("registration__email", "registration__name_en", "registration__name_zh")
    list_select_related = ("registration",)
    # Nothing here is editable: an organiser must not be able to redirect an email and resend it.
    readonly_fields = (
        "registration",
        "kind",
        "recipient",
        "reminder_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    )
    actions = ("retry_failed",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Send failed emails again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = sum(notification_retry(notification=notification) for notification in queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
