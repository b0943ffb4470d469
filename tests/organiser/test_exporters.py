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

    # The seminars' questions (none here), then the registrations.
    with django_assert_num_queries(2):
        list(attendee_rows(queryset=seminar.registrations.all()))
    with django_assert_num_queries(2):
        list(attendee_rows(queryset=big.registrations.all()))


def test_xlsx_keeps_text_that_xml_cannot_carry_readable():
    RegistrationFactory(name_en="CHAN\x01Tai\x1fMan <&> ", organisation="  spaced  ")

    record = dict(zip(*read_xlsx(Registration.objects.all())[:2], strict=True))

    assert record["Name (English)"] == "CHANTaiMan <&> "
    assert record["Organisation"] == "  spaced  "


# The seminar's own questions: one column each after the fixed ones.


def seminar_with_questions():
    """A seminar asking four questions, answered by two of its three registrants."""
    from registrations.models import Question
    from tests.factories import AnswerFactory, QuestionFactory, choice_question

    seminar = SeminarFactory(slug="ip-seminar")
    attend = choice_question("Live", "Recording", seminar=seminar, order=1, label_en="Attend?")
    topics = choice_question(
        "Trading", "Patents", "Mediation", seminar=seminar, order=2, kind=Question.Kind.MULTIPLE
    )
    topics.label_en, topics.label_zh_hant = "Topics", "題目"
    topics.save()
    declaration = QuestionFactory(
        seminar=seminar, order=0, kind=Question.Kind.DECLARATION, label_en="I declare " * 20
    )
    cpd = QuestionFactory(seminar=seminar, order=3, label_en="CPD number")
    first = RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man")
    AnswerFactory(registration=first, question=declaration, value="yes")
    AnswerFactory(registration=first, question=attend, options=[attend.options.last()])
    trading, _patents, mediation = topics.options.all()
    AnswerFactory(registration=first, question=topics, options=[mediation, trading])
    AnswerFactory(registration=first, question=cpd, value="=LSHK-1")
    RegistrationFactory(seminar=seminar, name_en="LEE Siu Ming")  # answered nothing
    third = RegistrationFactory(seminar=seminar, name_en="WONG Ka Yan")
    AnswerFactory(registration=third, question=attend, options=[attend.options.first()])
    return seminar


def test_question_columns_come_after_the_fixed_ones_and_read_back_from_csv_and_xlsx():
    seminar = seminar_with_questions()

    with translation.override("zh-hant"):  # the file reads the same in any admin language
        csv_rows = read_csv(seminar.registrations.all())
    xlsx_rows = [
        ["" if v is None else v for v in row] for row in read_xlsx(seminar.registrations.all())
    ]

    header = csv_rows[0]
    declaration = "I declare I declare I declare I declare I declare I declare…"
    assert header == [*HEADER, declaration, "Attend?", "Topics", "CPD number"]
    assert list(xlsx_rows[0]) == header
    for rows in (csv_rows, xlsx_rows):
        records = {row[HEADER.index("Name (English)")]: row[len(HEADER) :] for row in rows[1:]}
        assert list(records["LEE Siu Ming"]) == ["", "", "", ""]
        assert list(records["WONG Ka Yan"]) == ["", "Live", "", ""]
        assert records["CHAN Tai Man"][:3] == ["Confirmed", "Recording", "Trading; Mediation"]
    # Typed answers are defused in the CSV like any other typed text, and plain text in the XLSX.
    assert csv_rows[1][-1] == "'=LSHK-1"
    assert xlsx_rows[1][-1] == "=LSHK-1"


def test_question_columns_are_as_wide_as_their_headers_within_limits():
    seminar = seminar_with_questions()

    sheet = openpyxl.load_workbook(
        attendees_xlsx_write(rows=attendee_rows(queryset=seminar.registrations.all()))
    ).active

    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Attend?"] == 16
    assert widths["I declare I declare I declare I declare I declare I declare…"] == 40
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.auto_filter.ref.split(":")[1].startswith(get_column_letter(len(HEADER) + 4))


def test_questions_of_several_seminars_share_a_column_when_their_labels_match():
    from tests.factories import AnswerFactory, QuestionFactory

    editions = [SeminarFactory(), SeminarFactory()]
    for number, seminar in enumerate(editions):
        question = QuestionFactory(seminar=seminar, label_en="Dietary needs", order=0)
        AnswerFactory(registration__seminar=seminar, question=question, value=f"none {number}")
    QuestionFactory(seminar=editions[1], label_en="Dietary needs", order=2)
    QuestionFactory(seminar=editions[1], label_en="Email", order=1)

    rows = read_csv(Registration.objects.all())

    # "Email" is a fixed column already; the second seminar asks "Dietary needs" twice.
    assert rows[0][len(HEADER) :] == ["Dietary needs", "Email (2)", "Dietary needs (2)"]
    assert [row[len(HEADER) :] for row in rows[1:]] == [["none 0", "", ""], ["none 1", "", ""]]


def test_retired_questions_get_a_column_only_if_someone_answered_them():
    from tests.factories import AnswerFactory, QuestionFactory

    seminar = SeminarFactory()
    QuestionFactory(seminar=seminar, label_en="Dropped", retired=True)
    answered = QuestionFactory(seminar=seminar, label_en="Old", retired=True)
    AnswerFactory(registration__seminar=seminar, question=answered, value="kept")

    rows = read_csv(seminar.registrations.all())

    assert rows[0][len(HEADER) :] == ["Old"]
    assert rows[1][-1] == "kept"


def test_export_with_questions_takes_three_queries_however_many_questions_and_rows(
    django_assert_num_queries,
):
    from registrations.models import Question
    from tests.factories import AnswerFactory, choice_question

    def seminar_with(questions: int, registrations: int):
        seminar = SeminarFactory()
        asked = [
            choice_question("A", "B", seminar=seminar, kind=Question.Kind.MULTIPLE, order=n)
            for n in range(questions)
        ]
        for registration in RegistrationFactory.create_batch(registrations, seminar=seminar):
            for question in asked:
                AnswerFactory(
                    registration=registration, question=question, options=question.options.all()
                )
        return seminar

    small, large = seminar_with(2, 5), seminar_with(6, 40)

    with django_assert_num_queries(3):
        list(attendee_rows(queryset=small.registrations.all()))
    with django_assert_num_queries(3):
        rows = list(attendee_rows(queryset=large.registrations.all()))
    assert len(rows) == 41
    assert rows[-1][-6:] == ["A; B"] * 6


def test_date_answers_are_exported_as_iso_dates_like_the_other_date_columns():
    from registrations.models import Question
    from tests.factories import AnswerFactory, QuestionFactory

    seminar = SeminarFactory()
    arrival = QuestionFactory(seminar=seminar, kind=Question.Kind.DATE, label_en="Arriving on")
    AnswerFactory(registration__seminar=seminar, question=arrival, value="2027-01-04")

    with translation.override("zh-hant"):
        csv_rows = read_csv(seminar.registrations.all())
    xlsx_rows = read_xlsx(seminar.registrations.all())

    assert csv_rows[1][-1] == xlsx_rows[1][-1] == "2027-01-04"
