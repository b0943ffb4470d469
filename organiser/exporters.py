"""Attendee lists: one row generator, written out as CSV or XLSX.

`attendee_rows` yields the header and then one row of typed values per registration; the CSV and
XLSX writers only turn values into cells, so neither knows which columns exist. Columns and their
order are part of the contract with organisers' spreadsheets: see docs/exports.md before changing
them.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import batched
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from registrations.models import Registration
from registrations.selectors import registrations_for_export

from .xlsx import xlsx_write

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a values_list() path
    kind: str = "text"  # text, choice, datetime or plain (numbers, booleans: kept as typed)


COLUMNS = [
    Column("Registration ID", "pk", "plain"),
    Column("Seminar", "seminar__slug"),
    Column("Status", "status", "choice"),
    Column("Registered at (HKT)", "created_at", "datetime"),
    Column("Confirmed at (HKT)", "confirmed_at", "datetime"),
    Column("Cancelled at (HKT)", "cancelled_at", "datetime"),
    Column("Salutation", "salutation", "choice"),
    Column("Name (English)", "name_en"),
    Column("Name (Chinese)", "name_zh"),
    Column("Email", "email"),
    Column("Phone", "phone"),
    Column("Organisation", "organisation"),
    Column("Job title", "job_title"),
    Column("Participant type", "participant_type", "choice"),
    Column("Organisation size", "organisation_size", "choice"),
    Column("Region", "region", "choice"),
    Column("Industry", "industry", "choice"),
    Column("Preferred language", "preferred_language"),
    Column("How they heard", "heard_from", "choice"),
    Column("Source", "source"),
    Column("utm_source", "utm_source"),
    Column("utm_medium", "utm_medium"),
    Column("utm_campaign", "utm_campaign"),
    Column("utm_term", "utm_term"),
    Column("utm_content", "utm_content"),
    Column("Referral code", "ref"),
    Column("News opt-in", "news_opt_in", "plain"),
    Column("Consent at (HKT)", "consent_at", "datetime"),
    Column("Collection statement version", "consent_version"),
    Column("Attended", "attended", "plain"),
    Column("Minutes online", "minutes_online", "plain"),
]
HEADER = [column.header for column in COLUMNS]


def _converter(column: Column) -> Callable[[Any], Any]:
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
    if column.kind == "text":
        return _text_neutralise
    return lambda value: value


def _text_neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe.

    Names, organisations and even phone numbers ("+852 ...") are typed by the public, so any of
    them could be "=HYPERLINK(...)". The one place exports defuse formulas.
    """
    return "'" + value if value[:1] in FORMULA_TRIGGERS else value


def attendee_rows(*, queryset: QuerySet[Registration]) -> Iterator[list[Any]]:
    """The header, then one row per registration: text neutralised, times aware in HKT.

    Labels are English whatever the organiser's admin language, so the file reads the same for
    everyone and scripts can rely on it. Reads plain tuples in chunks, never model instances:
    100,000 rows stream in about a second.
    """
    yield HEADER
    with translation.override("en"):
        converters = [_converter(column) for column in COLUMNS]
    values = registrations_for_export(queryset=queryset).values_list(
        *(column.field for column in COLUMNS)
    )
    for record in values.iterator(chunk_size=5000):
        yield [convert(value) for convert, value in zip(converters, record, strict=True)]


def attendees_csv_stream(*, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel shows Chinese names), in chunks of rows.

    Values go to the csv module as they are: None is written empty, True/False as words, and
    datetimes as "YYYY-MM-DD HH:MM:SS".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for chunk in batched(rows, 1000):
        writer.writerows(chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def attendees_xlsx_write(*, rows: Iterable[list[Any]]) -> IO[bytes]:
    """Write the rows to an XLSX file in constant memory; returns the file, rewound.

    Rows stream into a temporary file as they come (see xlsx.py), so 100,000 rows take no more
    memory than one.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned; the response closes it
    xlsx_write(output=output, rows=rows, sheet_name="Attendees")
    output.seek(0)
    return output
