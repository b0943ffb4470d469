"""The registration admin's "Undo check-in" action: an organiser puts right a check-in the door
could no longer undo (the check-in page's undo lasts a few minutes for the staff who tapped).
Through the same service as the door, so the audit trail and the rules are the same."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.checkin import checkin_undo
from registrations.errors import RegistrationError
from registrations.models import Registration


@admin.action(description=_("Undo check-in of selected"), permissions=["change"])
def undo_check_in(modeladmin, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
    undone = 0
    refused: list[str] = []
    for registration in queryset.filter(checked_in_at__isnull=False).select_related("seminar"):
        try:
            checkin_undo(registration=registration, by=request.user)
        except RegistrationError as error:
            refused.append(f"{registration.display_name}: {error.message}")
        else:
            undone += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d check-in undone.", "%(count)d check-ins undone.", undone)
        % {"count": undone},
        messages.SUCCESS if undone else messages.WARNING,
    )
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)
