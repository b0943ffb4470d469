"""The question pages of bulk actions promise each person the email they will get: at a hybrid
seminar someone given a seat in the room gets the venue, not joining details."""

import html
import re

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from organiser.admin.action_previews import (
    approve_preview,
    cancel_preview,
    confirm_from_waitlist_preview,
)
from registrations.models import Registration
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db
CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def hybrid():
    """Two seats free in the room and two online."""
    return SeminarFactory(title_en="IP Workshop", format="hybrid", capacity=2, online_capacity=2)


def waiting(seminar, mode: str, count: int = 1) -> list[Registration]:
    return RegistrationFactory.create_batch(
        count, seminar=seminar, attendance_mode=mode, status=Status.WAITLISTED
    )


def selected(registrations) -> QuerySet[Registration]:
    return Registration.objects.filter(pk__in=[r.pk for r in registrations])


def test_confirming_a_room_attendee_from_the_waitlist_promises_the_venue(
    client, django_user_model, hybrid
):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    room = waiting(hybrid, "in_person")

    response = client.post(
        reverse(CHANGELIST),
        {"action": "confirm_from_waitlist", "_selected_action": [room[0].pk], "index": 0},
    )

    text = html.unescape(re.sub(r"\s+", " ", strip_tags(response.content.decode())))
    assert (
        "1 email saying a seat in the room is now theirs, with the venue, to the person promoted "
        "to the room." in text
    )
    assert "joining details" not in text


def test_a_mixed_selection_says_which_email_each_gets(hybrid):
    chosen = waiting(hybrid, "in_person", 2) + waiting(hybrid, "online")

    emails = confirm_from_waitlist_preview(selected(chosen)).emails

    assert emails == [
        "1 email saying a seat is now theirs, with the joining details, to the person promoted.",
        "2 emails saying a seat in the room is now theirs, with the venue, one to each person "
        "promoted to the room.",
    ]


def test_short_of_room_seats_each_choice_says_what_it_sends(hybrid):
    hybrid.capacity = 1
    hybrid.save()
    chosen = waiting(hybrid, "in_person", 2) + waiting(hybrid, "online")

    emails = confirm_from_waitlist_preview(selected(chosen)).emails

    assert emails == [
        "Without “Allow over capacity”: 1 email saying a seat is now theirs, with the joining "
        "details, to the person promoted. 1 email saying a seat in the room is now theirs, with "
        "the venue, to the person promoted to the room.",
        "With “Allow over capacity” ticked: 1 email saying a seat is now theirs, with the "
        "joining details, to the person promoted. 2 emails saying a seat in the room is now "
        "theirs, with the venue, one to each person promoted to the room.",
    ]


def test_in_chinese_the_two_emails_run_on_without_a_space(hybrid):
    hybrid.capacity = 0
    hybrid.save()
    chosen = waiting(hybrid, "in_person") + waiting(hybrid, "online")

    with translation.override("zh-hant"):
        ticked = confirm_from_waitlist_preview(selected(chosen)).emails[1]

    assert (
        "並附參與詳情。1 封電郵，通知每位獲補上現場座位的人士已取得座位，並附場地詳情。" in ticked
    )


def test_an_online_seminar_promises_the_joining_details_an_in_person_one_the_venue():
    online = SeminarFactory(capacity=5)
    in_person = SeminarFactory(format="in_person", capacity=5, venue_en="HKCEC")
    chosen = waiting(online, "online") + waiting(in_person, "in_person")

    emails = confirm_from_waitlist_preview(selected(chosen)).emails

    assert emails == [
        "1 email saying a seat is now theirs, with the joining details, to the person promoted.",
        "1 email saying a seat in the room is now theirs, with the venue, to the person promoted "
        "to the room.",
    ]


def test_approving_into_the_room_promises_the_venue():
    seminar = SeminarFactory(format="hybrid", capacity=5, online_capacity=5)
    pending = RegistrationFactory.create_batch(
        2, seminar=seminar, attendance_mode="in_person", status=Status.PENDING
    )
    pending.append(
        RegistrationFactory(seminar=seminar, attendance_mode="online", status=Status.PENDING)
    )

    emails = approve_preview(selected(pending)).emails

    assert emails == [
        "1 confirmation email with the joining details, to the confirmed registrant.",
        "2 confirmation emails with the venue, one to each registrant confirmed in the room.",
    ]


def test_cancelling_a_room_seat_says_the_next_in_line_gets_the_venue():
    seminar = SeminarFactory(format="hybrid", capacity=1, online_capacity=1)
    seated = RegistrationFactory(seminar=seminar, attendance_mode="in_person")
    waiting(seminar, "in_person")

    emails = cancel_preview(selected([seated])).emails

    assert emails[1] == (
        "1 email saying a seat in the room is now theirs, with the venue, to the person "
        "promoted to the room."
    )


def test_at_an_in_person_seminar_the_promise_is_the_venue_even_with_a_join_link_left():
    room = SeminarFactory(format="in_person", venue_en="Room S421", capacity=5)  # join link kept
    chosen = waiting(room, "in_person", 2)

    emails = confirm_from_waitlist_preview(selected(chosen)).emails

    assert emails == [
        "2 emails saying a seat in the room is now theirs, with the venue, one to each person "
        "promoted to the room."
    ]
