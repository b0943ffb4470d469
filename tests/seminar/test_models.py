from datetime import timedelta

import pytest
from django.forms import modelform_factory
from django.utils import timezone

from seminar.models import RegistrationState, Seminar, Session
from tests.factories import RegistrationFactory, SeminarFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_availability_open_counts_seats_left():
    seminar = SeminarFactory(capacity=3)
    RegistrationFactory(seminar=seminar)

    availability = seminar.availability()

    assert availability.state == RegistrationState.OPEN
    assert availability.seats_left == 2
    assert availability.accepts_registrations


def test_availability_full_with_waitlist_still_accepts_registrations():
    seminar = SeminarFactory(capacity=1, waitlist_enabled=True)
    RegistrationFactory(seminar=seminar)

    availability = seminar.availability()

    assert availability.state == RegistrationState.WAITLIST
    assert availability.seats_left == 0
    assert availability.accepts_registrations


def test_availability_full_without_waitlist_refuses():
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    assert seminar.availability().state == RegistrationState.FULL
    assert not seminar.availability().accepts_registrations


def test_availability_before_opening_says_when_it_opens():
    opens_at = timezone.now() + timedelta(days=3)
    seminar = SeminarFactory(registration_opens_at=opens_at)

    availability = seminar.availability()

    assert availability.state == RegistrationState.NOT_YET_OPEN
    assert availability.opens_at == opens_at


def test_availability_closes_at_the_closing_time():
    closes_at = timezone.now() + timedelta(days=3)
    seminar = SeminarFactory(registration_closes_at=closes_at)

    assert (
        seminar.availability(now=closes_at - timedelta(seconds=1)).state == RegistrationState.OPEN
    )
    assert seminar.availability(now=closes_at).state == RegistrationState.CLOSED


def test_availability_of_a_draft_is_unavailable():
    seminar = SeminarFactory(status=Seminar.Status.DRAFT)

    assert seminar.availability().state == RegistrationState.UNAVAILABLE


def test_speaker_display_name_puts_english_and_chinese_names_together():
    speaker = SpeakerFactory(name_en="CHAN Tai Man", name_zh="陳大文")

    assert speaker.display_name == "CHAN Tai Man 陳大文"


def session_form_data(seminar, starts_at, ends_at) -> dict:
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return {
        "seminar": seminar.pk,
        "title_en": "Closing remarks",
        "kind": Session.Kind.CLOSING,
        "order": 0,
        "starts_at": local_start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": local_end.strftime("%Y-%m-%d %H:%M"),
    }


SessionForm = modelform_factory(
    Session, fields=("seminar", "title_en", "kind", "order", "starts_at", "ends_at")
)


def test_a_session_after_the_seminar_is_refused_next_to_its_times():
    seminar = SeminarFactory(
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )
    day_later = seminar.starts_at + timedelta(days=1)

    form = SessionForm(session_form_data(seminar, day_later, day_later + timedelta(minutes=30)))

    expected = (
        "Sessions must be within the seminar's time (12 August 2030 (Monday) 14:30–17:00 HKT)."
    )
    assert form.errors == {"starts_at": [expected], "ends_at": [expected]}


def test_a_session_running_past_the_seminars_end_is_refused_at_its_end_only():
    seminar = SeminarFactory()

    form = SessionForm(
        session_form_data(
            seminar,
            seminar.ends_at - timedelta(minutes=15),
            seminar.ends_at + timedelta(minutes=15),
        )
    )

    assert list(form.errors) == ["ends_at"]


def test_a_session_filling_the_seminar_exactly_is_accepted():
    seminar = SeminarFactory(
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    form = SessionForm(session_form_data(seminar, seminar.starts_at, seminar.ends_at))

    assert form.errors == {}


@pytest.mark.parametrize("format_", [Seminar.Format.ONLINE, Seminar.Format.HYBRID])
def test_availability_reads_only_the_fields_booking_locks(format_, django_assert_num_queries):
    """The booking service re-reads BOOKING_FIELDS from the locked row and trusts the rest of
    the row it read before; availability reading any other field would decide on stale data
    (here: a deferred field, loaded by a query of its own)."""
    seminar = SeminarFactory(format=format_, online_capacity=5, requires_approval=True)
    booking_only = Seminar.objects.only(*Seminar.BOOKING_FIELDS).get(pk=seminar.pk)

    with django_assert_num_queries(0):
        for mode in [None, *booking_only.attendance_modes]:
            booking_only.availability(mode=mode)
            booking_only.availability(mode=mode, ignore_window=True)
            booking_only.seat_counter(mode)
        assert booking_only.requires_approval
