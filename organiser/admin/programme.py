"""Organisers set seminars up here; each translated field gets a tab per language. The seminar's
registration tools (dashboard, summary, exports, attendance import) hang off its admin URLs."""

from datetime import timedelta

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from registrations.change_notices import notice_audience_counts, seminar_edit_notify
from registrations.models import Registration
from registrations.seminar_changes import seminar_snapshot
from registrations.services import registrations_mode_align, waitlist_promote
from seminar.models import Organisation, Seminar, Session, SessionSpeaker, Speaker
from seminar.services import seminar_reschedule
from seminar.validators import certificate_minimum_validate

from .. import survey_views, views
from .action_previews import names_summary
from .announcements import announcements_link
from .certificates import CERTIFICATES_FIELDSET, certificates_link
from .editions import EditionAdminMixin
from .notices import notice_help, notice_intros, notice_label, notice_report, notify_fieldset
from .programme_editor import (
    SeminarEmailTextInline,
    SeminarPartnerInline,
    SessionInline,
    programme_move_report,
)
from .questions import questions_link
from .surveys import survey_link

JOINING_INSTRUCTIONS_HELP = _(
    "Private, like the join link: meeting ID, passcode, what to install. Note: a meeting ID and "
    "passcode written here let anyone with a forwarded email join without their personal join "
    "link (and without being counted); leave them out to keep the personal links the way in."
)


