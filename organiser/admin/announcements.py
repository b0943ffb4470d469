"""Organisers write to a seminar's registrants here: one page per announcement, with its subject
and message in three languages (a tab each), its audience as checkboxes and the number it
reaches; then a preview as a chosen recipient gets it, a test to themselves, and sending now or
at a set time (announcement_views.py). The list filtered by seminar is the seminar's
announcements page (linked from the seminar as "Announcements (n)"), with each one's progress.

Once queued an announcement is read-only: the page shows what went out, to how many, and how
far delivery has got; failed emails can be sent again.
"""

from urllib.parse import parse_qsl

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from registrations.announcement_audience import announcement_audience, audience_describe
from registrations.announcements import (
    AnnouncementAlreadyQueued,
    Progress,
    announcement_failed_resend,
    announcement_progress,
    announcement_recipients,
    announcement_update,
    announcements_with_progress,
)
from registrations.errors import RegistrationError
from registrations.models import Announcement
from seminar.models import Seminar

from . import announcement_views as views
from .announcement_forms import ANSWERS_FIELD, AnnouncementAdminForm
from .announcement_words import language_errors, progress_short, purpose_short, sending_words
from .columns import seminar_short, when_short

SEMINAR_FILTER = "seminar__id__exact"
State = Announcement.State


def announcements_url(seminar_id: int) -> str:
    """The seminar's announcements page: the list filtered to it."""
    changelist = reverse("admin:registrations_announcement_changelist")
    return f"{changelist}?{SEMINAR_FILTER}={seminar_id}"


def announcements_link(seminar: Seminar, count: int) -> str:
    """ "Announcements (3)", linking to the seminar's announcements page."""
    return format_html(
        '<a href="{}">{}</a>',
        announcements_url(seminar.pk),
        _("Announcements (%(count)d)") % {"count": count},
    )


