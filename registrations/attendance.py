"""Reading the attendance report a webinar platform produces, as the platform wrote it.

Handles Zoom's reports (comma-separated UTF-8, with or without a byte-order mark, a preamble of
webinar or meeting details before the participants' table, one row per join, and in webinar
attendee reports an "Attended" column with registrants who never joined marked `No` and `--` for
their times) and Microsoft Teams' attendance list (UTF-16 with tabs, sections "1. Summary",
"2. Participants", "3. In-Meeting Activities", durations such as "1h 5m 12s").

The attendees' table is read row by row: a row that cannot be read is noted with its line number
and the reading goes on, so one odd row never loses the rest of the report. Only a file with
nothing readable in it is refused. Several join rows for one email are added up; a row marked
"Attended: No", or without an Attended column and without any time in the session, is a no-show
and never counts as present. A row marked "Attended: Yes" whose time is `--` is present with
its minutes unknown (None), never 0: unknown is not "no time at all".
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import RegistrationError

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
ATTENDED_HEADERS = ("attended",)
# Zoom's meeting participants report lists time in the waiting room as rows of its own.
WAITING_ROOM_HEADERS = ("in waiting room",)
# Headers of the meeting's own details (Zoom's "Export with meeting data" puts the host's email
# and the meeting's duration there), which look like a participants table but are not one.
SUMMARY_HEADERS = ("topic", "meeting id", "webinar id")
ATTENDED_YES = ("yes", "y", "true")
ATTENDED_NO = ("no", "n", "false")
# What the platforms write for "no time" (Zoom: `--` for registrants who never joined).
NO_VALUE = ("", "--", "-")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DURATION_PATTERN = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
# The first problems are listed for the organiser; a file with hundreds of bad rows is the wrong
# file, and the count says so.
PROBLEMS_LISTED = 20

PROBLEM_MESSAGES = {
    "csv": _("Line %(line)d cannot be read as CSV."),
    "columns": _("Line %(line)d has fewer columns than the header."),
    "email": _("Line %(line)d: “%(email)s” is not an email address."),
    "duration": _("Line %(line)d: “%(value)s” is not a duration."),
    "attended": _("Line %(line)d: “%(value)s” in the Attended column is neither Yes nor No."),
}


@dataclass(frozen=True)
class ReportProblem:
    """A row that could not be read: its line in the file and why (a PROBLEM_MESSAGES key)."""

    line: int
    code: str
    value: str = ""

    @property
    def message(self) -> str:
        return PROBLEM_MESSAGES[self.code] % {
            "line": self.line,
            "email": self.value,
            "value": self.value,
        }


class AttendanceReportError(RegistrationError):
    """The file is not a report we can read; `message` says why and `problems` lists the rows
    that could not be read, when that is the reason."""

    field = "report"

    def __init__(self, message, problems: list[ReportProblem] | None = None):
        self.problems = problems or []
        super().__init__(message)


@dataclass
class Attendee:
    """One email of the report, with its join rows added up."""

    email: str
    name: str
    line: int  # the first row for this email
    seconds: int | None = 0  # None: present, but the report does not say for how long
    present: bool = False

    @property
    def minutes(self) -> int | None:
        return None if self.seconds is None else round(self.seconds / 60)


@dataclass
class AttendanceReport:
    platform: str
    attendees: dict[str, Attendee] = field(default_factory=dict)  # by lower-cased email
    problems: list[ReportProblem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def present(self) -> list[Attendee]:
        return [attendee for attendee in self.attendees.values() if attendee.present]

    @property
    def no_shows(self) -> list[Attendee]:
        return [attendee for attendee in self.attendees.values() if not attendee.present]

    def as_data(self) -> dict[str, Any]:
        """Plain data for a JSON column: what the preview shows and the confirmation applies."""
        return {
            "platform": self.platform,
            "rows_read": self.rows_read,
            "attendees": [
                [a.email, a.name, a.line, a.seconds, a.present] for a in self.attendees.values()
            ],
            "problems": [[p.line, p.code, p.value] for p in self.problems],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "AttendanceReport":
        attendees = [Attendee(*values) for values in data.get("attendees", [])]
        return cls(
            platform=data.get("platform", ""),
            attendees={attendee.email.lower(): attendee for attendee in attendees},
            problems=[ReportProblem(*values) for values in data.get("problems", [])],
            rows_read=data.get("rows_read", 0),
        )


def _decode(data: bytes) -> str:
    """The report as text. NUL characters are dropped: no platform writes them, and PostgreSQL
    cannot store them in the preview kept between upload and confirmation."""
    return _text(data).replace("\x00", "")


def _text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if len(data) > 1 and data[1:2] == b"\x00":
        return data.decode("utf-16-le", errors="replace")  # Teams without a byte-order mark
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
    """Seconds in the session; 0 for the platforms' "no time"; None when unreadable."""
    value = value.strip()
    if value in NO_VALUE:
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
    header_line: int
    end_line: float = float("inf")  # the line that ended the table
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def holds(self, line: int) -> bool:
        return self.header_line < line < self.end_line


