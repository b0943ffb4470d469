"""Staff accounts in the admin, with their second factor: whether they have one, and a
superuser's reset for someone who lost their phone (organiser/two_factor/services.py).

django-otp's own device pages are taken out of the admin: they show secrets and would let a
device be edited around the rules; the reset here is the one way to act on someone else's.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.sites import NotRegistered
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from organiser.two_factor.services import two_factor_reset

from .confirmation import CONFIRM_FIELD, action_confirmed

User = get_user_model()

for model in (User, TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):  # registered by apps listed before ours
        admin.site.unregister(model)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "two_factor")
    actions = ["two_factor_reset_action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(app))

    @admin.display(description=_("Two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor(self, user) -> bool:
        return user.has_two_factor

    @admin.action(
        description=_("Reset two-factor authentication (lost phone)"),
        permissions=["two_factor_reset"],
    )
    def two_factor_reset_action(self, request: HttpRequest, queryset: QuerySet):
        """Asks first (the accounts it resets, by name), then resets on the confirming post."""
        users = list(queryset.filter(has_two_factor=True).order_by(User.USERNAME_FIELD))
        if not action_confirmed(request):
            return TemplateResponse(
                request,
                "admin/auth/user/two_factor_reset.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Reset two-factor authentication?"),
                    "opts": self.model._meta,
                    "users": users,
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "select_across": request.POST.get("select_across") == "1",
                    "action": request.POST.get("action", ""),
                    "confirm_field": CONFIRM_FIELD,
                    "changelist_url": request.get_full_path(),
                },
            )
        for user in users:
            two_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication reset for %(count)d account: it sets up a new app "
                "at its next sign-in.",
                "Two-factor authentication reset for %(count)d accounts: each sets up a new "
                "app at its next sign-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
        return None

    def has_two_factor_reset_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