class SeminarAdminForm(forms.ModelForm):
    move_programme = forms.BooleanField(
        label=_("Move the programme with the seminar"),
        required=False,
        initial=True,
        help_text=_(
            "Ticked: when you change the seminar's start, every session moves by the same "
            "amount, except sessions whose times you change below: they keep the times you "
            "type. Unticked: each session keeps its clock time, on the seminar's new day (at a "
            "seminar of several days, on the day chosen for it)."
        ),
    )
    notify_registrants = forms.BooleanField(required=False, initial=True)
    programme_offset = timedelta(0)
    # Set by SeminarAdmin.get_form when the form offers to tell registrants: how many it would.
    notice_counts: dict[str, int] | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What registrants were told, taken before validation changes the instance: saving
        # compares the seminar with it to find what changed (registrations/change_notices.py).
        self.notice_before = seminar_snapshot(seminar=self.instance) if self.instance.pk else None
        # A meeting ID and passcode here reach everyone who sees the email (forwarded too) and
        # let them in without the personal join link: say so where it is typed (not on the
        # model: a help text there would need a migration).
        for name, field in self.fields.items():
            if name.startswith("joining_instructions"):
                field.help_text = JOINING_INSTRUCTIONS_HELP
        if self.notice_counts:
            field = self.fields["notify_registrants"]
            field.label = notice_label(self.notice_counts)
            pending = self.notice_counts["cancellation"] > self.notice_counts["change"]
            field.help_text = notice_help(
                self.notice_counts, screened=self.instance.requires_approval or pending
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        # How far the programme moves on saving; the initial start is the one in the database.
        self.programme_offset = timedelta(0)
        starts_at = cleaned.get("starts_at")
        if self.instance.pk and starts_at and cleaned.get("move_programme"):
            self.programme_offset = starts_at - self.initial["starts_at"]
        self._hybrid_check(cleaned)
        try:
            certificate_minimum_validate(
                unit=cleaned.get("certificate_online_unit"),
                minimum=cleaned.get("certificate_online_minimum"),
            )
        except forms.ValidationError as error:
            self.add_error("certificate_online_minimum", error)
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        # Read by the session forms (SessionInlineForm.clean), which see only this instance:
        # a session whose times are typed on this page keeps them instead of moving.
        self.instance.programme_move = self.programme_offset
        if self.programme_offset:
            # The session inline is checked after this form, against this instance, and its
            # sessions are still at their old times: seminar_reschedule moves them once they are
            # saved. Until then the instance holds the seminar's new time as seen from the old
            # date, so each session is checked where it will end up.
            self.instance.starts_at -= self.programme_offset
            self.instance.ends_at -= self.programme_offset

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.seats_taken if self.instance.pk else 0
        if capacity is None or capacity >= taken:
            return capacity
        # At a hybrid seminar the capacity is the room's: say so, the online seats are apart.
        if self.cleaned_data.get("format", self.instance.format) == Seminar.Format.HYBRID:
            message = ngettext(
                "%(taken)d registration is confirmed in the room; the room's seats cannot be "
                "fewer. Cancel registrations first if you need fewer seats.",
                "%(taken)d registrations are confirmed in the room; the room's seats cannot be "
                "fewer. Cancel registrations first if you need fewer seats.",
                taken,
            )
        else:
            message = ngettext(
                "%(taken)d registration is confirmed; capacity cannot be lower. "
                "Cancel registrations first if you need fewer seats.",
                "%(taken)d registrations are confirmed; capacity cannot be lower. "
                "Cancel registrations first if you need fewer seats.",
                taken,
            )
        raise forms.ValidationError(message, params={"taken": taken})

    def clean_online_capacity(self) -> int | None:
        online_capacity = self.cleaned_data.get("online_capacity")
        taken = self.instance.online_seats_taken if self.instance.pk else 0
        if online_capacity is not None and online_capacity < taken:
            raise forms.ValidationError(
                _(
                    "%(taken)d online registrations are confirmed; online seats cannot be "
                    "fewer. Cancel registrations first if you need fewer seats."
                ),
                params={"taken": taken},
            )
        return online_capacity

    def _hybrid_check(self, cleaned: dict) -> None:
        """Online seats belong to hybrid seminars; and once registrations hold seats or requests
        for one way of attending, the seminar cannot start or stop having two."""
        seminar_format = cleaned.get("format")
        hybrid = seminar_format == Seminar.Format.HYBRID
        if cleaned.get("online_capacity") is not None and seminar_format and not hybrid:
            self.add_error(
                "online_capacity",
                _(
                    "Online seats are counted apart only at a hybrid seminar. Leave this blank, "
                    "or choose the hybrid format."
                ),
            )
        was_hybrid = self.instance.pk and self.initial.get("format") == Seminar.Format.HYBRID
        if self.instance.pk and seminar_format and hybrid != was_hybrid:
            active = Registration.objects.filter(seminar=self.instance).exclude(
                status__in=(Registration.Status.CANCELLED, Registration.Status.DECLINED)
            )
            if count := active.count():
                self.add_error(
                    "format",
                    ngettext(
                        "%(count)d registration is active, and it holds its seat or request "
                        "for one way of attending. A seminar with active registrations cannot "
                        "change between hybrid and a single format: create a new seminar, or "
                        "cancel the registrations first.",
                        "%(count)d registrations are active, and each holds its seat or "
                        "request for one way of attending. A seminar with active "
                        "registrations cannot change between hybrid and a single format: "
                        "create a new seminar, or cancel the registrations first.",
                        count,
                    )
                    % {"count": count},
                )


@admin.register(Seminar)
class SeminarAdmin(EditionAdminMixin, nested_admin.NestedModelAdminMixin, TabbedTranslationAdmin):
    form = SeminarAdminForm
    actions = ("edition_new",)
    list_display = ("title", "starts_at", "format", "status", "capacity", "seats_taken")
    list_filter = ("status", "format", "starts_at")
    search_fields = ("title_en", "title_zh_hant", "title_zh_hans", "theme_en", "slug")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("seats_taken", "online_seats_taken")
    change_form_template = "admin/seminar/seminar/change_form.html"

    class Media:
        # Focus, names and ids the packages' scripts leave out; after django.jQuery exists.
        js = ("admin/js/jquery.init.js", "js/programme_editor.js")
        css = {"all": ("css/programme_editor.css",)}

    inlines = (SessionInline, SeminarPartnerInline, SeminarEmailTextInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "theme", "description", "status", "series")}),
        (_("When and where"), {"fields": ("starts_at", "ends_at", "format", "venue")}),
        (
            _("Joining details (private)"),
            {
                "fields": ("join_url", "joining_instructions"),
                "description": _(
                    "Sent only to confirmed registrants who attend online: everyone at an "
                    "online seminar, those attending online at a hybrid one, nobody at an "
                    "in-person one. Never on public pages."
                ),
            },
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "capacity",
                    "seats_taken",
                    "online_capacity",
                    "online_seats_taken",
                    "waitlist_enabled",
                    "requires_approval",
                    "registration_opens_at",
                    "registration_closes_at",
                ),
                "description": _(
                    "At a hybrid seminar, registrants choose to attend in the room or online: "
                    "the capacity is the room's seats and the online seats are counted apart, "
                    "each filling and keeping a waitlist of its own. Other seminars have one "
                    "count, the capacity."
                ),
            },
        ),
        (
            _("Enquiries"),
            {
                "fields": ("enquiries_name", "enquiries_email", "enquiries_phone"),
                "description": _(
                    "Public: on the seminar page, in every email to registrants and in the "
                    "personal information collection statement."
                ),
            },
        ),
        (_("Emails"), {"fields": ("reminder_hours", "join_details_hours_before")}),
        CERTIFICATES_FIELDSET,
    )

    def _notice_counts(self, request, seminar: Seminar | None) -> dict[str, int] | None:
        """Whom saving could tell of a change, if this organiser may edit a seminar with
        registrants that is not cancelled (a draft included: its registrants relied on it too);
        else None. Read once per request (the admin asks several times)."""
        if seminar is None or seminar.status == Seminar.Status.CANCELLED:
            return None
        if not self.has_change_permission(request, seminar):
            return None
        cache = request.__dict__.setdefault("_seminar_notice_counts", {})
        if seminar.pk not in cache:
            cache[seminar.pk] = notice_audience_counts(seminar=seminar)
        counts = cache[seminar.pk]
        return counts if counts["cancellation"] else None

    def _notice_intros(self, request, seminar: Seminar) -> dict[str, str]:
        """The opening paragraphs that will head the notices; read once per request."""
        cache = request.__dict__.setdefault("_seminar_notice_intros", {})
        if seminar.pk not in cache:
            cache[seminar.pk] = notice_intros(seminar=seminar)
        return cache[seminar.pk]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The factory made a class for this request alone, so the counts stay with it.
        form.notice_counts = self._notice_counts(request, obj)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        can_edit = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not can_edit:
            # Viewers read the programme; the join link is for confirmed registrants only, and
            # moving the programme is an edit they cannot make.
            return [(name, opts) for name, opts in fieldsets if "join_url" not in opts["fields"]]
        if self._notice_counts(request, obj):
            # Right after the fields a change notice tells of (times, format, venue, join link).
            at = next(
                i for i, (_name, opts) in enumerate(fieldsets) if "join_url" in opts["fields"]
            )
            notify = notify_fieldset(self._notice_intros(request, obj))
            fieldsets = [*fieldsets[: at + 1], notify, *fieldsets[at + 1 :]]
        if obj is None or not obj.sessions.exists():
            return fieldsets
        # Offer to move the programme only where there is one, right under the seminar's times.
        with_move = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            if "ends_at" in fields:
                fields.insert(fields.index("ends_at") + 1, "move_programme")
            with_move.append((name, {**options, "fields": fields}))
        return with_move

    def save_model(self, request, obj: Seminar, form, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "format" in form.changed_data:
                registrations_mode_align(seminar=obj)
            # More seats, a waitlist switched back on, or a re-published seminar: offer the free
            # seats to the waitlist, as a cancellation would. Not at a cancelled seminar: its
            # waitlist is told of the cancellation, not given seats that will not happen.
            cancelled = obj.status == Seminar.Status.CANCELLED
            promoted = (
                waitlist_promote(seminar=obj, actor=request.user)
                if change and not cancelled
                else []
            )
        if promoted:
            # Saving emailed these people; the organiser hears whom, not only "changed".
            self.message_user(
                request,
                ngettext(
                    "%(count)d person was promoted from the waitlist and emailed that a seat is "
                    "theirs: %(names)s.",
                    "%(count)d people were promoted from the waitlist and emailed that a seat is "
                    "theirs: %(names)s.",
                    len(promoted),
                )
                % {"count": len(promoted), "names": names_summary(promoted)},
            )
        if change and "requires_approval" in form.changed_data and not obj.requires_approval:
            self._still_pending_report(request, obj)
        self._unused_joining_details_report(request, obj)

    def _unused_joining_details_report(self, request, seminar: Seminar) -> None:
        """An in-person seminar sends its join link to nobody (Registration.gets_joining_details).
        Say so when one is still filled in, typically the webinar's after a move into the room,
        rather than refuse the save and lose the rest of what was typed."""
        if seminar.format != Seminar.Format.IN_PERSON:
            return
        instructions = (
            getattr(seminar, f"joining_instructions_{code.replace('-', '_')}")
            for code, _name in Registration.Language.choices
        )
        if not (seminar.join_url or any(instructions)):
            return
        self.message_user(
            request,
            gettext(
                "This seminar is in person, so its join link and joining instructions are sent "
                "to nobody. Clear them under Joining details if the online meeting is no longer "
                "used."
            ),
            messages.WARNING,
        )

    def _still_pending_report(self, request, seminar: Seminar) -> None:
        """Switching approval off confirms nobody already waiting: say who still waits."""
        pending = seminar.registrations.filter(status=Registration.Status.PENDING).count()
        if not pending:
            return
        url = reverse("admin:registrations_registration_changelist")
        query = urlencode(
            {"seminar__id__exact": seminar.pk, "status__exact": Registration.Status.PENDING}
        )
        message = ngettext(
            "%(count)d registration is still awaiting approval: switching approval off does not "
            "confirm it. Approve or decline it.",
            "%(count)d registrations are still awaiting approval: switching approval off does not "
            "confirm them. Approve or decline each of them.",
            pending,
        ) % {"count": pending}
        link = format_html(
            '<a href="{}?{}">{}</a>', url, query, gettext("Show those awaiting approval")
        )
        self.message_user(request, format_html("{} {}", message, link), messages.WARNING)

    def _programme_save(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or not {"starts_at", "ends_at"} & set(form.changed_data):
            return
        # After the inline has saved the sessions, so the rule sees the programme as typed.
        moved = seminar_reschedule(
            seminar=form.instance,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            move_programme=bool(form.programme_offset),
        )
        if "starts_at" in form.changed_data and (
            message := programme_move_report(
                formsets=formsets, moved=moved, move_programme=bool(form.programme_offset)
            )
        ):
            self.message_user(request, message)

    def save_related(self, request, form, formsets, change: bool) -> None:
        self._programme_save(request, form, formsets, change)
        if not change or form.notice_counts is None:
            return  # nobody to tell, or a seminar cancelled already
        # Last, once the times, the programme and the attendance modes are as saved, so each
        # registrant is told what now concerns them.
        outcome = seminar_edit_notify(
            seminar=form.instance,
            before=form.notice_before,
            actor=request.user,
            notify=form.cleaned_data.get("notify_registrants", False),
        )
        if report := notice_report(outcome):
            self.message_user(request, *report)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("registrations.view_question"):
            # "Questions (n)" beside the seminar's other tools.
            context["questions_link"] = questions_link(obj, obj.questions.count())
        if obj is not None and request.user.has_perm("registrations.view_announcement"):
            # "Announcements (n)" beside it.
            context["announcements_link"] = announcements_link(obj, obj.announcements.count())
        if obj is not None and request.user.has_perm("registrations.view_dashboard"):
            context["certificates_link"] = certificates_link(obj)  # "Certificates" beside them
        if obj is not None and request.user.has_perm("registrations.view_survey"):
            context["survey_link"] = survey_link(obj)  # "Feedback survey" beside "Questions"
        # By keyword: nested-admin's render_change_form takes `obj` third.
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        urls = [
            path(
                "<int:seminar_id>/dashboard/",
                wrap(views.seminar_dashboard),
                name="seminar_seminar_dashboard",
            ),
            path(
                "<int:seminar_id>/summary/",
                wrap(views.seminar_summary),
                name="seminar_seminar_summary",
            ),
            path(
                "<int:seminar_id>/export.<str:file_format>",
                wrap(views.seminar_export),
                name="seminar_seminar_export",
            ),
            path(
                "<int:seminar_id>/import-attendance/",
                wrap(views.seminar_attendance_import),
                name="seminar_seminar_attendance_import",
            ),
            path(
                "<int:seminar_id>/import-attendance/<int:batch_id>/",
                wrap(views.seminar_attendance_preview),
                name="seminar_seminar_attendance_preview",
            ),
            path(
                "<int:seminar_id>/import-attendance/<int:batch_id>/revert/",
                wrap(views.seminar_attendance_revert),
                name="seminar_seminar_attendance_revert",
            ),
            *survey_views.survey_urls(wrap),
        ]
        return urls + super().get_urls()

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, seminar: Seminar) -> str:
        url = reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
        return format_html('<a href="{}">{}</a>', url, _("Dashboard"))

    def get_list_display(self, request):
        if request.user.has_perm("registrations.view_dashboard"):
            return (*self.list_display, "dashboard_link")
        return self.list_display


@admin.register(Session)
class SessionAdmin(TabbedTranslationAdmin):
    list_display = ("title", "seminar", "starts_at", "kind")
    list_filter = ("seminar", "kind")
    search_fields = ("title_en", "title_zh_hant", "title_zh_hans")
    list_select_related = ("seminar",)
    autocomplete_fields = ("seminar",)

    class SpeakerInline(admin.TabularInline):
        model = SessionSpeaker
        extra = 1
        autocomplete_fields = ("speaker",)

    inlines = (SpeakerInline,)


@admin.register(Speaker)
class SpeakerAdmin(TabbedTranslationAdmin):
    list_display = ("name_en", "name_zh", "job_title", "organisation")
    search_fields = ("name_en", "name_zh", "organisation__name_en")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(TabbedTranslationAdmin):
    list_display = ("name", "short_name", "website")
    search_fields = ("name_en", "name_zh_hant", "name_zh_hans", "short_name_en")
