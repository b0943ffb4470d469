"""Calendar files (.ics) for a seminar: public (no join link) or for one registrant.

A registrant's file keeps one UID for good, so each new file replaces the entry in their
calendar: PUBLISH with a higher SEQUENCE after a change to the seminar, CANCEL (with
STATUS:CANCELLED) when the organisers cancel it.
"""

import hashlib
from email.utils import parseaddr
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress

from seminar.models import Seminar

from .join_links import join_link_url
from .models import Registration


def _uid(*parts: str) -> str:
    # Stable across re-sends so calendars update the entry instead of adding another; hashed so
    # the UID does not carry the registrant's secret token.
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()[:32]
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"{digest}@{host or 'localhost'}"


PUBLISH = "PUBLISH"
CANCEL = "CANCEL"


def calendar_sequence(seminar: Seminar) -> int:
    """SEQUENCE grows with every edit of the seminar (its last edit, in whole seconds), so a file
    sent after a change replaces the entry an earlier file made. Change notices make sure it
    has risen even for two edits within one second (change_notices.py)."""
    return int(seminar.updated_at.timestamp()) if seminar.updated_at else 0


def calendar_ics(
    *, seminar: Seminar, registration: Registration | None = None, method: str = PUBLISH
) -> bytes:
    """The seminar as one VEVENT in Hong Kong time.

    With a registration, the event carries the join link and instructions (only for a confirmed
    seat of someone who attends online, Registration.gets_joining_details; those in the room
    get the venue) and the registrant's manage link, except once the seminar is cancelled:
    there is nothing left to manage. Without one, it is the public entry. `method` CANCEL
    removes the entry that earlier files made (same UID, higher SEQUENCE).
    """
    event = Event()
    event.add(
        "uid",
        _uid("registration", registration.token) if registration else _uid("seminar", seminar.slug),
    )
    event.add("dtstamp", timezone.now())
    event.add("sequence", calendar_sequence(seminar))
    cancelled = method == CANCEL or seminar.status == Seminar.Status.CANCELLED
    if cancelled:
        # Said in the title, which is what a calendar shows, not only in STATUS, which some
        # calendars ignore.
        event.add("summary", _("Cancelled: %(title)s") % {"title": seminar.title})
    else:
        event.add("summary", seminar.title)
    event.add("dtstart", timezone.localtime(seminar.starts_at, timezone.get_default_timezone()))
    event.add("dtend", timezone.localtime(seminar.ends_at, timezone.get_default_timezone()))
    event.add("url", settings.SITE_URL + seminar.get_absolute_url())
    lines = [_("This seminar has been cancelled.")] if cancelled else []
    lines += [seminar.theme] if seminar.theme else []
    joins_online = registration and registration.gets_joining_details
    if joins_online and registration.seat_is_confirmed and seminar.join_url:
        # The registrant's own link (join_links.py), never the meeting's address.
        join_link = join_link_url(registration=registration)
        event.add("location", join_link)
        lines += [_("Join: %(url)s") % {"url": join_link}]
        if seminar.joining_instructions:
            lines.append(seminar.joining_instructions)
    elif seminar.venue and (registration is None or registration.gets_venue):
        event.add("location", seminar.venue)
    if registration and not cancelled:
        manage_url = settings.SITE_URL + registration.get_absolute_url()
        lines.append(_("Your registration: %(url)s") % {"url": manage_url})
    event.add("description", "\n\n".join(lines))
    if cancelled or (registration and not registration.is_active):
        event.add("status", "CANCELLED")
    elif registration and registration.status == Registration.Status.PENDING:
        event.add("status", "TENTATIVE")  # no seat until an organiser approves it
    else:
        event.add("status", "CONFIRMED")
    if method == CANCEL:
        # iTIP (RFC 5546) asks a cancellation to name its organiser: the address emails come from.
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        organiser = vCalAddress(f"mailto:{address}")
        if name:
            organiser.params["cn"] = name
        event.add("organizer", organiser)

    calendar = Calendar()
    calendar.add("prodid", "-//Seminar registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    # The VTIMEZONE goes before the event, where add_missing_timezones() puts it and some
    # calendars expect it.
    event_starts = b"\r\nBEGIN:VEVENT\r\n"
    return calendar.to_ical().replace(event_starts, b"\r\n" + _timezone() + event_starts[2:], 1)


@cache
def _timezone() -> bytes:
    # The VTIMEZONE for Hong Kong time is the same in every file; working it out took icalendar
    # 13 ms and writing it 1 ms, more than the rest of an email. Once per process is enough.
    return Timezone.from_tzid(settings.TIME_ZONE).to_ical()
