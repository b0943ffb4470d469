"""Organisers manage registrations here. Status never changes by editing a field: it changes
through the services (cancel action, promotion), which keep the seat count right."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from .delivery import notification_retry
from .forms import PERSONAL_FIELDS as FORM_PERSONAL_FIELDS
from .forms import TRACKING_FIELDS
from .models import AuditEntry, EmailText, Notification, Registration
from .organiser_views import attendees_export_response
from .services import (
    OVER_CAPACITY_MESSAGE,
    REFUSAL_MESSAGES,
    DuplicateRegistration,
    OverCapacity,
    RegistrationRefused,
    email_normalise,
    registration_active_exists,
    registration_attendance_set,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_details_resend,
    registration_update,
)

# What an organiser may edit: the registrant's own details, as on the public form.
PERSONAL_FIELDS = (*FORM_PERSONAL_FIELDS, "news_opt_in")


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


class AuditEntryInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "actor_label", "action", "details")
    readonly_fields = fields
    verbose_name_plural = _("history")

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
        "attended",
        "source",
        "heard_from",
        "utm_source",
        "ref",
    )
    search_fields = ("name_en", "name_zh", "email", "organisation")
    list_select_related = ("seminar",)
    date_hierarchy = "created_at"
    autocomplete_fields = ("seminar",)
    actions = (
        "cancel_registrations",
        "confirm_from_waitlist",
        "mark_attended",
        "mark_not_attended",
        "resend_details",
        "export_csv",
        "export_xlsx",
    )
    inlines = (NotificationInline, AuditEntryInline)
    readonly_fields = (
        "status",
        "source",
        "consent_at",
        "consent_version",
        "created_at",
        "updated_at",
        "confirmed_at",
        "cancelled_at",
        *TRACKING_FIELDS,
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
                    "fields": TRACKING_FIELDS,
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checks capacity and duplicates first, but seats can fill up or someone can
        # register the same address between that check and the save: the service then refuses,
        # and the organiser gets its reason instead of an error page.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RegistrationRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        except DuplicateRegistration:
            self.message_user(
                request, _("This email address is already registered."), messages.ERROR
            )
        return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Registration, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in PERSONAL_FIELDS}
        if change:
            saved = registration_update(registration=obj, data=data, actor=request.user)
        else:
            data["consent_version"] = settings.PICS_VERSION
            saved = registration_create(
                seminar=form.cleaned_data["seminar"],
                data=data,
                source=Registration.Source.ADMIN,
                actor=request.user,
            )
        # The admin goes on to log and link the object it saved; hand it the service's.
        obj.__dict__.update(saved.__dict__)

    def _report(self, request: HttpRequest, message: str, count: int) -> None:
        self.message_user(request, message % {"count": count})

    @admin.action(
        description=_("Cancel selected registrations (offers their seats to the waitlist)"),
        permissions=["change"],
    )
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        cancelled = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            registration_cancel(registration=registration, actor=request.user)
            cancelled += 1
        self._report(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", cancelled
            ),
            cancelled,
        )

    @admin.action(description=_("Confirm selected from the waitlist"), permissions=["change"])
    def confirm_from_waitlist(self, request: HttpRequest, queryset: QuerySet[Registration]):
        """Asks first; confirming beyond capacity needs the organiser to tick a box."""
        waiting = list(queryset.filter(status=Registration.Status.WAITLISTED).order_by("pk"))
        if "confirm" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Confirm from the waitlist"),
                "registrations": waiting,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
                "over_capacity_message": OVER_CAPACITY_MESSAGE,
            }
            return TemplateResponse(
                request, "admin/registrations/confirm_from_waitlist.html", context
            )
        allow = request.POST.get("allow_over_capacity") == "on"
        confirmed, refused = 0, 0
        for registration in waiting:
            try:
                registration_confirm(
                    registration=registration, actor=request.user, allow_over_capacity=allow
                )
            except OverCapacity:
                refused += 1
            else:
                confirmed += 1
        self._report(
            request,
            ngettext(
                "%(count)d registration confirmed.", "%(count)d registrations confirmed.", confirmed
            ),
            confirmed,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d not confirmed: the seminar is full.",
                    "%(count)d not confirmed: the seminar is full.",
                    refused,
                )
                % {"count": refused}
                + " "
                + str(OVER_CAPACITY_MESSAGE),
                messages.WARNING,
            )
        return None

    def _attendance_set(self, request, queryset, attended: bool) -> None:
        changed = 0
        for registration in queryset.filter(status=Registration.Status.CONFIRMED):
            before = registration.attended
            registration_attendance_set(
                registration=registration, attended=attended, actor=request.user
            )
            changed += before != attended
        self._report(
            request,
            ngettext(
                "%(count)d registration updated.", "%(count)d registrations updated.", changed
            ),
            changed,
        )

    @admin.action(description=_("Mark selected as attended"), permissions=["change"])
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._attendance_set(request, queryset, attended=True)

    @admin.action(description=_("Mark selected as not attended"), permissions=["change"])
    def mark_not_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._attendance_set(request, queryset, attended=False)

    @admin.action(
        description=_("Email selected registrants their details again"), permissions=["change"]
    )
    def resend_details(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        sent = sum(
            registration_details_resend(registration=registration, actor=request.user) is not None
            for registration in queryset
        )
        self._report(
            request, ngettext("%(count)d email queued.", "%(count)d emails queued.", sent), sent
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("registrations.export_registration")

    def _export(self, request: HttpRequest, queryset: QuerySet[Registration], file_format: str):
        filters = request.GET.urlencode() or "selected rows"
        return attendees_export_response(
            request=request, queryset=queryset, file_format=file_format, filters=filters
        )

    @admin.action(description=_("Export selected as CSV"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export selected as XLSX"), permissions=["export"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "xlsx")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "seminar", "registration")
    list_filter = ("action", "seminar", "actor_label")
    search_fields = ("actor_label", "registration__email", "registration__name_en")
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
