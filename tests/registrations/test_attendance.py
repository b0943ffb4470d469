"""Importing the platform's attendance report: Zoom and Teams layouts, encodings, idempotence."""

import codecs

import pytest

from registrations.attendance import AttendanceReportError, attendance_report_parse
from registrations.models import AuditEntry, Registration
from registrations.services import attendance_import
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

ZOOM_WEBINAR_REPORT = """Attendee Report,
Report Generated:,"8/12/2022 6:01 PM"
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views
2022 Guangdong/Hong Kong Seminar,912 3456 7890,"Aug 12, 2022 14:25:11",155,3,0,3,4,3
Host Details,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,IPD Host,host@ipd.example.gov.hk,"Aug 12, 2022 14:25:11","Aug 12, 2022 17:00:00",155,No,Hong Kong SAR
Attendee Details,
Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,CHAN Tai Man,Tai Man,CHAN,Tai.Man@Example.com,"Aug 1, 2022 10:00:00",approved,"Aug 12, 2022 14:29:00","Aug 12, 2022 15:30:00",61,Yes,Hong Kong SAR
Yes,CHAN Tai Man,Tai Man,CHAN,tai.man@example.com,"Aug 1, 2022 10:00:00",approved,"Aug 12, 2022 15:40:00","Aug 12, 2022 16:59:00",79,Yes,Hong Kong SAR
Yes,LI Wei,Wei,LI,li.wei@example.cn,"Aug 2, 2022 09:00:00",approved,"Aug 12, 2022 14:30:00","Aug 12, 2022 16:00:00",90,Yes,China
Yes,Walk In,Walk,In,stranger@example.com,"Aug 2, 2022 09:00:00",approved,"Aug 12, 2022 14:30:00","Aug 12, 2022 14:40:00",10,Yes,China
"""

ZOOM_MEETING_REPORT = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
CHAN Tai Man,tai.man@example.com,08/12/2022 02:29:00 PM,08/12/2022 03:30:00 PM,61,Yes,Y
LI Wei,LI.WEI@example.cn,08/12/2022 02:30:00 PM,08/12/2022 04:00:00 PM,90,Yes,Y
"""

TEAMS_REPORT = "\r\n".join(
    [
        "1. Summary",
        "Meeting title\tIP seminar",
        "Attended participants\t2",
        "Meeting duration\t2h 30m",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
        "CHAN Tai Man\t8/12/22, 2:29:00 PM\t8/12/22, 4:59:00 PM\t2h 20m\ttai.man@example.com\ttai.man@example.com\tAttendee",
        "LI Wei\t8/12/22, 2:30:00 PM\t8/12/22, 4:00:00 PM\t1h 30m 20s\tli.wei@example.cn\tli.wei@example.cn\tAttendee",
        "",
        "3. In-Meeting Activities",
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
        "CHAN Tai Man\t8/12/22, 2:29:00 PM\t8/12/22, 3:30:00 PM\t1h 1m\ttai.man@example.com\tAttendee",
        "",
    ]
)


@pytest.fixture
def seminar():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="tai.man@example.com", name_en="CHAN Tai Man")
    RegistrationFactory(seminar=seminar, email="li.wei@example.cn", name_en="LI Wei")
    RegistrationFactory(seminar=seminar, email="absent@example.com", name_en="HO Absent")
    return seminar


def attendance(seminar) -> dict[str, tuple]:
    return {
        r.email: (r.attended, r.minutes_online)
        for r in Registration.objects.filter(seminar=seminar)
    }


@pytest.mark.parametrize(
    "encoded",
    [
        ZOOM_WEBINAR_REPORT.encode("utf-8"),
        codecs.BOM_UTF8 + ZOOM_WEBINAR_REPORT.encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom"],
)
def test_zoom_webinar_report_sums_repeated_joins_and_lists_strangers(seminar, admin_user, encoded):
    report = attendance_report_parse(encoded)

    result = attendance_import(seminar=seminar, report=report, actor=admin_user)

    assert attendance(seminar) == {
        "tai.man@example.com": (True, 140),
        "li.wei@example.cn": (True, 90),
        "absent@example.com": (False, None),
    }
    assert (result.matched, result.marked_absent) == (2, 1)
    assert [attendee.email for attendee in result.unmatched] == ["stranger@example.com"]


def test_host_table_before_the_attendee_table_is_left_out(seminar, admin_user):
    report = attendance_report_parse(ZOOM_WEBINAR_REPORT.encode())

    assert "host@ipd.example.gov.hk" not in report.attendees
    assert report.rows_read == 4


def test_zoom_meeting_participants_report(seminar, admin_user):
    report = attendance_report_parse(ZOOM_MEETING_REPORT.encode())

    attendance_import(seminar=seminar, report=report, actor=admin_user)

    assert attendance(seminar)["li.wei@example.cn"] == (True, 90)
    assert report.platform == "zoom"


def test_teams_report_in_utf16_with_tabs_reads_the_participants_section(seminar, admin_user):
    report = attendance_report_parse(TEAMS_REPORT.encode("utf-16"))

    result = attendance_import(seminar=seminar, report=report, actor=admin_user)

    assert report.platform == "teams"
    assert attendance(seminar) == {
        "tai.man@example.com": (True, 140),
        "li.wei@example.cn": (True, 90),
        "absent@example.com": (False, None),
    }
    assert result.unmatched == []


def test_importing_the_same_file_twice_changes_nothing(seminar, admin_user):
    report = attendance_report_parse(ZOOM_WEBINAR_REPORT.encode())
    attendance_import(seminar=seminar, report=report, actor=admin_user)
    before = attendance(seminar)
    entries = AuditEntry.objects.count()

    result = attendance_import(
        seminar=seminar,
        report=attendance_report_parse(ZOOM_WEBINAR_REPORT.encode()),
        actor=admin_user,
    )

    assert attendance(seminar) == before
    assert (result.changed, result.marked_absent) == (0, 0)
    assert AuditEntry.objects.count() == entries


def test_import_without_marking_absentees_leaves_them_unknown(seminar, admin_user):
    report = attendance_report_parse(ZOOM_MEETING_REPORT.encode())

    attendance_import(seminar=seminar, report=report, actor=admin_user, mark_absent=False)

    assert attendance(seminar)["absent@example.com"] == (None, None)


def test_import_never_touches_another_seminars_registrations(seminar, admin_user):
    other = RegistrationFactory(email="tai.man@example.com")

    attendance_import(
        seminar=seminar,
        report=attendance_report_parse(ZOOM_MEETING_REPORT.encode()),
        actor=admin_user,
    )

    other.refresh_from_db()
    assert other.attended is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd", "text encoding"),
        (b"Name,Join Time\nCHAN,10:00\n", "No participants table found"),
        (
            b"Name,Email,Duration (Minutes)\nCHAN,tai.man@example.com,lots\n",
            "Line 2: “lots” is not a duration.",
        ),
        (b"Name,Email,Duration (Minutes)\nCHAN,not-an-email,5\n", "is not an email address"),
        (b"Name,Guest,Email,Duration (Minutes)\nCHAN,Yes,tai.man@example.com\n", "fewer columns"),
        (b"Name,Email,Duration (Minutes)\n,,\n", "no one with an email address"),
    ],
)
def test_malformed_reports_are_refused_with_a_message(content, message):
    with pytest.raises(AttendanceReportError) as error:
        attendance_report_parse(content)

    assert message in str(error.value.message)
