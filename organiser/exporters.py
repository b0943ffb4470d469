"""Attendee lists: one row generator, written out as CSV or XLSX.

`attendee_rows` yields the header and then one row of typed values per registration; the CSV and
XLSX writers only turn values into cells, so neither knows which columns exist (the XLSX is told
their widths). The CSV writer alone defuses formulas, since only CSV cells are guessed at by
spreadsheets. Columns and their order are part of the contract with organisers' spreadsheets: see
docs/exports.md before changing them.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import batched, chain, groupby
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator

from registrations.answer_text import CHOICES_JOINED, answer_text
from registrations.models import Question, Registration
from registrations.selectors import export_answers, export_questions, registrations_for_export

from .xlsx import xlsx_write

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


EXPORT_FORMATS = ("csv", "xlsx")
# Column widths in the XLSX, in characters, by kind of content; a column may set its own.
WIDTHS = {"text": 24, "choice": 20, "datetime": 18, "plain": 10}


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a values_list() path
    kind: str = "text"  # text, choice, datetime or plain (numbers, booleans: kept as typed)
    width: float | None = None  # characters in the XLSX; None: the kind's width

    @property
    def xlsx_width(self) -> float:
        # Never narrower than the header and the autofilter's button beside it.
        return max(self.width or WIDTHS[self.kind], len(self.header) + 4)


COLUMNS = [
    Column("Registration ID", "pk", "plain"),
    Column("Seminar", "seminar__slug"),
    Column("Status", "status", "choice", width=14),
    Column("Registered at (HKT)", "created_at", "datetime"),
    Column("Confirmed at (HKT)", "confirmed_at", "datetime"),
    Column("Cancelled at (HKT)", "cancelled_at", "datetime"),
    Column("Salutation", "salutation", "choice", width=10),
    Column("Name (English)", "name_en"),
    Column("Name (Chinese)", "name_zh", width=14),
    Column("Email", "email", width=32),
    Column("Phone", "phone", width=18),
    Column("Organisation", "organisation", width=32),
    Column("Job title", "job_title"),
    Column("Participant type", "participant_type", "choice", width=22),
    Column("Organisation size", "organisation_size", "choice"),
    Column("Region", "region", "choice", width=16),
    Column("Industry", "industry", "choice", width=28),
    Column("Preferred language", "preferred_language", width=10),
    Column("How they heard", "heard_from", "choice"),
    Column("Source", "source", width=10),
    Column("utm_source", "utm_source", width=16),
    Column("utm_medium", "utm_medium", width=16),
    Column("utm_campaign", "utm_campaign", width=16),
    Column("utm_term", "utm_term", width=16),
    Column("utm_content", "utm_content", width=16),
    Column("Referral code", "ref", width=14),
    Column("News opt-in", "news_opt_in", "plain"),
    Column("Consent at (HKT)", "consent_at", "datetime"),
    Column("Collection statement version", "consent_version", width=12),
    Column("Attended", "attended", "plain"),
    Column("Minutes online", "minutes_online", "plain"),
    # Added later than the rest: new columns go at the end so spreadsheets keep working.
    Column("Seminar title", "seminar__title_en", width=40),
    # Screening and hybrid seminars (issue 12).
    Column("Attendance mode", "attendance_mode", "choice", width=14),
    Column("Approved or declined at (HKT)", "reviewed_at", "datetime"),
    # Personal join links (issue 14): when the registrant first and last opened theirs.
    Column("Join link first opened at (HKT)", "join_first_opened_at", "datetime"),
    Column("Join link last opened at (HKT)", "join_last_opened_at", "datetime"),
    Column("Join link opens", "join_opens", "plain"),
    # Check-in at the door (issue 14).
    Column("Checked in at (HKT)", "checked_in_at", "datetime"),
]
HEADER = [column.header for column in COLUMNS]
# The seminar's own questions follow the fixed columns, one each, headed by the English label
# (a declaration's whole text is cut short).
QUESTION_HEADER_CHARACTERS = 60
QUESTION_WIDTH = (16, 40)  # characters in the XLSX: at least, at most


def _converter(column: Column) -> Callable[[Any], Any] | None:
    """How a column's stored value becomes its cell value; None: as it is (text, numbers)."""
    if column.kind == "choice":
        labels = {
            value: str(label) for value, label in Registration._meta.get_field(column.field).choices
        }
        return lambda value: labels.get(value, value or "")
    if column.kind == "datetime":
        # Wall-clock Hong Kong time to the second, as the header says: spreadsheets have no time
        # zones, and str() of it is already the CSV text.
        hong_kong = timezone.get_default_timezone()
        return lambda value: (
            value.astimezone(hong_kong).replace(tzinfo=None, microsecond=0) if value else None
        )
    return None


def _csv_cells(row: list[Any]) -> list[Any]:
    """Text a spreadsheet would run as a formula gets a leading apostrophe.

    Names, organisations and even phone numbers ("+852 ...") are typed by the public, so any of
    them could be "=HYPERLINK(...)". Only CSV needs this: a spreadsheet guesses what each CSV
    field is, while every XLSX text cell is typed as text and never run.
    """
    return [
        "'" + value if value.__class__ is str and value[:1] in FORMULA_TRIGGERS else value
        for value in row
    ]


