"""What changed about a seminar that its registrants must hear of, and whom each change concerns.

A change is found by comparing two snapshots of the seminar (before and after an organiser's
edit) and is stored on each change notice as {"field": [before, after]} (Notification.changes):
times in ISO 8601 (UTC), the venue as {language: text} so that each registrant reads it in their
own language. The service that queues the notices (change_notices.py), the outbox that checks a
notice still applies when its turn comes (delivery.py) and the email that words it (emails.py)
all read this module, so who is told what is decided in one place:

- the date and time and the format concern every confirmed or waitlisted registrant;
- the venue concerns those who attend in the room, and only if it changed in their language;
- the join link concerns confirmed registrants who attend online (Registration.gets_joining_details:
  nobody at an in-person seminar), never anyone waitlisted.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from seminar.models import AttendanceMode, Seminar
from seminar.templatetags.seminar_tags import hkt_range

from .calendar import calendar_sequence
from .models import Registration

Status = Registration.Status

# The fields a change notice tells of, in the order the email lists them.
NOTICE_FIELDS = ("starts_at", "ends_at", "format", "venue", "join_url")
# Who hears of a change, and who of a cancellation (which also ends requests under review).
CHANGE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)
CANCELLATION_STATUSES = (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING)
LANGUAGES = tuple(Registration.Language.values)
# One topic per line of the email; the start and the end are one line, the date and time.
TOPICS = {
    "starts_at": "when",
    "ends_at": "when",
    "format": "format",
    "venue": "venue",
    "join_url": "join_url",
}
# The topics as an organiser reads them in the admin's messages and the audit log.
TOPIC_NAMES = {
    "when": _("date and time"),
    "format": _("format"),
    "venue": _("venue"),
    "join_url": _("join link"),
    "status": _("status"),
}
# The same topics as the email's row headings.
ROW_LABELS = {
    "when": _("When"),
    "format": _("Format"),
    "venue": _("Venue"),
    "join_url": _("Join link"),
}


def _instant(value: datetime) -> str:
    # UTC, so that the same moment typed in Hong Kong time and read back from the database
    # compares equal.
    return value.astimezone(UTC).isoformat()


def _column(language: str) -> str:
    return language.replace("-", "_")


def seminar_snapshot(*, seminar: Seminar) -> dict:
    """What registrants were told about the seminar, to compare after an edit: the notice
    fields, the status, and the calendar SEQUENCE their calendar files carry."""
    return {
        "starts_at": _instant(seminar.starts_at),
        "ends_at": _instant(seminar.ends_at),
        "format": seminar.format,
        "venue": {
            language: getattr(seminar, f"venue_{_column(language)}", "") or ""
            for language in LANGUAGES
        },
        "join_url": seminar.join_url,
        "status": seminar.status,
        "sequence": calendar_sequence(seminar),
    }


def seminar_changes(*, before: dict, after: dict) -> dict[str, list]:
    """{"field": [before, after]} for each notice field that differs, and only those."""
    return {
        field: [before[field], after[field]]
        for field in NOTICE_FIELDS
        if before[field] != after[field]
    }


def changes_topics(changes: dict) -> list[str]:
    """The topics of these changes, in the email's order, each once ("when", "venue")."""
    topics = []
    for field in NOTICE_FIELDS:
        if field in changes and TOPICS[field] not in topics:
            topics.append(TOPICS[field])
    return topics


def topics_named(topics: list[str]) -> str:
    """ "date and time, venue", in the active language, for organisers."""
    separator = pgettext("separator between items of a list", ", ")
    return separator.join(str(TOPIC_NAMES[topic]) for topic in topics)


def venue_in(value: dict | str, language: str) -> str:
    """The venue as a registrant reading `language` sees it: English where not translated."""
    if isinstance(value, str):
        return value
    return value.get(language) or value.get(LANGUAGES[0]) or ""


