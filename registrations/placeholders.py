"""The placeholders organisers type in an announcement's subject and message: {name}, {date}...

Single braces mark a placeholder; a brace itself is written twice ({{ or }}), as in Python's
str.format. The text is checked when the announcement is saved (an unknown or malformed
placeholder is an error next to the field it is in) and filled per recipient, in their
language, when the email is built. Filling gives plain text: the email escapes it afterwards,
so a registrant's name can never become markup.
"""

import re
from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from seminar.templatetags.seminar_tags import hkt_range

from .errors import RegistrationError
from .join_links import join_link_url
from .models import Announcement, Registration

TEXT_FIELDS = ("subject", "body")
JOIN_LINK = "join_link"
MANAGE_LINK = "manage_link"
# What each placeholder becomes, for the help text.
PLACEHOLDERS = {
    "name": _("the recipient's name, with their title"),
    "seminar": _("the seminar's title"),
    "date": _("the seminar's date and time, in Hong Kong time"),
    "venue": _("the venue (or the format, for an online seminar)"),
    MANAGE_LINK: _("the recipient's private link to view, change or cancel their registration"),
    JOIN_LINK: _(
        "the recipient's personal join link, which opens the meeting: only when the audience "
        "is confirmed registrants only"
    ),
}
# "{{" and "}}" are braces; "{word}" a placeholder; any other brace stands alone.
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

PLACEHOLDER_UNKNOWN = _(
    "“%(placeholder)s” is not a placeholder. You can use %(known)s. To write a brace itself, "
    "type it twice: {{ or }}."
)
PLACEHOLDER_MALFORMED = _(
    "A brace stands alone near “%(near)s”: a placeholder is a name in braces, like {name}. To "
    "write a brace itself, type it twice: {{ or }}."
)
JOIN_LINK_REFUSED = _(
    "{join_link} can only be used when the audience is confirmed registrants only (tick only "
    "“Confirmed” under Status): the join link is for confirmed seats and must never reach "
    "anyone waitlisted, awaiting approval, declined or cancelled. Remove it, or narrow the "
    "audience."
)
HELP_TEXT = _(
    "Placeholders are filled in for each recipient, in their language: %(placeholders)s. To "
    "write a brace itself, type it twice: {{ or }}."
)


def placeholders_help() -> str:
    """The help text listing every placeholder, in the active language."""
    separator = pgettext("separator between items of a list", ", ")
    # The brackets are the language's own: "{venue} (the venue)", "{venue}（地點）".
    explained = pgettext("a placeholder and what it becomes", "%(placeholder)s (%(meaning)s)")
    listed = separator.join(
        explained % {"placeholder": f"{{{name}}}", "meaning": meaning}
        for name, meaning in PLACEHOLDERS.items()
    )
    return str(HELP_TEXT) % {"placeholders": listed}


def placeholders_used(text: str) -> set[str]:
    """The placeholders in `text`; RegistrationError says what is wrong with the first bad one."""
    used = set()
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            near = text[max(match.start() - 15, 0) : match.end() + 15].strip()
            raise RegistrationError(PLACEHOLDER_MALFORMED % {"near": near})
        if name not in PLACEHOLDERS:
            known = pgettext("separator between items of a list", ", ").join(
                f"{{{known}}}" for known in PLACEHOLDERS
            )
            raise RegistrationError(
                PLACEHOLDER_UNKNOWN % {"placeholder": token[:60], "known": known}
            )
        used.add(name)
    return used


def placeholders_fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value and doubled braces made single.
    The text must have passed placeholders_used; a placeholder without a value becomes empty."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        return values.get(name, "") if name is not None else token

    return TOKEN.sub(replace, text)


def placeholder_values(
    *, registration: Registration, manage_url: str, sample: bool = False
) -> dict[str, str]:
    """What each placeholder means for this registrant, in the active language (the caller
    sets the registrant's). `sample` (a test or a preview) puts stand-ins for the personal
    join link, as for the private link."""
    seminar = registration.seminar
    return {
        "name": registration.greeting_name,
        "seminar": seminar.title,
        "date": hkt_range(seminar.starts_at, seminar.ends_at),
        "venue": seminar.venue or seminar.get_format_display(),
        MANAGE_LINK: manage_url,
        JOIN_LINK: join_link_value(registration, sample=sample),
    }


def join_link_value(registration: Registration, *, sample: bool = False) -> str:
    """The personal join link (join_links.py) for a confirmed seat that joins online, never the
    meeting's address. Anyone else gets words instead, never the link: at a hybrid seminar
    those in the room are told they need none (the email goes to them, as the message is about
    the seminar they have a seat at)."""
    if not registration.seat_is_confirmed:
        return ""
    if not registration.gets_joining_details:
        return pgettext(
            "what {join_link} says to someone with a seat in the room",
            "(no join link: you attend in the room)",
        )
    if not registration.seminar.join_url:
        return gettext("(the join link is not ready yet: it will be on your registration page)")
    if sample:
        return sample_join_url()
    return join_link_url(registration=registration)


def sample_join_url() -> str:
    """A stand-in for the personal join link, as sample_manage_url is for the private one."""
    return f"{settings.SITE_URL}/j/personal-link/"


def sample_manage_url() -> str:
    """A stand-in for the private link in previews and tests: organisers see where it goes,
    but the registrant's own link never reaches an organiser's mailbox."""
    return f"{settings.SITE_URL}/r/personal-link/"


def announcement_text_fields() -> list[str]:
    """Each language's subject and message field: "subject_en", "subject_zh_hant"..."""
    return [
        build_localized_fieldname(field, language)
        for field in TEXT_FIELDS
        for language, _name in settings.LANGUAGES
    ]


def announcement_texts(announcement: Announcement) -> dict[str, str]:
    """Each language's subject and message, by field name ("subject_zh_hant": "...")."""
    return {name: getattr(announcement, name) or "" for name in announcement_text_fields()}


def announcement_uses_join_link(announcement: Announcement) -> bool:
    """Whether any language's subject or message carries {join_link}."""
    for text in announcement_texts(announcement).values():
        try:
            if JOIN_LINK in placeholders_used(text):
                return True
        except RegistrationError:
            return True  # unreadable, so it cannot be shown to carry no link: the safe side
    return False
