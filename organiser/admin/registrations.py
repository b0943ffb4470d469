"""Organisers manage registrations here. Status never changes by editing a field: it changes
through the services (cancel action, promotion, approval, decline), which keep the seat count
right."""

from collections import Counter, defaultdict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from registrations.answer_notices import questions_quoted
from registrations.errors import OverCapacity, RegistrationError, RegistrationRefused
from registrations.models import (
    REGISTRANT_FIELDS,
    TRACKING_FIELDS,
    AuditEntry,
    Notification,
    Registration,
)
from registrations.selectors import AnswerShown, registration_answers
from registrations.services import (
    decline_message_check,
    registration_approve,
    registration_attendance_set,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_decline,
    registration_details_resend,
    registration_update,
)
from seminar.models import AttendanceMode

from ..views import attendees_export_response
from .action_previews import (
    ALLOW_OVER_CAPACITY,
    DECLINE_MESSAGE,
    approval_refused,
    approve_preview,
    attendance_preview,
    cancel_preview,
    confirm_from_waitlist_preview,
    decline_preview,
    resend_preview,
)
from .audit import AuditDisplay
from .certificates import certificate_issue_url
from .checkin_actions import undo_check_in
from .checkin_filter import CheckedInFilter
from .columns import email_wrappable, seminar_short, when_short
from .confirmation import asks_first, confirmation_page
from .filters import JoinLinkOpenedFilter, TextValuesListFilter


