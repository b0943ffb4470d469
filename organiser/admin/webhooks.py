"""Webhook endpoints as organisers manage them: URL, events, scope, the signing secret, a test
event (deliveries: webhook_deliveries.py). Model permissions decide who
sees them: organisers do; viewers and check-in staff do not (registrations/permissions.py)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.errors import RegistrationError
from registrations.models import WebhookEndpoint, WebhookEvent
from registrations.webhooks import webhook_ping_send, webhook_secret_regenerate
from registrations.webhooks_addresses import url_without_credentials, webhook_url_check


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one event.")},
        help_text=_("What this endpoint is told about. Nothing is sent for events left unticked."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "events", "seminar", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url=url)
        except RegistrationError as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from None
        return url

    def clean_events(self) -> list[str]:
        # Kept in the order of the list, whatever order the browser sent them in.
        chosen = set(self.cleaned_data["events"])
        return [event for event in WebhookEvent.values if event in chosen]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "address", "active", "seminar", "events_chosen", "created_at")
    list_filter = ("active", "seminar")
    search_fields = ("name", "url")
    list_select_related = ("seminar",)
    readonly_fields = ("signing_secret", "deliveries_link", "created_at")
    change_form_template = "admin/registrations/webhookendpoint/change_form.html"

    def get_fields(self, request: HttpRequest, obj=None):
        fields = ["name", "url", "events", "seminar", "active"]
        if obj is not None:
            fields += ["signing_secret", "deliveries_link", "created_at"]
        return fields

    @admin.display(description=_("events"))
    def events_chosen(self, endpoint: WebhookEndpoint) -> int:
        return len(endpoint.events)

    @admin.display(description=_("URL"), ordering="url")
    def address(self, endpoint: WebhookEndpoint) -> str:
        """Plain text, not a link (a click would post nothing and only visit the receiver), and
        never a user name or password, should an old row carry one."""
        return url_without_credentials(endpoint.url)

    @admin.display(description=_("signing secret"))
    def signing_secret(self, endpoint: WebhookEndpoint) -> str:
        return format_html(
            '<code id="webhook-secret">{}</code> '
            '<button type="button" class="button" data-copy-target="webhook-secret" '
            'data-copied="{}" hidden>{}</button><div class="help">{}</div>',
            endpoint.secret,
            _("Copied"),
            _("Copy"),
            _(
                "Give this to whoever runs the receiver: it checks each request's "
                "Webhook-Signature with it (see the webhooks documentation). Keep it secret."
            ),
        )

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:registrations_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"endpoint__id__exact": endpoint.pk}),
            _("See this endpoint's deliveries"),
        )

    def get_urls(self):
        def wrap(view, name):
            return path(
                f"<int:endpoint_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"registrations_webhookendpoint_{name}",
            )

        return [
            wrap(self.regenerate_view, "regenerate"),
            wrap(self.ping_view, "ping"),
            *super().get_urls(),
        ]

    def response_add(self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue=None):
        """A new endpoint's page shows the secret the receiver needs: land there, not on the
        list, unless the organiser asked to add another."""
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(
            request,
            _(
                "The endpoint “%(name)s” was added. Its signing secret is shown below: give it "
                "to whoever runs the receiver."
            )
            % {"name": obj.name},
        )
        return redirect("admin:registrations_webhookendpoint_change", obj.pk)

    def _endpoint_for_change(
        self, request: HttpRequest, endpoint_id: int, *, methods=("POST",)
    ) -> WebhookEndpoint:
        endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
        if request.method not in methods or not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        return endpoint

    def regenerate_view(self, request: HttpRequest, endpoint_id: int) -> HttpResponse:
        """GET asks first (it breaks the integration until the receiver has the new secret);
        POST, from that page, regenerates."""
        endpoint = self._endpoint_for_change(request, endpoint_id, methods=("GET", "POST"))
        if request.method == "GET":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "endpoint": endpoint,
                "title": _("Regenerate the signing secret?"),
            }
            return TemplateResponse(
                request,
                "admin/registrations/webhookendpoint/regenerate_confirmation.html",
                context,
            )
        endpoint = webhook_secret_regenerate(endpoint=endpoint)
        self.log_change(request, endpoint, gettext("Signing secret regenerated."))
        messages.success(
            request,
            _(
                "A new signing secret is in use from the next delivery on. Give it to whoever "
                "runs the receiver: requests signed with it fail there until they have it."
            ),
        )
        return redirect("admin:registrations_webhookendpoint_change", endpoint.pk)

    def ping_view(self, request: HttpRequest, endpoint_id: int) -> HttpResponse:
        endpoint = self._endpoint_for_change(request, endpoint_id)
        webhook_ping_send(endpoint=endpoint)
        self.log_change(request, endpoint, gettext("Test event sent."))
        messages.info(request, _("Test event queued: its delivery is listed below."))
        return redirect(
            reverse("admin:registrations_webhookdelivery_changelist")
            + "?"
            + urlencode({"endpoint__id__exact": endpoint.pk})
        )
