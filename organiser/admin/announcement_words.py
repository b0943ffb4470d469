"""What the announcements' admin pages say in words: the progress of a sent announcement, the
errors of the language tabs listed at the top of the page, and who each person offered by
"Preview as" is."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from registrations.models import Announcement, Registration
from registrations.placeholders import TEXT_FIELDS


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
