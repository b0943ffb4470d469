import csv
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import translation
from openpyxl.utils import get_column_letter

from organiser.exporters import (
    HEADER,
    attendee_rows,
    attendees_csv_stream,
    attendees_xlsx_write,
)
from registrations.models import Registration
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x")', "+852 2961 6901", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def read_csv(queryset) -> list[list[str]]:
    content = b"".join(attendees_csv_stream(rows=attendee_rows(queryset=queryset)))
    assert content.startswith(b"\xef\xbb\xbf")  # byte-order mark for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(queryset) -> list[tuple]:
    workbook = openpyxl.load_workbook(attendees_xlsx_write(rows=attendee_rows(queryset=queryset)))
    return list(workbook.active.iter_rows(values_only=True))


def organisation_exported(organisation: str) -> dict[str, str]:
    RegistrationFactory(organisation=organisation)
    csv_record = dict(zip(*read_csv(Registration.objects.all()), strict=True))
    xlsx_record = dict(zip(*read_xlsx(Registration.objects.all()), strict=True))
    return {"csv": csv_record["Organisation"], "xlsx": xlsx_record["Organisation"]}


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_defuses_formula_triggers_and_xlsx_keeps_them_as_typed_text(value):
    assert organisation_exported(value) == {"csv": "'" + value, "xlsx": value}


@pytest.mark.parametrize("value", ["CHAN Tai Man", "陳大文", "a=b"])
def test_attendee_rows_leave_safe_text_alone(value):
    assert organisation_exported(value) == {"csv": value, "xlsx": value}


def test_csv_export_reads_back_with_chinese_names_and_the_documented_columns():
    seminar = SeminarFactory(slug="ip-seminar")
    registration = RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        participant_type="sme",
        region="hong_kong",
        news_opt_in=True,
    )

    rows = read_csv(Registration.objects.all())

    assert rows[0] == HEADER
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Seminar"] == "ip-seminar"
    assert record["Name (English)"] == "CHAN Tai Man"
    assert record["Name (Chinese)"] == "陳大文"
    assert record["Status"] == "Confirmed"
    assert record["Participant type"] == "SME representative"
    assert record["Region"] == "Hong Kong"
    assert record["News opt-in"] == "True"
    assert record["Attended"] == ""
    hong_kong_time = registration.created_at.astimezone(ZoneInfo("Asia/Hong_Kong"))
    assert record["Registered at (HKT)"] == f"{hong_kong_time:%Y-%m-%d %H:%M:%S}"


def test_xlsx_export_has_a_header_and_typed_dates():
    RegistrationFactory(name_en="WONG Ka Yan", attended=True, minutes_online=95)

    rows = read_xlsx(Registration.objects.all())

    assert list(rows[0]) == HEADER
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Name (English)"] == "WONG Ka Yan"
    registered = Registration.objects.get().created_at.astimezone(ZoneInfo("Asia/Hong_Kong"))
    assert record["Registered at (HKT)"] == registered.replace(tzinfo=None, microsecond=0)
    assert record["Attended"] is True
    assert record["Minutes online"] == 95
    assert isinstance(record["Registration ID"], int)


def test_csv_neutralises_formulas_typed_by_registrants_and_xlsx_shows_them_as_text():
    RegistrationFactory(
        name_en=DANGEROUS[0], organisation=DANGEROUS[3], phone=DANGEROUS[1], job_title=DANGEROUS[4]
    )

    csv_record = dict(zip(*read_csv(Registration.objects.all())[:2], strict=True))
    sheet = openpyxl.load_workbook(
        attendees_xlsx_write(rows=attendee_rows(queryset=Registration.objects.all()))
    ).active
    xlsx_cells = dict(zip([cell.value for cell in sheet[1]], sheet[2], strict=True))

    assert csv_record["Name (English)"] == "'" + DANGEROUS[0]
    assert csv_record["Organisation"] == "'" + DANGEROUS[3]
    assert csv_record["Phone"] == "'" + DANGEROUS[1]
    assert csv_record["Job title"] == "'" + DANGEROUS[4]
    # In the XLSX every typed value is a text cell, never a formula, and reads as typed.
    assert xlsx_cells["Phone"].value == "+852 2961 6901"
    assert xlsx_cells["Name (English)"].value == DANGEROUS[0]
    assert {xlsx_cells[name].data_type for name in ("Phone", "Name (English)")} == {"s"}


def test_exports_give_the_seminar_title_at_the_end():
    seminar = SeminarFactory(
        slug="ip-seminar", title_en="IP Seminar for SMEs", title_zh_hant="研討會"
    )
    RegistrationFactory(seminar=seminar)

    with translation.override("zh-hant"):
        csv_header, csv_row = read_csv(Registration.objects.all())
    xlsx_header, xlsx_row = read_xlsx(Registration.objects.all())

    assert csv_header[1] == xlsx_header[1] == "Seminar"
    # Column 32, after the first release's columns; later ones go after it.
    assert csv_header[31] == xlsx_header[31] == "Seminar title"
    assert csv_row[1] == xlsx_row[1] == "ip-seminar"
    assert csv_row[31] == xlsx_row[31] == "IP Seminar for SMEs"


def test_xlsx_has_column_widths_a_frozen_header_and_an_autofilter():
    RegistrationFactory.create_batch(3)

    sheet = openpyxl.load_workbook(
        attendees_xlsx_write(rows=attendee_rows(queryset=Registration.objects.all()))
    ).active

    last = get_column_letter(len(HEADER))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{last}4"
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Registration ID"] < widths["Email"] < widths["Seminar title"]
    assert all(width >= len(header) for header, width in widths.items())


def test_exports_contain_exactly_the_rows_asked_for():
    seminar, other = SeminarFactory(), SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=seminar)
    RegistrationFactory.create_batch(2, seminar=other)

    csv_rows = read_csv(seminar.registrations.all())
    xlsx_rows = read_xlsx(seminar.registrations.all())

    assert len(csv_rows) == len(xlsx_rows) == 4
    assert {row[1] for row in csv_rows[1:]} == {seminar.slug}


def test_export_query_count_does_not_grow_with_rows(django_assert_num_queries):
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=seminar)
    big = SeminarFactory()
    RegistrationFactory.create_batch(40, seminar=big)

    with django_assert_num_queries(1):
        list(attendee_rows(queryset=seminar.registrations.all()))
    with django_assert_num_queries(1):
        list(attendee_rows(queryset=big.registrations.all()))


def test_xlsx_keeps_text_that_xml_cannot_carry_readable():
    RegistrationFactory(name_en="CHAN\x01Tai\x1fMan <&> ", organisation="  spaced  ")

    record = dict(zip(*read_xlsx(Registration.objects.all())[:2], strict=True))

    assert record["Name (English)"] == "CHANTaiMan <&> "
    assert record["Organisation"] == "  spaced  "
