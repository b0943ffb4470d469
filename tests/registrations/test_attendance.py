"""Reading the platforms' attendance reports as they export them: Zoom webinar (with and without
the Attended column), Zoom meeting, Teams; no-shows, repeated joins, bad rows."""

import codecs
import csv

import pytest

from registrations.attendance import (
    AttendanceReport,
    AttendanceReportError,
    attendance_report_parse,
)
from tests.factories import attendance_report

ZOOM_WEBINAR = "zoom_webinar_attendee_report.csv"
ZOOM_WEBINAR_WITHOUT_ATTENDED = "zoom_webinar_attendee_report_without_attended.csv"
ZOOM_MEETING = "zoom_meeting_participants.csv"
TEAMS = "teams_attendance_list.csv"


def present_minutes(report: AttendanceReport) -> dict[str, int]:
    return {
        email: attendee.minutes for email, attendee in report.attendees.items() if attendee.present
    }


def test_zoom_webinar_report_honours_the_attended_column_and_adds_up_joins():
    report = attendance_report_parse(attendance_report(ZOOM_WEBINAR))

    assert report.platform == "zoom"
    assert present_minutes(report) == {
        "tai.man@harbour-trading.example.hk": 141,  # two joins, 62 + 79, email case differs
        "li.wei@gba-ip.example.cn": 90,
        "mei.ling@macau-ip.example.mo": 120,
        "ka.yan@ng-trading.example.hk": 30,
        "chi.keung@lam-ip.example.hk": 40,
        "walk.in@unregistered.example.com": 15,
    }
    assert {a.email: (a.present, a.minutes) for a in report.no_shows} == {
        "siu.ling@ho-design.example.hk": (False, 0),
        "never.came@unregistered.example.com": (False, 0),
    }
    assert report.problems == []


def test_zoom_webinar_report_leaves_out_the_host_and_panellists():
    report = attendance_report_parse(attendance_report(ZOOM_WEBINAR))

    assert "events@ipd.example.gov.hk" not in report.attendees
    assert "km.wong@ipd.example.gov.hk" not in report.attendees
    assert report.rows_read == 9


def test_zoom_webinar_report_without_the_attended_column_adds_up_interleaved_joins():
    report = attendance_report_parse(attendance_report(ZOOM_WEBINAR_WITHOUT_ATTENDED))

    assert present_minutes(report) == {
        "tai.man@harbour-trading.example.hk": 141,
        "li.wei@gba-ip.example.cn": 90,  # 40 + 50, with another person's row between
        "mei.ling@macau-ip.example.mo": 120,
        "ka.yan@ng-trading.example.hk": 30,
        "walk.in@unregistered.example.com": 15,
    }
    assert report.no_shows == []


def test_zoom_meeting_report_skips_the_meeting_data_waiting_room_and_dial_ins():
    report = attendance_report_parse(attendance_report(ZOOM_MEETING))

    assert present_minutes(report) == {
        "events@ipd.example.gov.hk": 176,
        "tai.man@harbour-trading.example.hk": 141,  # not 146: five minutes in the waiting room
        "li.wei@gba-ip.example.cn": 90,
        "mei.ling@macau-ip.example.mo": 120,
        "walk.in@unregistered.example.com": 15,
    }
    assert report.problems == []


@pytest.mark.parametrize("with_bom", [True, False], ids=["bom", "no-bom"])
def test_teams_attendance_list_in_utf16_reads_the_participants_section_only(with_bom):
    data = attendance_report(TEAMS)
    if not with_bom:
        data = data.removeprefix(codecs.BOM_UTF16_LE)

    report = attendance_report_parse(data)

    assert report.platform == "teams"
    assert present_minutes(report) == {
        "events@ipd.example.gov.hk": 175,
        "tai.man@harbour-trading.example.hk": 141,  # 2h 20m 50s, not doubled by the activities
        "li.wei@gba-ip.example.cn": 90,
        "mei.ling@macau-ip.example.mo": 120,
        "ka.yan@ng-trading.example.hk": 30,
    }
    assert report.attendees["li.wei@gba-ip.example.cn"].line == 13


