from django.contrib import admin

from .models import StaffIdentity


@admin.register(StaffIdentity)
class StaffIdentityAdmin(admin.ModelAdmin):
    """Who signs in as which account, for IT (superusers: no role has these permissions).
    Deleting a row unlinks the account: the person's next sign-in makes a new one."""

    list_display = ["user", "subject", "issuer", "created_at", "last_sign_in_at"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
