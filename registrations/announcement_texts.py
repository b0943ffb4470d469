"""What an announcement's texts must be before it is saved or sent: placeholders that exist, the
join link only for confirmed registrants, a message of a sensible length, and each language
written whole (its subject and its message) or not at all."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .announcement_audience import Audience
from .errors import RegistrationError
from .placeholders import JOIN_LINK, JOIN_LINK_REFUSED, placeholders_used

# An upper bound, so a pasted book is caught on the page rather than mailed to everyone.
BODY_MAX_CHARACTERS = 20_000
BODY_TOO_LONG = _(
    "A message can have at most %(limit)s characters, and this one has %(count)s. Shorten it, "
    "or put the details on a web page and link to it."
)


# A language with one of its two texts: its registrants would get the English instead (the whole
# email is in one language), so the organiser is asked to finish it or clear it.
TEXT_MISSING = {
    "subject": _(
        "Write the subject in this language too, or clear its message: a registrant whose "
        "language has no subject or no message gets the whole email in English."
    ),
    "body": _(
        "Write the message in this language too, or clear its subject: a registrant whose "
        "language has no subject or no message gets the whole email in English."
    ),
}


def announcement_language_gaps(*, texts: dict[str, str]) -> dict[str, str]:
    """The empty field of each language written only in part (a subject without a message or
    the other way round), by field name, with what to do."""
    gaps = {}
    for language, _name in settings.LANGUAGES:
        names = {field: build_localized_fieldname(field, language) for field in TEXT_MISSING}
        written = {field for field, name in names.items() if (texts.get(name) or "").strip()}
        if len(written) == 1:
            [missing] = set(TEXT_MISSING) - written
            gaps[names[missing]] = str(TEXT_MISSING[missing])
    return gaps


def announcement_text_errors(*, texts: dict[str, str], audience: Audience) -> dict[str, str]:
    """What is wrong with each text field, by field name: a message too long, an unknown or
    malformed placeholder, or a join link for an audience that is not confirmed registrants
    only."""
    errors = {}
    for name, text in texts.items():
        if name.startswith("body") and len(text) > BODY_MAX_CHARACTERS:
            errors[name] = str(BODY_TOO_LONG) % {
                "limit": f"{BODY_MAX_CHARACTERS:,}",
                "count": f"{len(text):,}",
            }
            continue
        try:
            used = placeholders_used(text)
        except RegistrationError as refusal:
            errors[name] = str(refusal.message)
            continue
        if JOIN_LINK in used and not audience.confirmed_only:
            errors[name] = str(JOIN_LINK_REFUSED)
    return errors