@pytest.mark.parametrize(
    "content",
    [
        b"Attended,Name,Email,Time in Session (minutes)\nNo,HO,ho@example.com,0\n",
        b"Attended,Name,Email,Time in Session (minutes)\nNo,HO,ho@example.com,--\n",
        b"Attended,Name,Email,Time in Session (minutes)\nNo,HO,ho@example.com,25\n",
        b"Name,Email,Time in Session (minutes)\nHO,ho@example.com,--\n",
        b"Name,Email,Time in Session (minutes)\nHO,ho@example.com,0\n",
    ],
    ids=["no-zero", "no-dashes", "no-with-minutes", "dashes", "zero"],
)
def test_a_no_show_is_never_counted_present(content):
    report = attendance_report_parse(content)

    assert present_minutes(report) == {}
    assert [attendee.email for attendee in report.no_shows] == ["ho@example.com"]


def test_one_join_marked_yes_makes_the_person_present_with_its_minutes_only():
    report = attendance_report_parse(
        b"Attended,Name,Email,Time in Session (minutes)\n"
        b"No,HO,ho@example.com,--\n"
        b"Yes,HO,ho@example.com,35\n"
    )

    assert present_minutes(report) == {"ho@example.com": 35}


def test_bad_rows_are_listed_with_their_line_and_the_rest_is_read():
    lines = attendance_report(ZOOM_WEBINAR).decode("utf-8-sig").split("\r\n")
    lines[14:14] = [
        "Yes,Bad Duration,,,bad.duration@example.com,,,,,,,,lots,Yes,China",
        "Yes,Bad Email,,,not-an-email,,,,,,,,10,Yes,China",
        "Maybe,Bad Attended,,,maybe@example.com,,,,,,,,10,Yes,China",
        "Yes,Short Row,,,short@example.com",
    ]

    report = attendance_report_parse("\r\n".join(lines).encode())

    assert [problem.message for problem in report.problems] == [
        "Line 15: “lots” is not a duration.",
        "Line 16: “not-an-email” is not an email address.",
        "Line 17: “Maybe” in the Attended column is neither Yes nor No.",
        "Line 18 has fewer columns than the header.",
    ]
    assert len(present_minutes(report)) == 6


def test_a_row_the_csv_reader_cannot_take_is_listed_and_reading_goes_on():
    limit = csv.field_size_limit()
    huge = "x" * (limit + 1)
    content = (
        "Name,Email,Duration (Minutes)\n"
        f"A,a@example.com,10\n"
        f"{huge},b@example.com,10\n"
        "C,c@example.com,20\n"
    ).encode()

    report = attendance_report_parse(content)

    assert [problem.message for problem in report.problems] == ["Line 3 cannot be read as CSV."]
    assert present_minutes(report) == {"a@example.com": 10, "c@example.com": 20}


def test_a_report_survives_the_round_trip_through_json():
    report = attendance_report_parse(
        attendance_report(ZOOM_WEBINAR) + b"Yes,X,,,x@,,,,,,,,1,No,\r\n"
    )
    assert report.problems  # the round trip carries them too

    copy = AttendanceReport.from_data(report.as_data())

    assert copy == report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd", "text encoding"),
        (b"Name,Join Time\nCHAN,10:00\n", "No participants table found"),
        (b"Name,Email,Duration (Minutes)\n,,\n", "no one with an email address"),
        (
            b"Name,Email,Duration (Minutes)\nCHAN,tai.man@example.com,lots\nHO,ho@,5\n",
            "No row of the participants table could be read.",
        ),
    ],
)
def test_files_with_nothing_readable_are_refused_with_a_message(content, message):
    with pytest.raises(AttendanceReportError) as error:
        attendance_report_parse(content)

    assert message in str(error.value.message)
    assert error.value.field == "report"


def test_a_refusal_for_unreadable_rows_lists_every_one():
    with pytest.raises(AttendanceReportError) as error:
        attendance_report_parse(
            b"Name,Email,Duration (Minutes)\nCHAN,tai.man@example.com,lots\nHO,ho@,5\n"
        )

    assert [problem.message for problem in error.value.problems] == [
        "Line 2: “lots” is not a duration.",
        "Line 3: “ho@” is not an email address.",
    ]


def test_attended_yes_with_unknown_minutes_is_present_with_minutes_not_recorded():
    report = attendance_report_parse(
        b"Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)\n"
        b"Yes,DENG Lei,participant5002@example.com,2026-03-12 09:58:00,2026-03-12 11:30:00,--\n"
    )

    assert present_minutes(report) == {"participant5002@example.com": None}
    assert report.no_shows == []
