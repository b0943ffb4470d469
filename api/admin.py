"""API tokens in the admin: each member of staff makes, lists and revokes their own (a superuser
sees everyone's). A token's secret is shown once, on the page that answers the "Save" that made
it; only its digest is kept (api/tokens.py), so nobody can see it again, here or anywhere."""

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import ApiToken
from .tokens import api_token_create, api_token_revoke


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix_column", "state_column", "last_used_at", "expires_at")
    list_filter = (TokenStateFilter,)
    search_fields = ("name",)
    actions = ("revoke_selected",)
    change_form_template = "admin/api/apitoken/change_form.html"

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
            return ("name", "user", *self.list_display[1:])
        return self.list_display

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ("name", "expires_at")
        return (
            "name",
            "user",
            "prefix_column",
            "state_column",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ()
        return (
            "user",
            "prefix_column",
            "state_column",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        )

    @admin.display(description=gettext_lazy("starts with"))
    def prefix_column(self, token: ApiToken) -> str:
        return f"{token.prefix}…"

    @admin.display(description=gettext_lazy("state"))
    def state_column(self, token: ApiToken) -> str:
        return token_state(token)

    # Making one: the secret goes on the page that answers the save, never in a message (which
    # sits in the session and could be logged) nor in a URL.

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        token, raw = api_token_create(user=request.user, name=obj.name, expires_at=obj.expires_at)
        obj.pk = token.pk
        obj.refresh_from_db()
        obj._state.adding = False
        obj.secret_once = raw

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Your new API token"),
            "token": obj,
            "secret": obj.secret_once,
        }
        response = TemplateResponse(request, "admin/api/apitoken/created.html", context)
        add_never_cache_headers(response)
        response["Cache-Control"] += ", no-store"
        return response

    # Revoking: an action on the list and a button on the token's page.

    @admin.action(description=gettext_lazy("Revoke selected tokens"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
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

    def revoke_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not object_id.isdigit():
            raise Http404
        token = get_object_or_404(self.get_queryset(request), pk=object_id)
        if token.revoked_at is None:
            api_token_revoke(token=token)
            self.message_user(
                request,
                _("The token “%(name)s” is revoked: it stops working at once.")
                % {"name": token.name},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:api_apitoken_change", args=[token.pk]))

    def get_urls(self):
        revoke = path(
            "<str:object_id>/revoke/",
            self.admin_site.admin_view(self.revoke_view),
            name="api_apitoken_revoke",
        )
        return [revoke, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_revoke"] = obj is not None and obj.revoked_at is None
        return super().render_change_form(request, context, add, change, form_url, obj)
