"""Checking people in at the door: the one service that records an arrival, its undo, and the
reads the check-in page needs (search, counts).

The write is one conditional UPDATE (`... WHERE checked_in_at IS NULL AND status = confirmed`):
two staff scanning the same person at the same moment both run it, the database lets one of them
change the row, and the other reads back "already checked in at 14:05 by X". No lock is held, so
a queue at the door never waits on the seminar row that bookings lock.

Who may be checked in: a confirmed registration of this seminar. Everyone else gets a state the
page shows as it is (waitlisted, cancelled, pending or declined, another seminar, unknown code)
and nothing is written. An online attendee of a hybrid seminar who turns up in the room is
checked in (they are there, and the room has space for walk-ins or it would refuse them at the
desk) with the note "registered to attend online", so organisers can see it afterwards.

Undo is for a mistaken tap: the person who checked someone in may undo it within
UNDO_MINUTES; organisers (who can change registrations) may undo it at any time.

The door closes CHECK_IN_GRACE_HOURS (a setting) after the seminar ends: after that check-ins,
walk-ins and undos are refused, so past attendance (and certificates built on it) stays as it was
and no walk-in confirmation goes out for a seminar long over. `checkin_closed` is that rule.

What a check-in at the wrong seminar shows: a tap on a search result carries a registration id,
which is sequential and guessable, so only registrations of this seminar are looked up and any
other id is an unknown code (nothing about the person). A scanned or typed check-in code is a
secret the person carries, so a code for another seminar names the person and that seminar, and
nothing more (no organisation, email or status), to send them to the right room.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opencc import OpenCC

from seminar.models import AttendanceMode, Seminar

from .audit import audit_record
from .errors import RegistrationError
from .models import AuditEntry, Registration
from .models.registration import CHECKIN_ALPHABET, CHECKIN_CODE_LENGTH

Status = Registration.Status
UNDO_MINUTES = 2
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2


class CheckinState:
    """What the banner at the door says. Plain strings, so the page's JSON carries them."""

    CHECKED_IN = "checked_in"
    ALREADY = "already"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    NOT_CONFIRMED = "not_confirmed"  # pending review or declined
    OTHER_SEMINAR = "other_seminar"
    UNKNOWN = "unknown"
    ENDED = "ended"  # the seminar is over (plus the grace): nothing is recorded any more


HEADLINES = {
    CheckinState.CHECKED_IN: _("Checked in"),
    CheckinState.ALREADY: _("Already checked in"),
    CheckinState.WAITLISTED: _("Waitlisted: no seat"),
    CheckinState.CANCELLED: _("Cancelled"),
    CheckinState.NOT_CONFIRMED: _("Not confirmed: no seat"),
    CheckinState.OTHER_SEMINAR: _("Not for this seminar"),
    CheckinState.UNKNOWN: _("Unknown code"),
    CheckinState.ENDED: _("This seminar has ended: check-in is closed"),
}
CHECKIN_CLOSED = _(
    "This seminar has ended, so check-ins can no longer be recorded or changed here."
)
NOT_CHECKED_IN = _("Not checked in: there is nothing to undo.")
UNDO_REFUSED = _(
    "This check-in can no longer be undone here. An organiser can undo it from the "
    "registration's page in the admin."
)


@dataclass(frozen=True)
class CheckinResult:
    """The outcome of one scan or tap. `registration` is None only for an unknown code."""

    state: str
    registration: Registration | None = None
    checked_in_at: datetime | None = None
    checked_in_by: str = ""

    @property
    def ok(self) -> bool:
        """Whether the person may go in: just checked in, or checked in before."""
        return self.state in (CheckinState.CHECKED_IN, CheckinState.ALREADY)

    @property
    def headline(self) -> str:
        return str(HEADLINES[self.state])

    @property
    def checked_in_today(self) -> bool:
        """Whether the check-in was today in Hong Kong (else the banner gives the date too)."""
        return self.checked_in_at is not None and timezone.localdate(
            self.checked_in_at
        ) == timezone.localdate(timezone.now())

    @property
    def registered_online(self) -> bool:
        return (
            self.registration is not None
            and self.registration.seminar.is_hybrid
            and self.registration.attendance_mode == AttendanceMode.ONLINE
        )


def checkin_code_normalise(code: str) -> str:
    """What a scanner or a person typed, as stored: upper case, without spaces or dashes (the
    code may be read out in groups). The alphabet has no 0/O or 1/I/L to confuse."""
    return "".join(code.split()).replace("-", "").upper()


def _label(user: AbstractBaseUser) -> str:
    return user.get_username()


