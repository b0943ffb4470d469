"""The audit log: read-only, for organisers to see who did what, in words rather than JSON.

The services store each entry's details as data (`{"attended": {"from": None, "to": True}}`);
`details_terms` turns them into a small definition list ("Attended: not recorded → yes") on
the log, on one entry's page and in a registration's history. Keys it does not know yet (a new
service, an import that records more) still read sensibly: their name in words and the value.
"""

import re
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.audit import REGISTRANT, SYSTEM
from registrations.change_notices import WITHHELD
from registrations.models import AuditEntry, Registration
from seminar.models import AttendanceMode, Seminar

from .columns import seminar_short, when_short

ACTORS = {
    REGISTRANT: _("The registrant"),
    SYSTEM: _("Automatic (waitlist promotion)"),
}
DETAIL_LABELS = {
    "status": _("Status"),
    "was": _("Status before"),
    "source": _("Added through"),
    # At registration, the mode booked; on a change of mode, from which to which.
    "mode": _("Attendance mode"),
    "attendance_mode": _("Attendance mode"),
    "capacity": _("Capacity"),
    "attended": _("Attended"),
    "minutes_online": _("Minutes online"),
    "format": _("Format"),
    "rows": _("Rows"),
    "filters": _("Filters"),
    "file": _("File"),
    "platform": _("Platform"),
    "matched": _("Matched"),
    "changed": _("Changed"),
    "marked_absent": _("Marked absent"),
    "unmatched": _("Matched nobody"),
    # Announcements and change notices, recorded once per seminar.
    "announcement": _("Announcement"),
    "subject": _("Subject"),
    "audience": _("Audience"),
    "recipients": _("Recipients"),
    "fields": _("What changed"),
    "count": _("Emails queued"),
    "notice": _("Registrants emailed"),
    "registrations": _("Registrations"),
    # Check-ins (the moment) and certificates (issued, revoked).
    "at": _("Time"),
    "code": _("Certificate code"),
    "hours": _("Hours"),
    "reason": _("Reason"),
}
# Detail values stored as a choice's value, shown as the choice's label.
CHOICE_LABELS = {
    "status": dict(Registration.Status.choices),
    "was": dict(Registration.Status.choices),
    "source": dict(Registration.Source.choices),
    "mode": dict(AttendanceMode.choices),
    "attendance_mode": dict(AttendanceMode.choices),
    # A change notice the organiser chose not to send (change_notices.WITHHELD).
    "notice": {WITHHELD: _("no, as the organiser chose")},
}


def who_acted(actor_label: str) -> str:
    """The organiser's user name, or who acted when nobody was logged in."""
    return str(ACTORS.get(actor_label, actor_label))


def _field(name: str) -> tuple[str, dict | None]:
    """A registration field's name as the forms show it, and its choices' labels if it has any."""
    try:
        field = Registration._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize(), None
    return capfirst(field.verbose_name), dict(field.choices) if field.choices else None


