"""The email outbox as organisers see it: every email's status, and sending failed ones again."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from registrations.delivery import notification_retry
from registrations.models import EmailText, Notification
from registrations.seminar_changes import change_rows


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
    # Nothing here is editable: an organiser must not be able to redirect an email and resend
    # it, nor rewrite what an email said (its announcement, a change notice's changes, the
    # organisers' note) after the fact. The raw changes are shown in words instead.
    fields = (
        "registration",
        "kind",
        "recipient",
        "reminder_key",
        "announcement",
        "changes_in_words",
        "note",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    )
    readonly_fields = fields
    actions = ("retry_failed",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        # A change notice's page words its changes against the seminar.
        return super().get_queryset(request).select_related("registration__seminar")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        """Sending again is an organiser's act (the model's change permission), though no field
        of an email can be changed here."""
        return request.user.has_perm("registrations.change_notification")

    @admin.display(description=_("changes"))
    def changes_in_words(self, notification: Notification) -> str:
        """A change notice's changes as the email words them, in the organiser's language and
        in Hong Kong time: "When: 12 August 2030 ... → 19 August 2030 ..."."""
        if notification.kind != Notification.Kind.SEMINAR_CHANGED or not notification.changes:
            return "—"
        rows = change_rows(
            changes=notification.changes,
            seminar=notification.registration.seminar,
            language=get_language(),
        )
        colon = pgettext("between a label and its value", ": ")
        return format_html_join(
            "",
            "<div>{}{}{}</div>",
            (
                (
                    row.label,
                    colon,
                    gettext("%(before)s → %(after)s") % {"before": row.before, "after": row.after},
                )
                for row in rows
            ),
        )

    @admin.action(description=_("Send failed emails again"), permissions=("retry",))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = sum(notification_retry(notification=notification) for notification in queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