def checkin_closes_at(*, seminar: Seminar) -> datetime:
    """When the door closes: the seminar's end plus CHECK_IN_GRACE_HOURS (late stragglers, a
    mistaken tap put right after the last session)."""
    return seminar.ends_at + timedelta(hours=settings.CHECK_IN_GRACE_HOURS)


def checkin_closed(*, seminar: Seminar, now: datetime | None = None) -> bool:
    """Whether check-ins, walk-ins and undos are refused at this seminar: it is over."""
    return (now or timezone.now()) >= checkin_closes_at(seminar=seminar)


def _state_of(registration: Registration, seminar: Seminar) -> str | None:
    """Why this registration cannot be checked in at this seminar, or None if it can."""
    if registration.seminar_id != seminar.pk:
        return CheckinState.OTHER_SEMINAR
    if registration.status == Status.CANCELLED:
        return CheckinState.CANCELLED
    if registration.status == Status.WAITLISTED:
        return CheckinState.WAITLISTED
    if registration.status != Status.CONFIRMED:
        return CheckinState.NOT_CONFIRMED
    return None


def checkin_record(
    *,
    seminar: Seminar,
    code: str | None = None,
    registration: Registration | None = None,
    by: AbstractBaseUser,
    now: datetime | None = None,
) -> CheckinResult:
    """Check a person in by the code they show (`code`) or as found by a search
    (`registration`). Returns the result the door shows; writes only when the state is
    CHECKED_IN (the time, who, and an audit entry, in one transaction). A `registration` of
    another seminar is treated as an unknown code (its id is no secret), and nothing is checked
    in once the seminar has ended (ENDED)."""
    now = now or timezone.now()
    if checkin_closed(seminar=seminar, now=now):
        return CheckinResult(CheckinState.ENDED)
    if registration is not None and registration.seminar_id != seminar.pk:
        return CheckinResult(CheckinState.UNKNOWN)
    if registration is None:
        code = checkin_code_normalise(code or "")
        valid = len(code) == CHECKIN_CODE_LENGTH and set(code) <= set(CHECKIN_ALPHABET)
        registration = (
            Registration.objects.select_related("seminar").filter(checkin_code=code).first()
            if valid
            else None
        )
        if registration is None:
            return CheckinResult(CheckinState.UNKNOWN)
    refused = _state_of(registration, seminar)
    if refused is not None:
        return CheckinResult(refused, registration)

    with transaction.atomic():
        # The one write: whoever's UPDATE finds the row still unchecked records the arrival.
        updated = Registration.objects.filter(
            pk=registration.pk, status=Status.CONFIRMED, checked_in_at__isnull=True
        ).update(
            checked_in_at=now,
            checked_in_by=by,
            checked_in_by_label=_label(by),
            # A change other systems syncing by updated_at must see: the real time of the
            # write, whatever clock `now` gives the rules.
            updated_at=timezone.now(),
        )
        if updated:
            audit_record(
                action=AuditEntry.Action.CHECKED_IN,
                actor=by,
                seminar=seminar,
                registration=registration,
                details={"mode": registration.attendance_mode, "at": now.isoformat()},
            )
    registration.refresh_from_db(
        fields=["status", "checked_in_at", "checked_in_by", "checked_in_by_label"]
    )
    if not updated:
        refused = _state_of(registration, seminar)  # cancelled between the read and the write
        if refused is not None:
            return CheckinResult(refused, registration)
    return CheckinResult(
        CheckinState.CHECKED_IN if updated else CheckinState.ALREADY,
        registration,
        registration.checked_in_at,
        registration.checked_in_by_label,
    )


def checkin_undo_allowed(
    *, registration: Registration, by: AbstractBaseUser, now: datetime | None = None
) -> bool:
    """Organisers always; the person who checked them in, within UNDO_MINUTES."""
    if registration.checked_in_at is None:
        return False
    if by.has_perm("registrations.change_registration"):
        return True
    now = now or timezone.now()
    return registration.checked_in_by_id == by.pk and now - registration.checked_in_at <= (
        timedelta(minutes=UNDO_MINUTES)
    )


def checkin_undo(
    *, registration: Registration, by: AbstractBaseUser, now: datetime | None = None
) -> Registration:
    """Clear a mistaken check-in. Raises RegistrationError when it is not checked in, the
    seminar has ended, or `by` may not undo it."""
    if registration.checked_in_at is None:
        raise RegistrationError(NOT_CHECKED_IN)
    if checkin_closed(seminar=registration.seminar, now=now):
        raise RegistrationError(CHECKIN_CLOSED)
    if not checkin_undo_allowed(registration=registration, by=by, now=now):
        raise RegistrationError(UNDO_REFUSED)
    with transaction.atomic():
        updated = Registration.objects.filter(
            pk=registration.pk, checked_in_at=registration.checked_in_at
        ).update(
            checked_in_at=None,
            checked_in_by=None,
            checked_in_by_label="",
            updated_at=timezone.now(),
        )
        if updated:
            audit_record(
                action=AuditEntry.Action.CHECK_IN_UNDONE,
                actor=by,
                seminar=registration.seminar,
                registration=registration,
                details={"was": registration.checked_in_at.isoformat()},
            )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by", "checked_in_by_label"])
    return registration