def _lines(text: str, delimiter: str, problems: list[ReportProblem]) -> list[tuple[int, list]]:
    """(first line number, cells) of each CSV record; a record the CSV reader cannot take is
    noted and skipped, and the reader carries on with the next line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.append(ReportProblem(line=start, code="csv"))
        else:
            lines.append((start, row))
        start = reader.line_num + 1
    return lines


def _tables(lines: list[tuple[int, list[str]]]) -> list[_Table]:
    """Every table with an email and a duration column, with the section title above it.

    A table ends at a blank line or at a section title (a line of one or two cells, such as
    Zoom's "Attendee Details,"), whichever comes first.
    """
    tables: list[_Table] = []
    current: _Table | None = None
    title = ""
    for line_number, row in lines:
        filled = [cell.strip() for cell in row if cell.strip()]
        if current is not None and len(row) > 2 and filled:
            current.rows.append((line_number, row))
            continue
        if current is not None:
            current.end_line = line_number
        current = None
        email_column = _find_column(row, EMAIL_HEADERS)
        duration_column = _find_column(row, DURATION_HEADERS)
        is_summary = _find_column(row, SUMMARY_HEADERS) is not None
        if email_column is not None and duration_column is not None and not is_summary:
            current = _Table(title, row, email_column, duration_column, line_number)
            tables.append(current)
        elif 0 < len(filled) <= 2:
            title = filled[0].lower()
    return tables


def _participants_table(lines: list[tuple[int, list[str]]]) -> _Table:
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


def _row_read(
    report: AttendanceReport,
    table: _Table,
    line_number: int,
    row: list[str],
    *,
    name_column: int | None,
    attended_column: int | None,
    waiting_room_column: int | None,
    minutes_column: bool,
) -> None:
    """Add one join row to its attendee, or note why it cannot be read."""
    needed = max(table.email_column, table.duration_column, attended_column or 0)
    if len(row) <= needed:
        report.problems.append(ReportProblem(line=line_number, code="columns"))
        return
    email = row[table.email_column].strip()
    if not email:
        return  # phone dial-ins and guests without an email cannot be matched
    waiting = waiting_room_column is not None and len(row) > waiting_room_column
    if waiting and row[waiting_room_column].strip().lower() in ATTENDED_YES:
        return  # waiting to be let in is not attending
    if not EMAIL_PATTERN.match(email):
        report.problems.append(ReportProblem(line=line_number, code="email", value=email[:100]))
        return
    duration = row[table.duration_column]
    unknown = duration.strip() in NO_VALUE
    seconds = _seconds(duration, minutes_column=minutes_column)
    if seconds is None:
        report.problems.append(
            ReportProblem(line=line_number, code="duration", value=duration.strip()[:50])
        )
        return
    if attended_column is None:
        present = seconds > 0
    else:
        attended = row[attended_column].strip()
        if attended.lower() not in ATTENDED_YES + ATTENDED_NO:
            report.problems.append(
                ReportProblem(line=line_number, code="attended", value=attended[:50])
            )
            return
        present = attended.lower() in ATTENDED_YES
    name = row[name_column].strip() if name_column is not None else ""
    attendee = report.attendees.setdefault(
        email.lower(), Attendee(email=email, name=name, line=line_number)
    )
    attendee.name = attendee.name or name
    if present:
        # A no-show row (Attended: No) may still carry a time; it never counts.
        attendee.present = True
        # One join of unknown length makes the total unknown: a sum of the others would
        # understate it as if it were the whole.
        if unknown or attendee.seconds is None:
            attendee.seconds = None
        else:
            attendee.seconds += seconds
    report.rows_read += 1


def attendance_report_parse(data: bytes) -> AttendanceReport:
    """Read a Zoom or Teams report.

    Rows that cannot be read are listed in `problems` and the rest is read. Raises
    AttendanceReportError (with a message for people) only when nothing can be used: an empty
    or unreadable file, no participants table, or not one readable row with an email.
    """
    if not data.strip():
        raise AttendanceReportError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise AttendanceReportError(_("The file is larger than 10 MB; is it the right report?"))
    text = _decode(data)
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    problems: list[ReportProblem] = []
    lines = _lines(text, delimiter, problems)
    table = _participants_table(lines)
    report = AttendanceReport(platform="teams" if delimiter == "\t" else "zoom")
    # Records the CSV reader could not take count only inside the attendees' table.
    report.problems = [problem for problem in problems if table.holds(problem.line)]
    options = {
        "name_column": _find_column(table.header, NAME_HEADERS),
        "attended_column": _find_column(table.header, ATTENDED_HEADERS),
        "waiting_room_column": _find_column(table.header, WAITING_ROOM_HEADERS),
        "minutes_column": "minutes" in table.header[table.duration_column].lower(),
    }
    for line_number, row in table.rows:
        _row_read(report, table, line_number, row, **options)
    report.problems.sort(key=lambda problem: problem.line)
    if not report.attendees:
        if report.problems:
            raise AttendanceReportError(
                _("No row of the participants table could be read."), problems=report.problems
            )
        raise AttendanceReportError(_("The participants table has no one with an email address."))
    return report
