"""Attendee lists: one row generator, written out as CSV or XLSX.

`attendee_rows` yields the header and then one row of typed values per registration; the CSV and
XLSX writers only turn values into cells, so neither knows which columns exist. Columns and their
order are part of the contract with organisers' spreadsheets: see docs/exports.md before changing
them.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone, translation

from .models import Registration
from .selectors import registrations_for_export

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Registration], Any]


def _choice(name: str) -> Callable[[Registration], str]:
    def label(registration: Registration) -> str:
        if not getattr(registration, name):
            return ""
        return str(getattr(registration, f"get_{name}_display")())

    return label


def _field(name: str) -> Callable[[Registration], Any]:
    return lambda registration: getattr(registration, name)


COLUMNS = [
    Column("Registration ID", _field("pk")),
    Column("Seminar", lambda registration: registration.seminar.slug),
    Column("Status", _choice("status")),
    Column("Registered at (HKT)", _field("created_at")),
    Column("Confirmed at (HKT)", _field("confirmed_at")),
    Column("Cancelled at (HKT)", _field("cancelled_at")),
    Column("Salutation", _choice("salutation")),
    Column("Name (English)", _field("name_en")),
    Column("Name (Chinese)", _field("name_zh")),
    Column("Email", _field("email")),
    Column("Phone", _field("phone")),
    Column("Organisation", _field("organisation")),
    Column("Job title", _field("job_title")),
    Column("Participant type", _choice("participant_type")),
    Column("Organisation size", _choice("organisation_size")),
    Column("Region", _choice("region")),
    Column("Industry", _choice("industry")),
    Column("Preferred language", _field("preferred_language")),
    Column("How they heard", _choice("heard_from")),
    Column("Source", _field("source")),
    Column("utm_source", _field("utm_source")),
    Column("utm_medium", _field("utm_medium")),
    Column("utm_campaign", _field("utm_campaign")),
    Column("utm_term", _field("utm_term")),
    Column("utm_content", _field("utm_content")),
    Column("Referral code", _field("ref")),
    Column("News opt-in", _field("news_opt_in")),
    Column("Consent at (HKT)", _field("consent_at")),
    Column("Collection statement version", _field("consent_version")),
    Column("Attended", _field("attended")),
    Column("Minutes online", _field("minutes_online")),
]
HEADER = [column.header for column in COLUMNS]


def cell_neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values pass.

    Names, organisations and even phone numbers ("+852 ...") are typed by the public, so any of
    them could be "=HYPERLINK(...)".
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def attendee_rows(*, queryset: QuerySet[Registration]) -> Iterator[list[Any]]:
    """The header, then one row per registration: text neutralised, times aware in HKT.

    Labels are English whatever the organiser's admin language, so the file reads the same for
    everyone and scripts can rely on it. Streams from the database in chunks.
    """
    yield HEADER
    with translation.override("en"):
        for registration in registrations_for_export(queryset=queryset).iterator(chunk_size=2000):
            row = []
            for column in COLUMNS:
                value = column.value(registration)
                if isinstance(value, datetime):
                    value = timezone.localtime(value, HONG_KONG)
                row.append(cell_neutralise(value))
            yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else value


def attendees_csv_stream(*, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel shows Chinese names), one chunk per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row]).encode()


def attendees_xlsx_write(*, rows: Iterable[list[Any]]) -> IO[bytes]:
    """Write the rows to an XLSX file in constant memory; returns the file, rewound.

    xlsxwriter's constant_memory mode flushes each row to disk as it goes, so 100,000 rows take
    no more memory than one.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned; the response closes it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Attendees")
    header_format = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for row_number, row in enumerate(rows):
        for column_number, value in enumerate(row):
            if row_number == 0:
                sheet.write_string(0, column_number, value, header_format)
            elif value is None or value == "":
                continue
            elif isinstance(value, datetime):
                # Excel has no time zones: write the Hong Kong wall-clock time the header names.
                sheet.write_datetime(
                    row_number, column_number, value.replace(tzinfo=None), date_format
                )
            elif isinstance(value, bool):
                sheet.write_boolean(row_number, column_number, value)
            elif isinstance(value, int):
                sheet.write_number(row_number, column_number, value)
            else:
                # write_string, never write(): a string is never turned into a formula.
                sheet.write_string(row_number, column_number, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    output.seek(0)
    return output
