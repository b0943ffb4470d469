"""Organisers manage registrations here. Status never changes by editing a field: it changes
through the services (cancel action, promotion), which keep the seat count right."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from registrations.errors import OverCapacity, RegistrationError
from registrations.models import (
    REGISTRANT_FIELDS,
    TRACKING_FIELDS,
    AuditEntry,
    Notification,
    Registration,
)
from registrations.selectors import AnswerShown, registration_answers
from registrations.services import (
    registration_attendance_set,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_details_resend,
    registration_update,
)

from ..views import attendees_export_response
from .action_previews import (
    ALLOW_OVER_CAPACITY,
    attendance_preview,
    cancel_preview,
    confirm_from_waitlist_preview,
    resend_preview,
)
from .audit import AuditDisplay
from .columns import email_wrappable, seminar_short, when_short
from .confirmation import asks_first
from .filters import TextValuesListFilter


class RegistrationAdminForm(forms.ModelForm):
    """The registrant's details as on the public form. Whether the seminar can take them (seats,
    duplicates) is the booking service's to decide: its refusal comes back through `refusal`."""

    consent = forms.BooleanField(
        label=_("The registrant agreed to the personal information collection statement"),
        required=False,
    )
    # Set on a second pass after the service refused to save this form (see
    # RegistrationAdmin.changeform_view): shown next to its field, with everything typed kept.
    refusal: RegistrationError | None = None

    class Meta:
        model = Registration
        fields = ("seminar", *REGISTRANT_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("consent")

    def clean(self) -> dict:
        cleaned = super().clean()
        if "consent" in self.fields and not cleaned.get("consent"):
            self.add_error("consent", _("Registrations need the registrant's consent."))
        if self.refusal is not None:
            self.add_error(self.refusal.field, self.refusal.message)
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


class AuditEntryInline(AuditDisplay, admin.TabularInline):
    model = AuditEntry
    extra = 0
    can_delete = False
    fields = ("when", "who", "action", "details_display")
    readonly_fields = fields
    template = "admin/registrations/history_inline.html"
    verbose_name_plural = _("audit log")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    # Few columns that fit 1280 px beside the filters; the rest is one click away.
    list_display = ("registrant", "status", "seminar_short", "registered")
    list_filter = (
        "seminar",
        "status",
        "participant_type",
        "region",
        "preferred_language",
        "attended",
        "source",
        "heard_from",
        ("utm_source", TextValuesListFilter),
        ("ref", TextValuesListFilter),
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
        "answers_shown",
    )

    class Media:
        css = {"all": ("css/organiser.css",)}

    @admin.display(description=pgettext_lazy("a person's name", "name"), ordering="name_en")
    def registrant(self, registration: Registration) -> str:
        # Both names, and the address under them: who it is at a glance, in one column.
        return format_html(
            '{}<span class="registrant-email">{}</span>',
            registration.display_name,
            email_wrappable(registration.email),
        )

    @admin.display(description=_("seminar"), ordering="seminar__starts_at")
    def seminar_short(self, registration: Registration) -> str:
        return seminar_short(registration.seminar)

    @admin.display(description=_("registered at"), ordering="created_at")
    def registered(self, registration: Registration) -> str:
        return when_short(registration.created_at)

    def get_fieldsets(self, request: HttpRequest, obj: Registration | None = None):
        registrant = (None, {"fields": ("seminar", *REGISTRANT_FIELDS)})
        if obj is None:
            return (registrant, (_("Consent"), {"fields": ("consent",)}))
        return (
            (None, {"fields": ("status", "source")}),
            registrant,
            *self._answers_fieldset(obj),
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

    def _answers(self, registration: Registration) -> list[AnswerShown]:
        # Read once per page: the fieldsets ask whether there are any, the field shows them.
        if not hasattr(registration, "_answers_shown"):
            registration._answers_shown = registration_answers(registration=registration)
        return registration._answers_shown

    def _answers_fieldset(self, registration: Registration) -> list:
        if not self._answers(registration):
            return []
        return [(_("Answers to the seminar's questions"), {"fields": ("answers_shown",)})]

    @admin.display(description=_("answers"))
    def answers_shown(self, obj: Registration) -> str:
        """Each question in the organiser's language with the answer as given; "—" where the
        registrant gave none (optional, or not shown to them)."""
        return format_html(
            '<dl class="answers">{}</dl>',
            format_html_join(
                "",
                "<div><dt>{}</dt><dd>{}</dd></div>",
                ((shown.question.label, shown.text or "—") for shown in self._answers(obj)),
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

    def get_form(self, request: HttpRequest, obj: Registration | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "registration_refusal", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"refusal": refusal})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The booking service decides whether the seminar takes this registration (seats,
        # duplicates); when it refuses, the admin's transaction has rolled back, and the form is
        # shown again with the service's own words next to the field they concern.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RegistrationError as refusal:
            request.registration_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_form(self, request: HttpRequest, form, change: bool) -> Registration:
        """Saved through the services, which own the booking rules; the admin then logs and links
        the registration they return."""
        data = {name: form.cleaned_data[name] for name in REGISTRANT_FIELDS}
        if change:
            # An organiser changes an address the registrant gave them: at once, no link to
            # confirm (and no notice suggesting someone else used the private link).
            update = registration_update(
                registration=form.instance, data=data, actor=request.user, email_confirmed=True
            )
            return update.registration
        return registration_create(
            seminar=form.cleaned_data["seminar"],
            data={**data, "consent_version": settings.PICS_VERSION},
            source=Registration.Source.ADMIN,
            actor=request.user,
        )

    def save_model(self, request: HttpRequest, obj: Registration, form, change: bool) -> None:
        """Nothing left to do: save_form saved it through the services."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # A registration has no many-to-many fields, and the form was never saved by the admin
        # (the services did it), so there is no save_m2m to call.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _report(self, request: HttpRequest, message: str, count: int) -> None:
        self.message_user(request, message % {"count": count})

    @admin.action(
        description=_("Cancel selected registrations (offers their seats to the waitlist)"),
        permissions=["change"],
    )
    @asks_first(cancel_preview)
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        # Waitlisted ones first: cancelling a confirmed seat promotes the head of the waitlist,
        # who must not be someone the organiser is cancelling in the same breath.
        active = queryset.exclude(status=Registration.Status.CANCELLED).order_by("pk")
        selected = sorted(active, key=lambda r: r.status != Registration.Status.WAITLISTED)
        for registration in selected:
            registration_cancel(registration=registration, actor=request.user)
        self._report(
            request,
            ngettext(
                "%(count)d registration cancelled.",
                "%(count)d registrations cancelled.",
                len(selected),
            ),
            len(selected),
        )

    @admin.action(description=_("Confirm selected from the waitlist"), permissions=["change"])
    @asks_first(confirm_from_waitlist_preview)
    def confirm_from_waitlist(self, request: HttpRequest, queryset: QuerySet[Registration]):
        """Confirming beyond capacity needs the organiser to tick a box on the question."""
        waiting = queryset.filter(status=Registration.Status.WAITLISTED).order_by("pk")
        allow = request.POST.get(ALLOW_OVER_CAPACITY) == "on"
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
                    "%(count)d registration was not confirmed and stays on the waitlist. "
                    "%(reason)s",
                    "%(count)d registrations were not confirmed and stay on the waitlist. "
                    "%(reason)s",
                    refused,
                )
                % {"count": refused, "reason": OverCapacity.message},
                messages.WARNING,
            )

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
    @asks_first(attendance_preview(attended=True))
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._attendance_set(request, queryset, attended=True)

    @admin.action(description=_("Mark selected as not attended"), permissions=["change"])
    @asks_first(attendance_preview(attended=False))
    def mark_not_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._attendance_set(request, queryset, attended=False)

    @admin.action(
        description=_("Email selected registrants their details again"), permissions=["change"]
    )
    @asks_first(resend_preview)
    def resend_details(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        sent = sum(
            registration_details_resend(registration=registration, actor=request.user) is not None
            for registration in queryset.select_related("seminar")
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
