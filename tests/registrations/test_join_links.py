"""The personal join link's rules (registrations/join_links.py): who it opens the meeting for,
from when, and how each open is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.join_links import (
    JoinState,
    join_link_open,
    join_link_opens_at,
    join_link_record,
    join_link_url,
)
from registrations.models import Registration
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def starting_in(minutes: float, **fields) -> Seminar:
    starts_at = timezone.now() + timedelta(minutes=minutes)
    return SeminarFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields)


def open_now(registration: Registration):
    return join_link_open(token=registration.join_token)


def test_join_link_opens_the_meeting_for_a_confirmed_online_registrant_within_the_hour():
    registration = RegistrationFactory(seminar=starting_in(30))

    outcome = open_now(registration)

    assert outcome.state == JoinState.REDIRECT
    assert outcome.redirects


def test_join_link_unknown_token_is_none():
    RegistrationFactory(seminar=starting_in(30))

    assert join_link_open(token="x" * 43) is None


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Status.CANCELLED, JoinState.CANCELLED),
        (Status.WAITLISTED, JoinState.WAITLISTED),
        (Status.PENDING, JoinState.PENDING),
        (Status.DECLINED, JoinState.DECLINED),
    ],
)
def test_join_link_not_confirmed_says_why_and_records_nothing(status, state):
    registration = RegistrationFactory(seminar=starting_in(30), status=status)

    outcome = open_now(registration)

    assert outcome.state == state
    registration.refresh_from_db()
    assert registration.join_opens == 0
    assert registration.join_first_opened_at is None


def test_join_link_seminar_cancelled_wins_over_everything():
    seminar = starting_in(30)
    registration = RegistrationFactory(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    assert open_now(registration).state == JoinState.SEMINAR_CANCELLED


def test_join_link_after_the_end_has_ended():
    registration = RegistrationFactory(seminar=starting_in(-121))

    assert open_now(registration).state == JoinState.ENDED


def test_join_link_during_the_seminar_still_opens_it():
    registration = RegistrationFactory(seminar=starting_in(-119))

    assert open_now(registration).state == JoinState.REDIRECT


def test_join_link_too_early_gives_the_opening_time(settings):
    settings.JOIN_LINK_OPENS_MINUTES = 60
    seminar = starting_in(61)
    registration = RegistrationFactory(seminar=seminar)

    outcome = open_now(registration)

    assert outcome.state == JoinState.TOO_EARLY
    assert outcome.opens_at == seminar.starts_at - timedelta(minutes=60)
    registration.refresh_from_db()
    assert registration.join_opens == 0


def test_join_link_opens_exactly_at_the_opening_moment(settings):
    settings.JOIN_LINK_OPENS_MINUTES = 15
    seminar = starting_in(60 * 24)
    registration = RegistrationFactory(seminar=seminar)
    opens_at = join_link_opens_at(seminar=seminar)

    before = join_link_open(token=registration.join_token, now=opens_at - timedelta(seconds=1))
    at = join_link_open(token=registration.join_token, now=opens_at)

    assert (before.state, at.state) == (JoinState.TOO_EARLY, JoinState.REDIRECT)


def test_join_link_in_room_attendee_of_a_hybrid_seminar_is_sent_to_the_venue():
    seminar = starting_in(30, format=Seminar.Format.HYBRID, venue="Room 1, HKCEC")
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)
    online = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.ONLINE)

    assert open_now(registration).state == JoinState.IN_ROOM
    assert open_now(online).state == JoinState.REDIRECT


def test_join_link_in_person_seminar_has_no_meeting_even_with_a_join_url_left_over():
    seminar = starting_in(30, format=Seminar.Format.IN_PERSON, venue="Room 1")
    registration = RegistrationFactory(seminar=seminar)

    assert open_now(registration).state == JoinState.IN_ROOM


def test_join_link_without_a_join_url_yet_says_the_organisers_will_send_it():
    registration = RegistrationFactory(seminar=starting_in(60 * 48, join_url=""))

    assert open_now(registration).state == JoinState.NO_LINK_YET


def test_join_link_first_open_kept_last_open_and_count_move():
    registration = RegistrationFactory(seminar=starting_in(30))
    first = timezone.now() - timedelta(minutes=5)
    second = timezone.now()

    join_link_open(token=registration.join_token, now=first)
    join_link_open(token=registration.join_token, now=second)

    registration.refresh_from_db()
    assert registration.join_first_opened_at == first
    assert registration.join_last_opened_at == second
    assert registration.join_opens == 2


def test_join_link_open_not_recorded_when_asked_not_to():
    registration = RegistrationFactory(seminar=starting_in(30))

    outcome = join_link_open(token=registration.join_token, record=False)

    assert outcome.state == JoinState.REDIRECT
    registration.refresh_from_db()
    assert registration.join_opens == 0


def test_join_link_record_leaves_updated_at_alone():
    registration = RegistrationFactory(seminar=starting_in(30))
    updated_at = Registration.objects.get(pk=registration.pk).updated_at

    join_link_record(registration=registration, now=timezone.now())

    registration.refresh_from_db()
    assert registration.updated_at == updated_at
    assert registration.join_opens == 1


def test_join_link_record_after_a_cancellation_in_between_counts_nothing():
    registration = RegistrationFactory(seminar=starting_in(30))
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.CANCELLED, cancelled_at=timezone.now()
    )

    assert join_link_record(registration=registration, now=timezone.now()) is False
    registration.refresh_from_db()
    assert registration.join_opens == 0


def test_join_link_open_costs_two_queries(django_assert_num_queries):
    registration = RegistrationFactory(seminar=starting_in(30))

    with django_assert_num_queries(2):  # the lookup (with the seminar) and the count
        open_now(registration)


def test_join_link_url_is_absolute_with_the_language_prefix(settings):
    registration = RegistrationFactory(seminar=starting_in(30))

    english = join_link_url(registration=registration, language="en")
    chinese = join_link_url(registration=registration, language="zh-hant")

    assert english == f"{settings.SITE_URL}/j/{registration.join_token}/"
    assert chinese == f"{settings.SITE_URL}/zh-hant/j/{registration.join_token}/"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_join_link_opened_at_once_counts_every_open_and_keeps_the_first():
    from tests.threads import run_at_once

    registration = RegistrationFactory(seminar=starting_in(30))
    first = timezone.now() - timedelta(minutes=10)
    join_link_open(token=registration.join_token, now=first)

    results = run_at_once(8, lambda n: join_link_open(token=registration.join_token))

    assert [result.state for result in results] == [JoinState.REDIRECT] * 8
    registration.refresh_from_db()
    assert registration.join_opens == 9
    assert registration.join_first_opened_at == first
    assert registration.join_last_opened_at > first
