"""People waiting to hear that registration opens, as organisers see them: read-only, per
seminar, with any failed send and its error. The alerts are sent and deleted by the scheduler
(registrations/opening_alerts.py); nobody adds, changes or deletes one here."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registrations.models import OpeningAlert
from registrations.opening_alerts import MAX_ATTEMPTS

from .columns import email_wrappable, seminar_short, when_short


@admin.register(OpeningAlert)
class OpeningAlertAdmin(admin.ModelAdmin):
    list_display = ("email_column", "seminar_column", "language", "asked", "state", "attempts")
    list_filter = ("seminar", "language")
    search_fields = ("email",)
    list_select_related = ("seminar",)
    fields = (
        "seminar",
        "email",
        "language",
        "consent_at",
        "created_at",
        "attempts",
        "sending_since",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description=_("email"), ordering="email")
    def email_column(self, alert: OpeningAlert) -> str:
        return email_wrappable(alert.email)

    @admin.display(description=_("seminar"), ordering="seminar")
    def seminar_column(self, alert: OpeningAlert) -> str:
        return seminar_short(alert.seminar)

    @admin.display(description=_("asked at"), ordering="created_at")
    def asked(self, alert: OpeningAlert) -> str:
        return when_short(alert.created_at)

    @admin.display(description=_("state"))
    def state(self, alert: OpeningAlert) -> str:
        if alert.last_error and alert.attempts >= MAX_ATTEMPTS:
            return _("Failed: no more tries")
        if alert.last_error:
            return _("Failed: will be tried again")
        if alert.sending_since:
            return _("Being sent")
        return _("Waiting for registration to open")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