def checkin_query_clean(query: str) -> str:
    """The query as searched: trimmed, runs of spaces as one ("CHAN  Tai" finds "CHAN Tai")."""
    return " ".join(query.split())


def checkin_query_too_short(query: str) -> bool:
    """Latin letters need SEARCH_MIN_LENGTH to narrow 5,000 names to a screenful; one Chinese
    character (a surname such as 李) already does."""
    query = checkin_query_clean(query)
    if not query:
        return False
    return len(query) < SEARCH_MIN_LENGTH and not any(_is_cjk(char) for char in query)


def _is_cjk(char: str) -> bool:
    # CJK Unified Ideographs and Extension A, and the compatibility block.
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _scripts(query: str) -> set[str]:
    """The query as typed and in Traditional and Simplified characters, so 陈大文 finds 陳大文
    and 李偉 finds 李伟. OpenCC's character and phrase tables (opencc-python-reimplemented:
    pure Python, Apache licence); Latin text comes back unchanged."""
    if not any(_is_cjk(char) for char in query):
        return {query}
    return {query, _TO_TRADITIONAL.convert(query), _TO_SIMPLIFIED.convert(query)}


_TO_TRADITIONAL = OpenCC("s2t")
_TO_SIMPLIFIED = OpenCC("t2s")


def checkin_search(*, seminar: Seminar, query: str) -> QuerySet[Registration]:
    """Registrations of this seminar whose English or Chinese name, email, organisation or
    check-in code contains `query` (Chinese in either script): one query, on the seminar's
    index, at most SEARCH_LIMIT rows, the fields the result list shows and nothing more. Too
    short a query (checkin_query_too_short) finds nothing."""
    query = checkin_query_clean(query)
    if not query or checkin_query_too_short(query):
        return Registration.objects.none()
    matches = Q(email__icontains=query) | Q(checkin_code=checkin_code_normalise(query))
    for variant in sorted(_scripts(query)):
        matches |= (
            Q(name_en__icontains=variant)
            | Q(name_zh__icontains=variant)
            | Q(organisation__icontains=variant)
        )
    return (
        Registration.objects.filter(matches, seminar=seminar, anonymised_at__isnull=True)
        .select_related("seminar")
        .only(
            "pk",
            "seminar__format",
            "seminar__id",
            "name_en",
            "name_zh",
            "email",
            "organisation",
            "status",
            "attendance_mode",
            "checked_in_at",
            "checked_in_by_label",
        )
        .order_by("name_en", "name_zh", "pk")[:SEARCH_LIMIT]
    )


def checkin_counts(*, seminar: Seminar) -> dict[str, int]:
    """ "N of M checked in", in one query: M is the confirmed registrations with a seat in the
    room (all at an in-person seminar, those attending in the room at a hybrid one) and N those
    of them checked in, so N never passes M. Online attendees of a hybrid seminar who came to
    the door are `online_checked_in`, shown apart ("+ k registered online")."""
    confirmed = Q(status=Status.CONFIRMED)
    here = Q(checked_in_at__isnull=False)
    if not seminar.is_hybrid:
        counts = seminar.registrations.aggregate(
            checked_in=Count("pk", filter=confirmed & here), expected=Count("pk", filter=confirmed)
        )
        return {**counts, "online_checked_in": 0}
    room = confirmed & Q(attendance_mode=AttendanceMode.IN_PERSON)
    online = confirmed & Q(attendance_mode=AttendanceMode.ONLINE)
    return seminar.registrations.aggregate(
        checked_in=Count("pk", filter=room & here),
        expected=Count("pk", filter=room),
        online_checked_in=Count("pk", filter=online & here),
    )


def checkin_seminars(*, now: datetime | None = None) -> list[Seminar]:
    """The seminars a door can be for (in the room or hybrid, published, from a week ago to a
    month ahead), today's first, then the nearest."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    seminars = list(
        Seminar.objects.filter(
            status=Seminar.Status.PUBLISHED,
            format__in=[Seminar.Format.IN_PERSON, Seminar.Format.HYBRID],
            ends_at__gte=now - timedelta(days=7),
            starts_at__lte=now + timedelta(days=31),
        ).order_by("starts_at")
    )
    return sorted(
        seminars,
        key=lambda seminar: (
            timezone.localdate(seminar.starts_at) != today,
            abs((seminar.starts_at - now).total_seconds()),
        ),
    )
