"""Reading the attendance report a webinar platform produces.

Handles Zoom's reports (comma-separated UTF-8, with or without a byte-order mark, a preamble of
meeting details before the participants' table, one row per join) and Microsoft Teams' attendance
list (UTF-16 with tabs, sections "1. Summary", "2. Participants", "3. In-Meeting Activities",
durations such as "1h 5m 12s"). The first table with an email column and a duration column is read;
repeated joins by one email are added up.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAX_REPORT_BYTES = 10 * 1024 * 1024
EMAIL_HEADERS = ("email", "user email", "email address", "participant id (upn)")
DURATION_HEADERS = (
    "duration (minutes)",
    "time in session (minutes)",
    "in-meeting duration",
    "duration",
    "attendance duration",
)
NAME_HEADERS = ("name (original name)", "user name (original name)", "name", "full name")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DURATION_PATTERN = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")


class AttendanceReportError(Exception):
    """The file is not a report we can read; `message` says why, for the organiser."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass
class Attendee:
    email: str
    name: str
    seconds: int = 0

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


@dataclass
class AttendanceReport:
    platform: str
    attendees: dict[str, Attendee] = field(default_factory=dict)  # by lower-cased email
    rows_read: int = 0


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if len(data) > 1 and data[1:2] == b"\x00":
        return data.decode("utf-16-le")  # Teams without a byte-order mark
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttendanceReportError(
            _(
                "The file is not in a text encoding we can read (UTF-8 or UTF-16). Upload the CSV "
                "file exactly as Zoom or Teams produced it."
            )
        ) from None


def _seconds(value: str, *, minutes_column: bool) -> int | None:
    value = value.strip()
    if not value:
        return 0
    if re.fullmatch(r"\d+(\.\d+)?", value):
        number = float(value)
        return round(number * 60) if minutes_column else round(number)
    match = DURATION_PATTERN.fullmatch(value.replace(" ", "").lower())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [cell.strip().lower() for cell in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _participants_table(lines: list[list[str]]) -> tuple[int, list[str], int, int]:
    """Where the first table with an email and a duration column starts, and those columns."""
    for index, header in enumerate(lines):
        email_column = _find_column(header, EMAIL_HEADERS)
        duration_column = _find_column(header, DURATION_HEADERS)
        if email_column is not None and duration_column is not None:
            return index, header, email_column, duration_column
    raise AttendanceReportError(
        _(
            "No participants table found: the file needs an email column and a duration "
            "column, as in Zoom's attendee or participant report and Teams' attendance list."
        )
    )


def attendance_report_parse(data: bytes) -> AttendanceReport:
    """Read a Zoom or Teams report. Raises AttendanceReportError with a message for people."""
    if not data.strip():
        raise AttendanceReportError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise AttendanceReportError(_("The file is larger than 10 MB; is it the right report?"))
    text = _decode(data)
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    index, header, email_column, duration_column = _participants_table(lines)
    name_column = _find_column(header, NAME_HEADERS)
    minutes_column = "minutes" in header[duration_column].lower()
    report = AttendanceReport(platform="teams" if delimiter == "\t" else "zoom")
    for line_number, row in enumerate(lines[index + 1 :], start=index + 2):
        if not any(cell.strip() for cell in row):
            break  # the table ends at the first blank line (Teams' next section follows)
        if len(row) <= max(email_column, duration_column):
            raise AttendanceReportError(
                _("Line %(line)d has fewer columns than the header.") % {"line": line_number}
            )
        email = row[email_column].strip()
        if not email:
            continue  # phone dial-ins and guests without an email cannot be matched
        if not EMAIL_PATTERN.match(email):
            raise AttendanceReportError(
                _("Line %(line)d: “%(email)s” is not an email address.")
                % {"line": line_number, "email": email[:100]}
            )
        seconds = _seconds(row[duration_column], minutes_column=minutes_column)
        if seconds is None:
            raise AttendanceReportError(
                _("Line %(line)d: “%(value)s” is not a duration.")
                % {"line": line_number, "value": row[duration_column][:50]}
            )
        name = row[name_column].strip() if name_column is not None else ""
        attendee = report.attendees.setdefault(email.lower(), Attendee(email=email, name=name))
        attendee.seconds += seconds
        report.rows_read += 1
    if not report.attendees:
        raise AttendanceReportError(_("The participants table has no one with an email address."))
    return report
