"""What the announcements' admin pages say in words: the progress of a sent announcement, the
errors of the language tabs listed at the top of the page, and who each person offered by
"Preview as" is."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from modeltranslation.utils import build_localized_fieldname

from registrations.announcements import Progress
from registrations.models import Announcement, Registration
from registrations.placeholders import TEXT_FIELDS

from .columns import when_short


def language_errors(form: forms.BaseForm) -> list[dict[str, object]]:
    """The errors of the texts written per language (a tab each), in the page's order, each
    naming its field and language: the tab shown may not be the one with the error."""
    found = []
    for field in TEXT_FIELDS:
        label = capfirst(Announcement._meta.get_field(field).verbose_name)
        for code, language in settings.LANGUAGES:
            name = build_localized_fieldname(field, code)
            if name in form.errors and name in form.fields:
                found.append(
                    {
                        "field_id": form[name].auto_id,
                        "label": _("%(field)s (%(language)s, tab %(tab)s)")
                        % {"field": label, "language": language, "tab": code.upper()},
                        "errors": form.errors[name],
                    }
                )
    return found


def recipient_label(registration: Registration) -> str:
    """Who someone offered by "Preview as" is, told apart from a namesake: "CHAN Tai Man ·
    chan@example.com · English · Confirmed", with how they attend at a hybrid seminar."""
    parts = [
        registration.display_name,
        registration.email,
        registration.get_preferred_language_display(),
        registration.get_status_display(),
    ]
    if registration.seminar.is_hybrid:
        parts.append(registration.get_attendance_mode_display())
    separator = " · "
    return separator.join(str(part) for part in parts if part)


def progress_short(*, sent: int, queued: int, failed: int, not_sent: int) -> str:
    """ "62 sent · 2 failed", with "· 3 waiting" and "· 1 not sent" when there are any: the
    list's one progress column."""
    parts = [
        _("%(count)d sent") % {"count": sent},
        _("%(count)d failed") % {"count": failed},
    ]
    if queued:
        parts.append(_("%(count)d waiting") % {"count": queued})
    if not_sent:
        parts.append(_("%(count)d not sent") % {"count": not_sent})
    return " · ".join(parts)


def sending_words(announcement: Announcement, progress: Progress) -> str:
    """Where a queued announcement's delivery stands, in a sentence: "Sent on ... to 64 people:
    64 sent, 0 failed." once nothing waits, "Sending since ...: 20 of 64 sent, 0 failed so far."
    until then."""
    count = announcement.recipient_count or 0
    values = {
        "when": when_short(announcement.queued_at),
        "count": count,
        "sent": progress.sent,
        "failed": progress.failed,
    }
    if progress.queued:
        return (
            ngettext(
                "Sending since %(when)s: %(sent)d of %(count)d sent, %(failed)d failed so far.",
                "Sending since %(when)s: %(sent)d of %(count)d sent, %(failed)d failed so far.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Sent on %(when)s to %(count)d person: %(sent)d sent, %(failed)d failed.",
            "Sent on %(when)s to %(count)d people: %(sent)d sent, %(failed)d failed.",
            count,
        )
        % values
    )


def purpose_short(purpose: str) -> str:
    """The kind of message in a word or two, for the list (the form says it in full)."""
    if purpose == Announcement.Purpose.NEWS:
        return pgettext("kind of announcement, in the list", "News")
    return pgettext("kind of announcement, in the list", "About the seminar")