def _seminar_field(name: str) -> str:
    try:
        return str(capfirst(Seminar._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


# A moment the services store as ISO 8601 text (a check-in's "at", an undone check-in's "was").
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _moment(value: str) -> str | None:
    """An ISO 8601 moment in local time, as the log's "when" column shows it; None otherwise."""
    if not ISO_MOMENT.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when_short(moment) if moment.tzinfo else None


def _value(value: Any, choices: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and (moment := _moment(value)) is not None:
        return moment
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    return str(value)


def _change(change: dict, choices: dict | None = None) -> str:
    return gettext("%(before)s → %(after)s") % {
        "before": _value(change.get("from"), choices),
        "after": _value(change.get("to"), choices),
    }


def _is_change(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


# PostgreSQL's jsonb keeps keys in its own order, not the service's: details are shown in the
# order of DETAIL_LABELS (unknown keys after, alphabetically), edited fields in the form's order.
DETAIL_ORDER = {key: position for position, key in enumerate(DETAIL_LABELS)}
FIELD_ORDER = {field.name: position for position, field in enumerate(Registration._meta.fields)}


def _ordered(items: dict[str, Any], order: dict[str, int]) -> list[tuple[str, Any]]:
    return sorted(items.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def details_terms(details: dict[str, Any]) -> list[tuple[str, str]]:
    """Each detail as (term, description), in a fixed order whatever the database kept."""
    terms = []
    for key, value in _ordered(details, DETAIL_ORDER):
        if key == "changed" and isinstance(value, dict) and all(map(_is_change, value.values())):
            # A registrant's details edited: one line per field, named as on the form.
            for name, change in _ordered(value, FIELD_ORDER):
                label, choices = _field(name)
                terms.append((label, _change(change, choices)))
            continue
        label = str(DETAIL_LABELS.get(key, key.replace("_", " ").capitalize()))
        choices = CHOICE_LABELS.get(key)
        if key == "fields" and isinstance(value, list):
            # A change notice's fields, named as on the seminar's page.
            terms.append((label, ", ".join(_seminar_field(name) for name in value)))
        elif key == "format" and isinstance(value, str):
            terms.append((label, value.upper()))
        elif _is_change(value):
            if value["from"] != value["to"]:
                terms.append((label, _change(value, choices)))
        else:
            terms.append((label, _value(value, choices)))
    return terms


def details_html(entry: AuditEntry) -> str:
    terms = details_terms(entry.details or {})
    if not terms:
        return "—"
    return format_html(
        '<dl class="audit-details">{}</dl>',
        format_html_join("", "<div><dt>{}</dt><dd>{}</dd></div>", terms),
    )


class WhoFilter(admin.SimpleListFilter):
    # The admin writes "By <title>" above a filter.
    title = _("person")
    parameter_name = "who"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        labels = (
            AuditEntry.objects.order_by("actor_label")
            .values_list("actor_label", flat=True)
            .distinct()
        )
        return [(label, who_acted(label)) for label in labels]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]):
        if self.value():
            return queryset.filter(actor_label=self.value())
        return queryset


class ViaFilter(admin.SimpleListFilter):
    title = _("how it was made")
    parameter_name = "via"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("api", _("Made through the API")), ("hand", _("Made by hand or automatically"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]):
        if self.value() == "api":
            return queryset.exclude(via="")
        if self.value() == "hand":
            return queryset.filter(via="")
        return queryset


def via_display(entry: AuditEntry) -> str:
    """The API token a change came through ('API token “CRM sync”'), or a dash."""
    if not entry.via:
        return "—"
    if not entry.via.startswith("API token "):
        return entry.via
    # Stored in English (api/authentication.py); shown in the organiser's language.
    name = entry.via.removeprefix("API token ").strip('“”"')
    return gettext("API token “%(name)s”") % {"name": name}


class AuditDisplay:
    """The columns a person reads, shared by the log and a registration's history."""

    @admin.display(description=_("when"), ordering="created_at")
    def when(self, entry: AuditEntry) -> str:
        return when_short(entry.created_at)

    @admin.display(description=_("registrant"), ordering="registration__name_en")
    def concerning(self, entry: AuditEntry) -> str:
        """Who the entry is about, with the seminar beneath (alone for exports and imports)."""
        name = entry.registration.display_name if entry.registration else ""
        return format_html(
            '{}<span class="entry-seminar">{}</span>', name, seminar_short(entry.seminar)
        )

    @admin.display(description=_("who"), ordering="actor_label")
    def who(self, entry: AuditEntry) -> str:
        return who_acted(entry.actor_label)

    @admin.display(description=_("through"), ordering="via")
    def through(self, entry: AuditEntry) -> str:
        return via_display(entry)

    @admin.display(description=_("details"))
    def details_display(self, entry: AuditEntry) -> str:
        return details_html(entry)


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditDisplay, admin.ModelAdmin):
    list_display = ("when", "who", "action", "through", "concerning", "details_display")
    list_filter = ("action", "seminar", WhoFilter, ViaFilter)
    search_fields = (
        "actor_label",
        "via",
        "registration__email",
        "registration__name_en",
        "registration__name_zh",
    )
    list_select_related = ("seminar", "registration")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "who",
        "through",
        "action",
        "seminar",
        "registration",
        "details_display",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("css/organiser.css",)}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page's subtitle in words and in the organiser's language, not the model's
        # "<action> by <user name>".
        entry = self.get_object(request, object_id)
        if entry is not None:
            extra_context = {
                **(extra_context or {}),
                "subtitle": gettext("%(action)s: %(who)s")
                % {
                    "action": entry.get_action_display(),
                    "who": who_acted(entry.actor_label),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
