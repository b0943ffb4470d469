"""API tokens in the admin: each member of staff makes, lists and revokes their own (a superuser
sees everyone's). Only a token's digest is kept (api/tokens.py): its secret is shown once, on a
page of its own that the save redirects to (admin_pages.py), and nobody can see it again."""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registrations.errors import RegistrationError

from . import admin_pages
from .models import ApiToken
from .tokens import api_token_create, api_token_expiry_check, api_token_revoke


class TokenStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", gettext_lazy("Active")),
            ("revoked", gettext_lazy("Revoked")),
            ("expired", gettext_lazy("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return _("Revoked")
    if not token.is_usable():
        return _("Expired")
    return _("Active")


def _short_datetime(value: datetime) -> str:
    # ISO dates: the narrowest that reads the same in the three languages (no 12/07 doubt),
    # kept whole (a browser would break it at a hyphen); the time may go to the next line.
    value = timezone.localtime(value)
    return format_html(
        '<span class="api-token-date">{}</span> {}',
        value.strftime("%Y-%m-%d"),
        value.strftime("%H:%M"),
    )


class ApiTokenForm(forms.ModelForm):
    """The add form (name and expiry); the change form keeps only the name editable."""

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        try:
            api_token_expiry_check(expires_at=expires_at)
        except RegistrationError as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from refusal
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    # The most useful columns first: on a phone the table scrolls sideways after them.
    list_display = (
        "name",
        "state_column",
        "last_used_column",
        "expires_list_column",
        "prefix_column",
    )
    list_display_links = ("name",)
    list_filter = (TokenStateFilter,)
    search_fields = ("name",)
    actions = ("revoke_selected",)
    change_form_template = "admin/api/apitoken/change_form.html"

    class Media:
        css = {"all": ["api/token.css"]}

    # Tokens are personal: every member of staff manages their own, whatever their role, and a
    # token can do no more than its user (api/permissions.py), so no model permission is asked.

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Revoked tokens stay listed: the audit log names them.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_list_display(self, request: HttpRequest):
        if request.user.is_superuser:
            return (*self.list_display[:2], "user_column", *self.list_display[2:])
        return self.list_display

    # Read-only on the token's page: the user as plain text (the user admin is closed to most
    # staff, so a link would lead to a 403) and the expiry without the add form's help text.
    READ_ONLY = (
        "user_column",
        "prefix_column",
        "state_column",
        "created_at",
        "last_used_at",
        "expires_column",
        "revoked_at",
    )

    def get_fields(self, request: HttpRequest, obj=None):
        return ("name", "expires_at") if obj is None else ("name", *self.READ_ONLY)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return () if obj is None else self.READ_ONLY

    @admin.display(description=gettext_lazy("user"))
    def user_column(self, token: ApiToken) -> str:
        return token.user.get_username()

    @admin.display(description=gettext_lazy("starts with"))
    def prefix_column(self, token: ApiToken) -> str:
        return f"{token.prefix}…"

    @admin.display(description=gettext_lazy("state"))
    def state_column(self, token: ApiToken) -> str:
        return token_state(token)

    # The list's dates are short (day and time, which wrap apart on a phone); the token's page
    # has them in full, in the reader's language.

    @admin.display(description=gettext_lazy("last used"), ordering="last_used_at")
    def last_used_column(self, token: ApiToken) -> str:
        return _short_datetime(token.last_used_at) if token.last_used_at else _("never used")

    @admin.display(description=gettext_lazy("expires"), ordering="expires_at")
    def expires_list_column(self, token: ApiToken) -> str | None:
        return _short_datetime(token.expires_at) if token.expires_at else None

    @admin.display(description=gettext_lazy("expires"))
    def expires_column(self, token: ApiToken):
        if token.expires_at is None:
            return _("Does not expire")
        return date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")

    # Making one: post/redirect/get. The save keeps the secret in the session and redirects to
    # a page that takes it out as it shows it, so reloading that page shows no secret and makes
    # no second token. Never in a message (kept in the session until read, maybe logged) nor in
    # a URL.

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        token, raw = api_token_create(user=request.user, name=obj.name, expires_at=obj.expires_at)
        obj.pk = token.pk
        obj.refresh_from_db()
        obj._state.adding = False
        admin_pages.secret_keep(request=request, token=token, secret=raw)

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue=None):
        return redirect(reverse("admin:api_apitoken_created", args=[obj.pk]))

    def created_view(self, request: HttpRequest, object_id: str):
        return admin_pages.created_page(modeladmin=self, request=request, object_id=object_id)

    # Revoking asks first: from the token's page (revoke_view) and from the list's action.

    @admin.action(description=gettext_lazy("Revoke selected tokens…"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        if not admin_pages.confirmed(request):
            return admin_pages.revoke_question(
                modeladmin=self,
                request=request,
                tokens=tokens,
                action_url=request.get_full_path(),
                back_url=request.get_full_path(),
                hidden={
                    "action": request.POST.get("action", ""),
                    ACTION_CHECKBOX_NAME: request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "select_across": request.POST.get("select_across", "0"),
                },
            )
        for token in tokens:
            api_token_revoke(token=token, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d token revoked: it stops working at once.",
                "%(count)d tokens revoked: they stop working at once.",
                len(tokens),
            )
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
        return None

    def revoke_view(self, request: HttpRequest, object_id: str):
        token = admin_pages.own_token(modeladmin=self, request=request, object_id=object_id)
        change_url = reverse("admin:api_apitoken_change", args=[token.pk])
        if token.revoked_at is not None:
            return redirect(change_url)
        if not admin_pages.confirmed(request):
            return admin_pages.revoke_question(
                modeladmin=self,
                request=request,
                tokens=[token],
                action_url=request.path,
                back_url=change_url,
            )
        api_token_revoke(token=token, actor=request.user)
        self.message_user(
            request,
            _("The token “%(name)s” is revoked: it stops working at once.") % {"name": token.name},
            messages.SUCCESS,
        )
        return redirect(change_url)

    def get_urls(self):
        def page(route: str, view, name: str):
            return path(route, self.admin_site.admin_view(view), name=f"api_apitoken_{name}")

        return [
            page("<str:object_id>/revoke/", self.revoke_view, "revoke"),
            page("<str:object_id>/created/", self.created_view, "created"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # One button: "Create token" on the add form, "Save" (the name) on the token's page.
        context["show_save_and_add_another"] = False
        context["show_save_and_continue"] = False
        context["can_revoke"] = obj is not None and obj.revoked_at is None
        return super().render_change_form(request, context, add, change, form_url, obj)