def changes_concerning(*, registration: Registration, changes: dict) -> dict[str, list]:
    """The part of `changes` that concerns this registrant as they stand now (nothing for
    a registration that is neither confirmed nor waitlisted), at the seminar as it is now."""
    if registration.status not in CHANGE_STATUSES:
        return {}
    in_room = registration.attendance_mode == AttendanceMode.IN_PERSON
    language = registration.preferred_language
    concerning = {}
    for field, (before, after) in changes.items():
        if field == "venue" and (
            not in_room or venue_in(before, language) == venue_in(after, language)
        ):
            continue
        # The same test as every email's joining details: nobody at an in-person seminar.
        if field == "join_url" and (
            not registration.gets_joining_details or registration.status != Status.CONFIRMED
        ):
            continue
        concerning[field] = [before, after]
    return concerning


@dataclass(frozen=True)
class ChangeRow:
    """One line of a change notice: what, as it was, as it is now (in the active language)."""

    label: str
    before: str
    after: str
    link: str = ""  # where "after" is a web address to open


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _or_none(value: str) -> str:
    return value or pgettext("a seminar detail that was or is no longer given", "(none)")


def change_rows(
    *, changes: dict, seminar: Seminar, language: str, join_link: str | None = None
) -> list[ChangeRow]:
    """The changes as the email lists them. The date and time is one line; when only the start
    or only the end changed, the other is the seminar's as it is now.

    For a registrant's email, `join_link` is their personal link ("" when the seminar has no
    meeting now): a new meeting is then told in words, since the personal link they already
    hold now leads there, and the meeting's address is never printed. Without it (None: the
    organisers' outbox) the addresses are shown as they were and are."""
    rows = []
    if "starts_at" in changes or "ends_at" in changes:
        now = [_instant(seminar.starts_at), _instant(seminar.ends_at)]
        starts = changes.get("starts_at", [now[0], now[0]])
        ends = changes.get("ends_at", [now[1], now[1]])
        rows.append(
            ChangeRow(
                label=str(ROW_LABELS["when"]),
                before=hkt_range(_moment(starts[0]), _moment(ends[0])),
                after=hkt_range(_moment(starts[1]), _moment(ends[1])),
            )
        )
    if "format" in changes:
        before, after = changes["format"]
        rows.append(
            ChangeRow(
                label=str(ROW_LABELS["format"]),
                before=str(Seminar.Format(before).label),
                after=str(Seminar.Format(after).label),
            )
        )
    if "venue" in changes:
        before, after = changes["venue"]
        rows.append(
            ChangeRow(
                label=str(ROW_LABELS["venue"]),
                before=_or_none(venue_in(before, language)),
                after=_or_none(venue_in(after, language)),
            )
        )
    if "join_url" in changes and join_link is not None:
        rows.append(_join_link_row(*changes["join_url"], join_link=join_link))
    elif "join_url" in changes:
        before, after = changes["join_url"]
        rows.append(
            ChangeRow(
                label=str(ROW_LABELS["join_url"]),
                before=_or_none(before),
                after=_or_none(after),
                link=after,
            )
        )
    return rows


def _join_link_row(before: str, after: str, *, join_link: str) -> ChangeRow:
    """A change of meeting as a registrant reads it: their personal join link stays the same."""
    if not after:
        now = pgettext(
            "a seminar's online meeting, after a change",
            "(none for now: the organisers will send the new joining details)",
        )
        return ChangeRow(label=str(ROW_LABELS["join_url"]), before=_meeting(before), after=now)
    now = pgettext(
        "a seminar's online meeting, after a change",
        "A new online meeting. Your personal join link, the same as in our earlier emails, "
        "now opens it.",
    )
    return ChangeRow(
        label=str(ROW_LABELS["join_url"]), before=_meeting(before), after=now, link=join_link
    )


def _meeting(before: str) -> str:
    if not before:
        return _or_none(before)
    return pgettext("a seminar's online meeting, before a change", "The earlier online meeting")
