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


@dataclass
class _Table:
    title: str
    header: list[str]
    email_column: int
    duration_column: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _tables(lines: list[list[str]]) -> list[_Table]:
    """Every table with an email and a duration column, with the section title above it.

    A table ends at a blank line or at a section title (a line of one or two cells, such as
    Zoom's "Attendee Details,"), whichever comes first.
    """
    tables: list[_Table] = []
    current: _Table | None = None
    title = ""
    for line_number, row in enumerate(lines, start=1):
        cells = [cell.strip() for cell in row]
        filled = [cell for cell in cells if cell]
        if current is not None and len(row) > 2 and filled:
            current.rows.append((line_number, row))
            continue
        current = None
        email_column = _find_column(row, EMAIL_HEADERS)
        duration_column = _find_column(row, DURATION_HEADERS)
        if email_column is not None and duration_column is not None:
            current = _Table(title, row, email_column, duration_column)
            tables.append(current)
        elif 0 < len(filled) <= 2:
            title = filled[0].lower()
    return tables


def _participants_table(lines: list[list[str]]) -> _Table:
    """The attendees' table: the one titled for attendees or participants (Zoom's "Attendee
    Details", Teams' "2. Participants"), else the first. Zoom's host and panellist tables and
    Teams' per-join activity table (which repeats the participants) are left out."""
    tables = _tables(lines)
    if not tables:
        raise AttendanceReportError(
            _(
                "No participants table found: the file needs an email column and a duration "
                "column, as in Zoom's attendee or participant report and Teams' attendance list."
            )
        )
    titled = [
        table for table in tables if "attendee" in table.title or "participant" in table.title
    ]
    return (titled or tables)[0]


def attendance_report_parse(data: bytes) -> AttendanceReport:
    """Read a Zoom or Teams report. Raises AttendanceReportError with a message for people."""
    if not data.strip():
        raise AttendanceReportError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise AttendanceReportError(_("The file is larger than 10 MB; is it the right report?"))
    text = _decode(data)
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise AttendanceReportError(
            _(
                "The file is not a CSV file we can read. "
                "Upload the report as Zoom or Teams saved it."
            )
        ) from None
    table = _participants_table(lines)
    name_column = _find_column(table.header, NAME_HEADERS)
    minutes_column = "minutes" in table.header[table.duration_column].lower()
    report = AttendanceReport(platform="teams" if delimiter == "\t" else "zoom")
    for line_number, row in table.rows:
        if len(row) <= max(table.email_column, table.duration_column):
            raise AttendanceReportError(
                _("Line %(line)d has fewer columns than the header.") % {"line": line_number}
            )
        email = row[table.email_column].strip()
        if not email:
            continue  # phone dial-ins and guests without an email cannot be matched
        if not EMAIL_PATTERN.match(email):
            raise AttendanceReportError(
                _("Line %(line)d: “%(email)s” is not an email address.")
                % {"line": line_number, "email": email[:100]}
            )
        seconds = _seconds(row[table.duration_column], minutes_column=minutes_column)
        if seconds is None:
            raise AttendanceReportError(
                _("Line %(line)d: “%(value)s” is not a duration.")
                % {"line": line_number, "value": row[table.duration_column][:50]}
            )
        name = row[name_column].strip() if name_column is not None else ""
        attendee = report.attendees.setdefault(email.lower(), Attendee(email=email, name=name))
        attendee.seconds += seconds
        report.rows_read += 1
    if not report.attendees:
        raise AttendanceReportError(_("The participants table has no one with an email address."))
    return report