@admin.register(Announcement)
class AnnouncementAdmin(TabbedTranslationAdmin):
    form = AnnouncementAdminForm
    # Few, short columns: the list fits beside the admin's menu and filters at 1280 px.
    list_display = (
        "subject",
        "seminar_column",
        "purpose_column",
        "state_column",
        "progress_column",
    )
    list_filter = ("seminar", "state", "purpose")
    list_select_related = ("seminar",)
    search_fields = ("subject_en", "subject_zh_hant", "subject_zh_hans")
    actions = ("resend_failed",)
    change_form_template = "admin/registrations/announcement/change_form.html"
    change_list_template = "admin/registrations/announcement/change_list.html"

    class Media:
        css = {"all": ("css/organiser.css",)}
        # Named after modeltranslation's tabs script, so the media merge keeps ours after it.
        js = (
            "js/announcement_audience.js",
            "modeltranslation/js/tabbed_translation_fields.js",
            "js/translation_tabs.js",
        )

    # The list, with each one's progress counted in the list's own query.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Announcement]:
        return announcements_with_progress(super().get_queryset(request))

    @admin.display(description=gettext_lazy("seminar"), ordering="seminar__starts_at")
    def seminar_column(self, announcement: Announcement) -> str:
        return seminar_short(announcement.seminar)

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_column(self, announcement: Announcement) -> str:
        if announcement.state == State.SCHEDULED:
            return _("Scheduled for %(when)s") % {"when": when_short(announcement.send_at)}
        if announcement.state == State.QUEUED:
            return _("Sent %(when)s") % {"when": when_short(announcement.queued_at)}
        return announcement.get_state_display()

    @admin.display(description=gettext_lazy("progress"), ordering="progress_failed")
    def progress_column(self, announcement: Announcement) -> str:
        if announcement.state != State.QUEUED:
            return "—"
        return progress_short(
            sent=announcement.progress_sent,
            queued=announcement.progress_queued,
            failed=announcement.progress_failed,
            not_sent=announcement.progress_not_sent,
        )

    @admin.display(description=gettext_lazy("kind"), ordering="purpose")
    def purpose_column(self, announcement: Announcement) -> str:
        return purpose_short(announcement.purpose)

    def get_list_display(self, request: HttpRequest):
        # On a seminar's own announcements page its title is the heading: no column for it.
        if request.GET.get(SEMINAR_FILTER):
            return [name for name in self.list_display if name != "seminar_column"]
        return self.list_display

    # Offered to those who may send (has_change_permission without an announcement).
    @admin.action(description=gettext_lazy("Send failed emails again"), permissions=["change"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> None:
        resent = sum(announcement_failed_resend(announcement=a) for a in queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", resent)
            % {"count": resent},
            messages.SUCCESS,
        )

    # One announcement's page: editable until it is queued.

    def can_send(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        """The organisers' right to change, send, schedule and test (viewers only look)."""
        return super().has_change_permission(request, obj)

    def can_preview(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        """Previews name registrants: for those who may see registrations."""
        return self.has_view_permission(request, obj) and request.user.has_perm(
            "registrations.view_registration"
        )

    def has_change_permission(self, request: HttpRequest, obj: Announcement | None = None):
        return self.can_send(request, obj) and (obj is None or obj.state != State.QUEUED)

    def has_delete_permission(self, request: HttpRequest, obj: Announcement | None = None):
        # Once any email went out for it (a test to an organiser included) it stays on record,
        # as its emails do: no Delete button rather than a page of "protected objects".
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.state != State.QUEUED and not obj.notifications.exists())
        )

    def seminar_preset(self, request: HttpRequest) -> Seminar | None:
        """The seminar whose announcements page "Add announcement" was clicked on."""
        filters = dict(parse_qsl(request.GET.get("_changelist_filters", "")))
        seminar_id = filters.get(SEMINAR_FILTER, "") or request.GET.get("seminar", "")
        return Seminar.objects.filter(pk=seminar_id).first() if seminar_id.isdigit() else None

    def get_form(self, request: HttpRequest, obj: Announcement | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        preset = None if obj else self.seminar_preset(request)
        return type(form.__name__, (form,), {"preset_seminar": preset})

    def get_fieldsets(self, request: HttpRequest, obj: Announcement | None = None):
        # Each translated field becomes its languages' fields (one tab each).
        return [
            (name, {**options, "fields": self.replace_orig_field(options["fields"])})
            for name, options in self.fieldsets_for(request, obj)
        ]

    def fieldsets_for(self, request: HttpRequest, obj: Announcement | None = None) -> list:
        message = (
            _("Message"),
            {
                "fields": ("subject", "body"),
                "description": _(
                    "Write it in each language's tab; a registrant whose language is left "
                    "empty gets the English. The email starts with “Dear (name),” and ends "
                    "with their private link and the enquiries contact."
                ),
            },
        )
        if obj is not None and not self.has_change_permission(request, obj):
            return [
                (None, {"fields": ("seminar", "purpose")}),
                message,
                (_("Audience"), {"fields": ("audience_words",)}),
                (_("Sending and progress"), {"fields": ("sending_words", "progress_words")}),
            ]
        seminar = obj.seminar if obj else self.seminar_preset(request)
        audience = ["audience_statuses", "audience_attendance"]
        audience += ["audience_participant_types", "audience_regions"]
        if seminar is not None and seminar.is_hybrid:
            audience.append("audience_attendance_modes")
        if seminar is not None and AnnouncementAdminForm.offers_answers(seminar):
            audience.append(ANSWERS_FIELD)
        audience.append("recipients_now")
        fieldsets = [
            (None, {"fields": ("seminar", "purpose")}),
            message,
            (
                _("Audience"),
                {
                    "fields": audience,
                    "description": _(
                        "Who gets it. Tick nothing in a group for anyone; ticks in several "
                        "groups must all match. A person registered twice with one address "
                        "gets it once."
                    ),
                },
            ),
        ]
        if obj is not None:
            fieldsets.append((_("Sending and progress"), {"fields": ("sending_words",)}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Announcement | None = None):
        if obj is not None and not self.has_change_permission(request, obj):
            return (
                "seminar",
                "purpose",
                "audience_words",
                "sending_words",
                "progress_words",
            )
        return ("seminar", "recipients_now", "sending_words") if obj else ("recipients_now",)

    def save_model(self, request, obj: Announcement, form, change: bool) -> None:
        if change:
            # Only the edits, and only if no scheduler queued it since the page was opened.
            announcement_update(announcement=obj)
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AnnouncementAlreadyQueued as refusal:
            # Queued between the form's check and the save: the admin's transaction rolled
            # back, so what was sent is what the page now shows.
            messages.error(request, refusal.message)
            return redirect(request.get_full_path())

    @admin.display(description=gettext_lazy("recipients"))
    def recipients_now(self, announcement: Announcement) -> str:
        """The count beside the audience; the page's script keeps it current as boxes are
        ticked (announcement_views.audience_count_view)."""
        seminar_id = announcement.seminar_id if announcement.pk else None
        if announcement.pk:
            try:
                words = views.recipients_words(
                    announcement_recipients(announcement=announcement).count()
                )
            except RegistrationError as refusal:
                words = str(refusal.message)
        else:
            words = _("Save to see how many people it reaches.")
        count_url = reverse("admin:registrations_announcement_count")
        return format_html(
            '<span id="announcement-recipients" aria-live="polite" data-count-url="{}"'
            ' data-seminar="{}">{}</span>',
            count_url,
            seminar_id or "",
            words,
        )

    @admin.display(description=gettext_lazy("audience"))
    def audience_words(self, announcement: Announcement) -> str:
        try:
            audience = announcement_audience(announcement)
        except RegistrationError as refusal:
            return str(refusal.message)
        return audience_describe(seminar=announcement.seminar, audience=audience)

    @admin.display(description=gettext_lazy("state"))
    def sending_words(self, announcement: Announcement) -> str:
        if announcement.state == State.QUEUED:
            return sending_words(announcement, self.progress(announcement))
        if announcement.state == State.SCHEDULED:
            return _(
                "Scheduled: it goes at %(when)s (Hong Kong time) to the audience as it is then."
            ) % {"when": when_short(announcement.send_at)}
        return _("Draft: not sent yet.")

    def progress(self, announcement: Announcement) -> Progress:
        """Its progress, read once for the page's fields and buttons."""
        if not hasattr(announcement, "_progress"):
            announcement._progress = announcement_progress(announcement=announcement)
        return announcement._progress

    @admin.display(description=gettext_lazy("progress"))
    def progress_words(self, announcement: Announcement) -> str:
        progress = self.progress(announcement)
        return _(
            "%(sent)d sent, %(queued)d waiting, %(failed)d failed, %(not_sent)d not sent "
            "(no longer applied: the registrant unsubscribed, left the seat the message was "
            "for, or their data was removed)."
        ) % {
            "sent": progress.sent,
            "queued": progress.queued,
            "failed": progress.failed,
            "not_sent": progress.not_sent,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        seminar = obj.seminar if obj else self.seminar_preset(request)
        form = context.get("adminform") and context["adminform"].form
        context.update(
            seminar=seminar,
            language_errors=language_errors(form) if form is not None and form.errors else [],
            can_preview=obj is not None and self.can_preview(request, obj),
            can_send=obj is not None and self.has_change_permission(request, obj),
            can_resend=obj is not None
            and obj.state == State.QUEUED
            and self.can_send(request, obj)
            and self.progress(obj).failed > 0,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        seminar_id = request.GET.get(SEMINAR_FILTER, "")
        seminar = Seminar.objects.filter(pk=seminar_id).first() if seminar_id.isdigit() else None
        extra_context = {**(extra_context or {}), "seminar": seminar}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def wrap(view, name):
            return path(
                f"<int:announcement_id>/{name}/",
                self.admin_site.admin_view(lambda request, **kw: view(self, request, **kw)),
                name=f"registrations_announcement_{name}",
            )

        urls = [
            path(
                "count/",
                self.admin_site.admin_view(
                    lambda request: views.audience_count_view(self, request)
                ),
                name="registrations_announcement_count",
            ),
            wrap(views.preview_view, "preview"),
            wrap(views.preview_html_view, "preview_html"),
            wrap(views.test_view, "test"),
            wrap(views.send_view, "send"),
            wrap(views.schedule_view, "schedule"),
            wrap(views.resend_view, "resend"),
        ]
        return urls + super().get_urls()
