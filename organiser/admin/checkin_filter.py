"""The registration list's "checked in" filter (check-in at the door, issue 14)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return (("yes", _("Checked in")), ("no", _("Not checked in")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset
