"""Organisers manage registrations here. Status never changes by editing a field: it changes
through the services (cancel action, promotion), which keep the seat count right."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from .delivery import notification_retry
from .models import EmailText, Notification, Registration
from .services import (
    REFUSAL_MESSAGES,
    email_normalise,
    registration_active_exists,
    registration_cancel,
    registration_create,
    registration_details_resend,
)

PERSONAL_FIELDS = (
    "salutation",
    "name_en",
    "name_zh",
    "email",
    "phone",
    "organisation",
    "job_title",
    "participant_type",
    "organisation_size",
    "region",
    "industry",
    "preferred_language",
    "heard_from",
    "news_opt_in",
)


class RegistrationAdminForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("The registrant agreed to the personal information collection statement"),
        required=False,
    )

    class Meta:
        model = Registration
        fields = ("seminar", *PERSONAL_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("consent")

    def clean(self) -> dict:
        cleaned = super().clean()
        seminar = cleaned.get("seminar") or getattr(self.instance, "seminar", None)
        email = cleaned.get("email")
        if not self.instance.pk and "consent" in self.fields and not cleaned.get("consent"):
            self.add_error("consent", _("Registrations need the registrant's consent."))
        if seminar and email:
            if registration_active_exists(
                seminar=seminar, email=email_normalise(email), exclude_pk=self.instance.pk
            ):
                self.add_error("email", _("This email address is already registered."))
            if not self.instance.pk:
                availability = seminar.availability(ignore_window=True)
                if not availability.accepts_registrations:
                    self.add_error(None, REFUSAL_MESSAGES[availability.state])
        return cleaned


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "last_error",
    )
    readonly_fields = fields
    verbose_name_plural = _("emails sent to this registrant")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EmailTextInline(TranslationStackedInline):
    """Shown on the seminar: the organiser's opening paragraph for each kind of email."""

    model = EmailText
    extra = 0


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("registration", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind", "registration__seminar")
    search_fields = ("registration__email", "registration__name_en")
    list_select_related = ("registration",)
    readonly_fields = (
        "registration",
        "kind",
        "reminder_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    )
    actions = ("retry_failed",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Send failed emails again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = sum(notification_retry(notification=notification) for notification in queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = (
        "name_en",
        "name_zh",
        "email",
        "organisation",
        "seminar",
        "status",
        "participant_type",
        "region",
        "created_at",
    )
    list_filter = (
        "seminar",
        "status",
        "participant_type",
        "region",
        "preferred_language",
        "source",
    )
    search_fields = ("name_en", "name_zh", "email", "organisation")
    list_select_related = ("seminar",)
    date_hierarchy = "created_at"
    autocomplete_fields = ("seminar",)
    actions = ("cancel_registrations", "resend_details")
    inlines = (NotificationInline,)
    readonly_fields = (
        "status",
        "source",
        "consent_at",
        "consent_version",
        "created_at",
        "updated_at",
        "confirmed_at",
        "cancelled_at",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "ref",
        "attended",
        "minutes_online",
    )

    def get_fieldsets(self, request: HttpRequest, obj: Registration | None = None):
        registrant = (None, {"fields": ("seminar", *PERSONAL_FIELDS)})
        if obj is None:
            return (registrant, (_("Consent"), {"fields": ("consent",)}))
        return (
            (None, {"fields": ("status", "source")}),
            registrant,
            (_("Consent"), {"fields": ("consent_at", "consent_version")}),
            (_("Attendance"), {"fields": ("attended", "minutes_online")}),
            (
                _("Where they came from"),
                {
                    "fields": (
                        "utm_source",
                        "utm_medium",
                        "utm_campaign",
                        "utm_term",
                        "utm_content",
                        "ref",
                    ),
                    "classes": ("collapse",),
                },
            ),
            (
                _("History"),
                {"fields": ("created_at", "confirmed_at", "cancelled_at", "updated_at")},
            ),
        )

    def get_inlines(self, request: HttpRequest, obj: Registration | None = None):
        return self.inlines if obj else ()

    def get_readonly_fields(self, request: HttpRequest, obj: Registration | None = None):
        if obj is None:
            return ()
        return (*self.readonly_fields, "seminar")

    def has_delete_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        # Deleting would free a seat without promoting anyone; cancel instead.
        return False

    def save_model(self, request: HttpRequest, obj: Registration, form, change: bool) -> None:
        if change:
            obj.email = email_normalise(obj.email)
            super().save_model(request, obj, form, change)
            return
        data = {name: form.cleaned_data[name] for name in PERSONAL_FIELDS}
        data["consent_version"] = settings.PICS_VERSION
        created = registration_create(
            seminar=form.cleaned_data["seminar"], data=data, source=Registration.Source.ADMIN
        )
        # The admin goes on to log and link the object it saved; hand it the service's.
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)

    @admin.action(
        description=_("Cancel selected registrations (offers their seats to the waitlist)")
    )
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        cancelled = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            registration_cancel(registration=registration)
            cancelled += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", cancelled
            )
            % {"count": cancelled},
            messages.SUCCESS,
        )

    @admin.action(description=_("Email selected registrants their details again"))
    def resend_details(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        sent = sum(
            registration_details_resend(registration=registration) is not None
            for registration in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d email queued.", "%(count)d emails queued.", sent) % {"count": sent},
            messages.SUCCESS,
        )
