"""Checking in at the door: each state the banner shows, undo, the search and the counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from registrations.checkin import (
    CheckinState,
    checkin_counts,
    checkin_query_too_short,
    checkin_record,
    checkin_search,
    checkin_seminars,
    checkin_undo,
)
from registrations.errors import RegistrationError
from registrations.models import AuditEntry, Registration
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, groups_ensure
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db


def staff_user(django_user_model, name="door.one", group=CHECK_IN_STAFF):
    groups_ensure()
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def staff(django_user_model):
    return staff_user(django_user_model)


@pytest.fixture
def seminar():
    return SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=timezone.now())


def test_checkin_record_by_code_checks_in_and_audits(seminar, staff):
    registration = RegistrationFactory(seminar=seminar)

    result = checkin_record(seminar=seminar, code=registration.checkin_code, by=staff)

    assert result.state == CheckinState.CHECKED_IN
    assert result.headline == "Checked in"
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == staff
    assert registration.checked_in_by_label == "door.one"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHECKED_IN)
    assert (entry.registration, entry.actor) == (registration, staff)


def test_checkin_record_accepts_a_code_typed_in_lower_case_with_spaces(seminar, staff):
    registration = RegistrationFactory(seminar=seminar)
    typed = " ".join([registration.checkin_code[:5].lower(), registration.checkin_code[5:]])

    result = checkin_record(seminar=seminar, code=typed, by=staff)

    assert result.state == CheckinState.CHECKED_IN


def test_checkin_record_twice_says_already_with_time_and_who(seminar, staff, django_user_model):
    registration = RegistrationFactory(seminar=seminar)
    first_time = timezone.now() - timedelta(minutes=5)
    checkin_record(seminar=seminar, registration=registration, by=staff, now=first_time)
    other = staff_user(django_user_model, "door.two")

    result = checkin_record(seminar=seminar, code=registration.checkin_code, by=other)

    assert result.state == CheckinState.ALREADY
    assert result.checked_in_at == first_time
    assert result.checked_in_by == "door.one"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHECKED_IN).count() == 1


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Status.WAITLISTED, CheckinState.WAITLISTED),
        (Status.CANCELLED, CheckinState.CANCELLED),
        (Status.PENDING, CheckinState.NOT_CONFIRMED),
        (Status.DECLINED, CheckinState.NOT_CONFIRMED),
    ],
)
def test_checkin_record_refuses_without_a_seat(seminar, staff, status, state):
    registration = RegistrationFactory(seminar=seminar, status=status)

    result = checkin_record(seminar=seminar, code=registration.checkin_code, by=staff)

    assert result.state == state
    assert not result.ok
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHECKED_IN).exists()


def test_checkin_record_says_not_for_this_seminar(seminar, staff):
    other = RegistrationFactory(seminar=SeminarFactory(format=Seminar.Format.IN_PERSON))

    result = checkin_record(seminar=seminar, code=other.checkin_code, by=staff)

    assert result.state == CheckinState.OTHER_SEMINAR
    assert result.headline == "Not for this seminar"
    other.refresh_from_db()
    assert other.checked_in_at is None


@pytest.mark.parametrize("code", ["", "NOSUCHCODE", "ABC", "0123456789", "é" * 10, "x" * 300])
def test_checkin_record_unknown_code(seminar, staff, code):
    RegistrationFactory(seminar=seminar)

    result = checkin_record(seminar=seminar, code=code, by=staff)

    assert result.state == CheckinState.UNKNOWN
    assert result.registration is None


def test_online_attendee_of_a_hybrid_seminar_is_checked_in_with_a_note(staff):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)

    result = checkin_record(seminar=seminar, code=registration.checkin_code, by=staff)

    assert result.state == CheckinState.CHECKED_IN
    assert result.registered_online


def test_checkin_undo_by_the_same_staff_within_the_minutes(seminar, staff):
    registration = RegistrationFactory(seminar=seminar)
    checkin_record(seminar=seminar, registration=registration, by=staff)

    checkin_undo(registration=registration, by=staff)

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert registration.checked_in_by_label == ""
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHECK_IN_UNDONE).count() == 1


def test_checkin_undo_refused_to_staff_later_or_to_others(seminar, staff, django_user_model):
    registration = RegistrationFactory(seminar=seminar)
    earlier = timezone.now() - timedelta(minutes=3)
    checkin_record(seminar=seminar, registration=registration, by=staff, now=earlier)
    registration.refresh_from_db()
    other = staff_user(django_user_model, "door.two")

    with pytest.raises(RegistrationError):
        checkin_undo(registration=registration, by=staff)
    with pytest.raises(RegistrationError):
        checkin_undo(registration=registration, by=other)

    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_checkin_undo_by_an_organiser_any_time(seminar, staff, django_user_model):
    registration = RegistrationFactory(seminar=seminar)
    earlier = timezone.now() - timedelta(hours=2)
    checkin_record(seminar=seminar, registration=registration, by=staff, now=earlier)
    registration.refresh_from_db()
    organiser = staff_user(django_user_model, "organiser", ORGANISERS)

    checkin_undo(registration=registration, by=organiser)

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_checkin_search_finds_by_each_field(seminar):
    chan = RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        email="tm.chan@harbour.example",
        organisation="Harbour Trading",
    )
    RegistrationFactory(seminar=seminar, name_en="LEE Siu Ming", organisation="Kowloon Design")
    RegistrationFactory(seminar=SeminarFactory(), name_en="CHAN Other Seminar")

    for query in ["chan", "陳大", "harbour.example", "Harbour Trad", chan.checkin_code]:
        assert list(checkin_search(seminar=seminar, query=query)) == [chan], query
    assert list(checkin_search(seminar=seminar, query="c")) == []


def test_checkin_search_at_5000_registrants_is_one_query_with_a_limit(
    seminar, django_assert_num_queries
):
    Registration.objects.bulk_create(
        RegistrationFactory.build(
            seminar=seminar, name_en=f"WONG Person {n}", email=f"p{n}@example.com"
        )
        for n in range(5000)
    )

    with django_assert_num_queries(1):
        found = list(checkin_search(seminar=seminar, query="wong"))
        lines = [(r.name_en, r.get_status_display(), r.seminar.is_hybrid) for r in found]

    assert len(lines) == 20


def test_checkin_counts_in_one_query(seminar, staff, django_assert_num_queries):
    RegistrationFactory.create_batch(3, seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    arrived = RegistrationFactory(seminar=seminar)
    checkin_record(seminar=seminar, registration=arrived, by=staff)

    with django_assert_num_queries(1):
        counts = checkin_counts(seminar=seminar)

    assert counts == {"checked_in": 1, "expected": 4, "online_checked_in": 0}


def test_checkin_seminars_lists_todays_room_seminar_first():
    now = timezone.now()
    SeminarFactory(format=Seminar.Format.ONLINE, starts_at=now)
    later = SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=now + timedelta(days=3))
    today = SeminarFactory(format=Seminar.Format.HYBRID, starts_at=now, online_capacity=5)

    assert checkin_seminars(now=now) == [today, later]


def test_checkin_record_by_the_id_of_another_seminars_registration_says_unknown(seminar, staff):
    elsewhere = RegistrationFactory(seminar=SeminarFactory(starts_at=timezone.now()))

    result = checkin_record(seminar=seminar, registration=elsewhere, by=staff)

    assert result.state == CheckinState.UNKNOWN
    assert result.registration is None
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_no_check_in_or_undo_once_the_seminar_has_ended(staff, django_user_model, settings):
    settings.CHECK_IN_GRACE_HOURS = 2
    over = SeminarFactory(
        format=Seminar.Format.IN_PERSON, starts_at=timezone.now() - timedelta(hours=5)
    )  # ended 3 hours ago
    registration = RegistrationFactory(seminar=over)
    organiser = staff_user(django_user_model, "boss", ORGANISERS)
    Registration.objects.filter(pk=registration.pk).update(
        checked_in_at=over.starts_at, checked_in_by=staff
    )
    newcomer = RegistrationFactory(seminar=over)

    result = checkin_record(seminar=over, code=newcomer.checkin_code, by=staff)
    registration.refresh_from_db()
    with pytest.raises(RegistrationError, match="has ended"):
        checkin_undo(registration=registration, by=organiser)

    assert result.state == CheckinState.ENDED
    newcomer.refresh_from_db()
    assert newcomer.checked_in_at is None
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_check_in_still_works_within_the_grace_after_the_end(staff, settings):
    settings.CHECK_IN_GRACE_HOURS = 2
    seminar = SeminarFactory(
        format=Seminar.Format.IN_PERSON, starts_at=timezone.now() - timedelta(hours=3)
    )  # ended an hour ago
    registration = RegistrationFactory(seminar=seminar)

    assert checkin_record(seminar=seminar, code=registration.checkin_code, by=staff).ok


def test_undo_of_a_check_in_already_undone_says_not_checked_in(seminar, staff):
    registration = RegistrationFactory(seminar=seminar)

    with pytest.raises(RegistrationError, match="Not checked in"):
        checkin_undo(registration=registration, by=staff)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("李", "李偉"),  # one Chinese character is enough
        ("李伟", "李偉"),  # Simplified finds Traditional
        ("陈大文", "陳大文"),
        ("陳大文", "陈大文"),  # and the other way
        ("  CHAN   Tai ", "CHAN Tai Man"),  # spaces collapsed
    ],
)
def test_checkin_search_cjk_scripts_and_spaces(seminar, query, name):
    registration = RegistrationFactory(
        seminar=seminar, name_en="CHAN Tai Man" if name.isascii() else "", name_zh=name
    )

    assert list(checkin_search(seminar=seminar, query=query)) == [registration]


def test_checkin_search_one_latin_letter_is_too_short(seminar):
    RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man")

    assert checkin_query_too_short("c")
    assert not checkin_query_too_short("李")
    assert list(checkin_search(seminar=seminar, query="c")) == []


def test_checkin_search_in_both_scripts_is_still_one_query(seminar, django_assert_num_queries):
    RegistrationFactory(seminar=seminar, name_zh="陳大文")

    with django_assert_num_queries(1) as captured:
        found = list(checkin_search(seminar=seminar, query="陈大"))

    assert len(found) == 1
    assert "LIMIT 20" in captured.captured_queries[0]["sql"]


def test_checkin_counts_room_only_and_online_apart(staff):
    seminar = SeminarFactory(
        format=Seminar.Format.HYBRID, starts_at=timezone.now(), capacity=5, online_capacity=5
    )
    room = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)
    online = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)
    for registration in (room, online):
        checkin_record(seminar=seminar, registration=registration, by=staff)

    assert checkin_counts(seminar=seminar) == {
        "checked_in": 1,
        "expected": 1,
        "online_checked_in": 1,
    }