class RegistrationAdminForm(forms.ModelForm):
    """The registrant's details as on the public form. Whether the seminar can take them (seats,
    duplicates) is the booking service's to decide: its refusal comes back through `refusal`."""

    consent = forms.BooleanField(
        label=_("The registrant agreed to the personal information collection statement"),
        required=False,
    )
    # A hybrid seminar's registrant attends one way; other seminars' format decides it.
    attendance_mode = forms.ChoiceField(
        label=_("how they will attend"),
        choices=[("", "---------"), *AttendanceMode.choices],
        required=False,
        help_text=_("Hybrid seminars only: in the room or online, each with its own seats."),
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
            # Switching an existing registration's mode moves its seat: a service's job, not
            # a field's.
            self.fields.pop("consent")
            self.fields.pop("attendance_mode", None)

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
    fields = ("when", "who", "through", "action", "details_display")
    readonly_fields = fields
    template = "admin/registrations/history_inline.html"
    verbose_name_plural = _("audit log")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# When the registrant opened their personal join link, and how often (join_links.py).
JOIN_LINK_FIELDS = ("join_first_opened_at", "join_last_opened_at", "join_opens")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    # Few columns that fit 1280 px beside the filters; the rest is one click away.
    # Who opened their join link is a filter, not a column: a fifth column squeezes the names.
    list_display = ("registrant", "status_mode", "seminar_short", "registered")
    list_filter = (
        "seminar",
        "status",
        "attendance_mode",
        "participant_type",
        "region",
        "preferred_language",
        "attended",
        CheckedInFilter,
        JoinLinkOpenedFilter,
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
        "approve_registrations",
        "decline_registrations",
        "cancel_registrations",
        "confirm_from_waitlist",
        "mark_attended",
        "mark_not_attended",
        "resend_details",
        undo_check_in,
        "export_csv",
        "export_xlsx",
        "issue_certificate",
    )
    inlines = (NotificationInline, AuditEntryInline)
    readonly_fields = (
        "status",
        "attendance_mode",
        "source",
        "consent_at",
        "consent_version",
        "created_at",
        "updated_at",
        "confirmed_at",
        "waitlisted_at",
        "reviewed_at",
        "cancelled_at",
        *TRACKING_FIELDS,
        "attended",
        "minutes_online",
        "join_first_opened_at",
        "join_last_opened_at",
        "join_opens",
        "answers_shown",
        "checked_in_at",
        "checked_in_by_label",
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

    @admin.display(description=_("status"), ordering="status")
    def status_mode(self, registration: Registration) -> str:
        # At a hybrid seminar the status belongs to one way of attending: say which.
        if not registration.seminar.is_hybrid:
            return registration.get_status_display()
        return format_html(
            '{}<span class="registration-mode">{}</span>',
            registration.get_status_display(),
            registration.get_attendance_mode_display(),
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
            return (
                (None, {"fields": ("seminar", "attendance_mode", *REGISTRANT_FIELDS)}),
                (_("Consent"), {"fields": ("consent",)}),
            )
        status = ("status", "attendance_mode", "source") if obj.seminar.is_hybrid else None
        return (
            (None, {"fields": status or ("status", "source")}),
            registrant,
            *self._answers_fieldset(obj),
            (_("Consent"), {"fields": ("consent_at", "consent_version")}),
            (
                _("Attendance"),
                {
                    "fields": (
                        "attended",
                        "minutes_online",
                        *JOIN_LINK_FIELDS,
                        "checked_in_at",
                        "checked_in_by_label",
                    )
                },
            ),
            (
                _("Where they came from"),
                {
                    "fields": TRACKING_FIELDS,
                    "classes": ("collapse",),
                },
            ),
            (
                _("History"),
                {
                    "fields": (
                        "created_at",
                        "reviewed_at",
                        "confirmed_at",
                        "waitlisted_at",
                        "cancelled_at",
                        "updated_at",
                    )
                },
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
            if update.answers_removed:
                self.message_user(
                    request,
                    ngettext(
                        "The answer to %(questions)s was removed: the question no longer applies "
                        "to this registration.",
                        "The answers to %(questions)s were removed: the questions no longer "
                        "apply to this registration.",
                        len(update.answers_removed),
                    )
                    % {"questions": questions_quoted(update.answers_removed)},
                    messages.WARNING,
                )
            return update.registration
        if form.cleaned_data.get("attendance_mode"):
            data["attendance_mode"] = form.cleaned_data["attendance_mode"]
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
        active = queryset.exclude(
            status__in=(Registration.Status.CANCELLED, Registration.Status.DECLINED)
        ).order_by("pk")
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

    @admin.action(
        description=_("Approve selected (each gets a seat, or a waitlist place when full)"),
        permissions=["change"],
    )
    @asks_first(approve_preview)
    def approve_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]):
        """In the order they came in, as the preview says; a seminar that takes no more leaves
        the rest of its selection pending, with the reason."""
        pending = queryset.filter(status=Registration.Status.PENDING).select_related("seminar")
        outcomes: Counter[str] = Counter()
        refused: dict[str, int] = defaultdict(int)
        for registration in pending.order_by("pk"):
            try:
                approved = registration_approve(registration=registration, actor=request.user)
            except RegistrationRefused as refusal:
                reason = approval_refused(
                    seminar=registration.seminar,
                    mode=registration.attendance_mode,
                    state=refusal.state,
                )
                refused[reason] += 1
            else:
                outcomes[approved.status] += 1
        approved_count = sum(outcomes.values())
        self.message_user(
            request,
            ngettext(
                "%(count)d registration approved: %(confirmed)d confirmed, %(waitlisted)d on "
                "the waitlist.",
                "%(count)d registrations approved: %(confirmed)d confirmed, %(waitlisted)d on "
                "the waitlist.",
                approved_count,
            )
            % {
                "count": approved_count,
                "confirmed": outcomes[Registration.Status.CONFIRMED],
                "waitlisted": outcomes[Registration.Status.WAITLISTED],
            },
        )
        for reason, count in refused.items():
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was not approved and stays pending. %(reason)s",
                    "%(count)d registrations were not approved and stay pending. %(reason)s",
                    count,
                )
                % {"count": count, "reason": reason},
                messages.WARNING,
            )

    @admin.action(
        description=_("Decline selected (final; emails each registrant)"), permissions=["change"]
    )
    @asks_first(decline_preview)
    def decline_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]):
        # PostgreSQL cannot store NUL characters in text; nobody means to type one.
        message = request.POST.get(DECLINE_MESSAGE, "").replace("\x00", "")
        try:
            decline_message_check(message=message)
        except RegistrationError as refusal:
            # The question again, with the message as written and the reason beside it.
            preview = decline_preview(queryset, message=message, error=refusal.message)
            return confirmation_page(modeladmin=self, request=request, preview=preview)
        pending = queryset.filter(status=Registration.Status.PENDING).order_by("pk")
        declined = 0
        for registration in pending:
            registration_decline(registration=registration, actor=request.user, message=message)
            declined += 1
        self._report(
            request,
            ngettext(
                "%(count)d registration declined.", "%(count)d registrations declined.", declined
            ),
            declined,
        )

    def get_urls(self):
        def review(action: str):
            def view(request: HttpRequest, object_id: str) -> HttpResponse:
                return self.review_view(request, object_id, action)

            return self.admin_site.admin_view(view)

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/approve/",
                review("approve_registrations"),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<path:object_id>/decline/",
                review("decline_registrations"),
                name="{}_{}_decline".format(*info),
            ),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """The registration page's Approve and Decline buttons: the bulk action's own question
        and action for this one registration, then back to its page."""
        registration = self.get_object(request, unquote(object_id))
        if registration is None:
            raise Http404
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        change_url = reverse("admin:registrations_registration_change", args=[registration.pk])
        request.action_back_url = change_url
        response = getattr(self, action)(request, Registration.objects.filter(pk=registration.pk))
        return response or redirect(change_url)

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

    # Certificates of attendance (organiser/admin/certificates.py): one by hand, with the rule's
    # verdict and an override to confirm on the next page.
    def has_issue_certificate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("registrations.add_certificate")

    @admin.action(
        description=_("Issue a certificate of attendance by hand"),
        permissions=["issue_certificate"],
    )
    def issue_certificate(self, request: HttpRequest, queryset: QuerySet[Registration]):
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(
                request,
                _("Choose one registration to issue a certificate to by hand."),
                messages.WARNING,
            )
            return None
        return redirect(certificate_issue_url(chosen[0]))