def export_file_name(*, slugs: list[str], file_format: str) -> str:
    """ "attendees-ip-seminar-2026-20260315-0930.xlsx": which seminar, and when it was exported
    (Hong Kong time), so several downloads in one folder stay apart. Rows from more than one
    seminar make "attendees-several-seminars-...", none "attendees-..."."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    subject = {0: [], 1: slugs}.get(len(slugs), ["several-seminars"])
    return "-".join(["attendees", *subject, stamp]) + f".{file_format}"


def attendee_rows(*, queryset: QuerySet[Registration]) -> Iterator[list[Any]]:
    """The header, then one row per registration: text as typed, times in HKT, then an answer
    per question of the seminars exported (empty when not answered).

    Labels are English whatever the organiser's admin language, so the file reads the same for
    everyone and scripts can rely on it. Reads plain tuples in chunks, never model instances:
    100,000 rows stream in about a second. Three queries however many rows and questions (two
    without questions): the questions, then the registrations and their answers, streamed side
    by side in the same order.
    """
    questions = export_questions(queryset=queryset)
    headers, column_of = question_columns(questions)
    yield HEADER + headers
    with translation.override("en"):
        # Only the columns that need it are converted: a call per cell adds up over 100,000 rows.
        converters = [
            (index, converter)
            for index, column in enumerate(COLUMNS)
            if (converter := _converter(column)) is not None
        ]
    values = registrations_for_export(queryset=queryset).values_list(
        *(column.field for column in COLUMNS), "seminar_id"
    )
    answers = _answer_cells(queryset=queryset, questions=questions) if questions else iter(())
    pending = next(answers, None)
    for record in values.iterator(chunk_size=5000):
        row = list(record[:-1])
        for index, convert in converters:
            row[index] = convert(row[index])
        if questions:
            key = (record[-1], record[0])  # (seminar, registration): both streams' order
            while pending is not None and pending[0] < key:
                pending = next(answers, None)
            cells = [""] * len(headers)
            if pending is not None and pending[0] == key:
                for question_id, text in pending[1].items():
                    cells[column_of[question_id]] = text
            row.extend(cells)
        yield row


def question_columns(questions: list[Question]) -> tuple[list[str], dict[int, int]]:
    """The questions' headers and each question's place among them.

    Questions of different seminars with the same English label share a column (copied
    questions, say); within one seminar, and beside the fixed columns, a repeated label gets a
    number so every header is unique.
    """
    headers: list[str] = []
    column_of: dict[int, int] = {}
    seminars_of: dict[str, set[int]] = {}
    for question in questions:
        base = Truncator(question.label_en or "").chars(QUESTION_HEADER_CHARACTERS)
        header, number = base, 1
        while header in HEADER or question.seminar_id in seminars_of.get(header, ()):
            number += 1
            header = f"{base} ({number})"
        if header not in seminars_of:
            seminars_of[header] = set()
            headers.append(header)
        seminars_of[header].add(question.seminar_id)
        column_of[question.pk] = headers.index(header)
    return headers, column_of


def _answer_cells(
    *, queryset: QuerySet[Registration], questions: list[Question]
) -> Iterator[tuple[tuple[int, int], dict[int, str]]]:
    """((seminar id, registration id), {question id: cell text}) for each registration with
    answers, in the export's order. Choices are their English labels joined with "; "."""
    by_id = {question.pk: question for question in questions}
    rows = export_answers(queryset=queryset).iterator(chunk_size=5000)
    for key, registration_rows in groupby(rows, key=lambda row: (row[0], row[1])):
        cells = {}
        for question_id, answer_rows in groupby(registration_rows, key=lambda row: row[2]):
            question = by_id.get(question_id)
            answer_rows = list(answer_rows)
            if question is None:
                continue
            if question.kind in Question.CHOICE_KINDS:
                cells[question_id] = CHOICES_JOINED.join(
                    label for *_, label in answer_rows if label is not None
                )
            else:
                with translation.override("en"):
                    cells[question_id] = answer_text(
                        question=question, value=answer_rows[0][3], iso_dates=True
                    )
        yield key, cells


def attendees_csv_stream(*, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel shows Chinese names), in chunks of rows.

    Values go to the csv module as they are: None is written empty, True/False as words, and
    datetimes as "YYYY-MM-DD HH:MM:SS".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for chunk in batched(rows, 1000):
        writer.writerows(map(_csv_cells, chunk))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def attendees_xlsx_write(*, rows: Iterable[list[Any]]) -> IO[bytes]:
    """Write the rows to an XLSX file in constant memory; returns the file, rewound.

    Rows stream into a temporary file as they come (see xlsx.py), so 100,000 rows take no more
    memory than one.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned; the response closes it
    rows = iter(rows)
    header = next(rows, [])
    # The questions' columns, after the fixed ones, are as wide as their headers within limits.
    low, high = QUESTION_WIDTH
    widths = [column.xlsx_width for column in COLUMNS] + [
        min(max(len(text) + 4, low), high) for text in header[len(COLUMNS) :]
    ]
    xlsx_write(
        output=output,
        rows=chain([header], rows),
        sheet_name="Attendees",
        widths=widths,
    )
    output.seek(0)
    return output
