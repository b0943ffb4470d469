"""The audit log: read-only, for organisers to see who did what."""

from django.contrib import admin
from django.http import HttpRequest

from registrations.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "seminar", "registration")
    list_filter = ("action", "seminar", "actor_label")
    search_fields = (
        "actor_label",
        "registration__email",
        "registration__name_en",
        "registration__name_zh",
    )
    list_select_related = ("seminar", "registration")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "seminar",
        "registration",
        "details",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
