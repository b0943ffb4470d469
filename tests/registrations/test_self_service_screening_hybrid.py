"""The registrant's own page at a screened seminar (pending, declined) and at a hybrid seminar
(how they attend, and switching to the other way, which says plainly what it costs)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from registrations.errors import RegistrationRefused
from registrations.models import AuditEntry, Registration
from registrations.services import (
    registration_create,
    registration_decline,
    registration_mode_change,
)
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

Status = Registration.Status
pytestmark = pytest.mark.django_db

JOIN_URL = "https://webinar.example.com/j/room-77"
VENUE = "Room S421, HKCEC"


def url(registration: Registration, page: str = "manage") -> str:
    return reverse(f"registrations:{page}", kwargs={"token": registration.token})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def fresh(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def screened():
    return SeminarFactory(requires_approval=True, join_url=JOIN_URL)


def test_a_pending_registration_is_under_review_with_no_seat_and_nothing_to_join(client, screened):
    registration = registration_create(seminar=screened, data=registration_data())

    response = client.get(url(registration))

    text = text_of(response)
    assert "Status: Awaiting approval" in text
    assert "Your registration is under review: you do not have a seat yet." in text
    assert "room-77" not in response.content.decode()
    assert url(registration, "calendar") not in response.content.decode()
    assert url(registration, "cancel") in response.content.decode()


def test_a_pending_registrant_may_still_cancel(client, screened):
    registration = registration_create(seminar=screened, data=registration_data())

    client.post(url(registration, "cancel"))

    assert fresh(registration).status == Status.CANCELLED


def test_a_declined_registration_says_so_and_offers_nothing_more(client, screened):
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    registration = registration_create(seminar=screened, data=registration_data())
    registration_decline(registration=registration, actor=organiser, message="Sorry.")

    response = client.get(url(registration))

    text = text_of(response)
    page = response.content.decode()
    assert "Status: Declined" in text
    assert "unable to accept it" in text
    for page_name in ("edit", "cancel", "calendar"):
        assert url(registration, page_name) not in page
    assert "Register again" not in text
    assert "room-77" not in page
    # Nor can the pages be reached directly.
    assert client.get(url(registration, "edit")).status_code == 302
    client.post(url(registration, "cancel"))
    assert fresh(registration).status == Status.DECLINED


def test_a_declined_registrations_calendar_file_says_cancelled_without_the_link(client, screened):
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    registration = registration_create(seminar=screened, data=registration_data())
    registration_decline(registration=registration, actor=organiser)

    content = client.get(url(registration, "calendar")).content.decode()

    assert "STATUS:CANCELLED" in content
    assert "room-77" not in content


@pytest.fixture
def hybrid():
    """One seat in the room and one online, each with a waitlist."""
    return SeminarFactory(
        format="hybrid",
        capacity=1,
        online_capacity=1,
        venue_en=VENUE,
        join_url=JOIN_URL,
        joining_instructions_en="Passcode 424242",
    )


def book(seminar, mode: str, email: str = "tai.man@example.com", **data) -> Registration:
    return registration_create(
        seminar=seminar, data=registration_data(email=email, attendance_mode=mode, **data)
    )


def test_an_online_attendees_page_gives_the_join_link_and_no_venue(client, hybrid):
    registration = book(hybrid, "online")

    response = client.get(url(registration))
    text = text_of(response)

    assert "How you attend Online" in text
    assert f'href="/j/{registration.join_token}/"' in response.content.decode()
    assert JOIN_URL not in response.content.decode() and "Passcode 424242" in text
    assert VENUE not in text


def test_a_room_attendees_page_gives_the_venue_and_no_join_link(client, hybrid):
    registration = book(hybrid, "in_person")

    response = client.get(url(registration))

    text = text_of(response)
    assert "How you attend In the room" in text
    assert f"Where to go {VENUE}" in text
    assert "webinar.example.com" not in text and "424242" not in text
    assert url(registration, "calendar") in response.content.decode()


def test_a_room_attendees_calendar_file_has_the_venue_and_no_join_link(client, hybrid):
    registration = book(hybrid, "in_person")

    content = client.get(url(registration, "calendar")).content.decode()

    assert "LOCATION:Room S421\\, HKCEC" in content
    assert "webinar.example.com" not in content


def test_the_page_offers_to_attend_the_other_way(client, hybrid):
    registration = book(hybrid, "in_person")

    response = client.get(url(registration))

    assert "Attend online instead" in text_of(response)
    assert url(registration, "mode_change") in response.content.decode()


def test_switching_to_a_free_seat_says_the_seat_moves_and_does_it_only_on_post(client, hybrid):
    registration = book(hybrid, "in_person")

    question = client.get(url(registration, "mode_change"))
    unchanged = fresh(registration)
    response = client.post(url(registration, "mode_change"), follow=True)

    assert "Attend online instead?" in text_of(question)
    assert "A seat is free online: your seat moves there at once." in text_of(question)
    assert unchanged.attendance_mode == "in_person"
    registration = fresh(registration)
    assert (registration.attendance_mode, registration.status) == ("online", Status.CONFIRMED)
    assert "You now attend online, and your seat is confirmed." in text_of(response)
    hybrid.refresh_from_db()
    assert (hybrid.seats_taken, hybrid.online_seats_taken) == (0, 1)


def test_switching_to_a_full_mode_warns_of_the_waitlist_and_the_lost_seat(client, hybrid):
    book(hybrid, "online", email="online@example.com")
    registration = book(hybrid, "in_person")
    waiting = book(hybrid, "in_person", email="waiting@example.com")

    question = text_of(client.get(url(registration, "mode_change")))
    response = client.post(url(registration, "mode_change"), follow=True)

    assert "There is no free seat online now." in question
    assert "give up your seat in the room at once" in question
    registration = fresh(registration)
    assert (registration.attendance_mode, registration.status) == ("online", Status.WAITLISTED)
    assert "You now attend online and are number 1 on its waitlist." in text_of(response)
    assert fresh(waiting).status == Status.CONFIRMED  # the room seat went to the next in line


def test_a_full_mode_without_a_waitlist_cannot_be_switched_to(client, hybrid):
    hybrid.waitlist_enabled = False
    hybrid.save()
    book(hybrid, "online", email="online@example.com")
    registration = book(hybrid, "in_person")

    question = client.get(url(registration, "mode_change"))
    client.post(url(registration, "mode_change"))

    assert "There are no seats left online and no waitlist" in text_of(question)
    assert "Yes, attend online" not in text_of(question)
    assert fresh(registration).attendance_mode == "in_person"


def test_a_refused_switch_is_shown_as_a_message_and_changes_nothing(client, hybrid):
    hybrid.waitlist_enabled = False
    hybrid.save()
    registration = book(hybrid, "in_person")
    client.get(url(registration, "mode_change"))  # the question: online has a seat
    book(hybrid, "online", email="quicker@example.com")  # someone else takes it meanwhile

    response = client.post(url(registration, "mode_change"), follow=True)

    assert "Sorry, this seminar is full and is not taking a waitlist." in text_of(response)
    assert "alert-danger" in response.content.decode()
    assert fresh(registration).attendance_mode == "in_person"


def test_switching_is_not_offered_once_registration_has_closed(client, hybrid):
    registration = book(hybrid, "in_person")
    hybrid.registration_closes_at = timezone.now() - timedelta(minutes=1)
    hybrid.save()

    page = client.get(url(registration)).content.decode()
    response = client.post(url(registration, "mode_change"))

    assert url(registration, "mode_change") not in page
    assert response.status_code == 302
    assert fresh(registration).attendance_mode == "in_person"


def test_switching_is_not_offered_at_a_seminar_with_one_way_to_attend(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    page = client.get(url(registration)).content.decode()
    response = client.get(url(registration, "mode_change"))

    assert url(registration, "mode_change") not in page
    assert "How you attend" not in page
    assert response.status_code == 302


def test_a_pending_registrant_changes_the_request_and_is_told_it_is_still_under_review(client):
    seminar = SeminarFactory(format="hybrid", requires_approval=True, online_capacity=10)
    registration = book(seminar, "in_person")

    question = text_of(client.get(url(registration, "mode_change")))
    response = client.post(url(registration, "mode_change"), follow=True)

    assert "Your registration is still under review." in question
    registration = fresh(registration)
    assert (registration.attendance_mode, registration.status) == ("online", Status.PENDING)
    assert registration.reviewed_at is None  # nobody reviewed it
    assert "Your registration is still under review." in text_of(response)
    kinds = list(registration.notifications.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["received", "mode_changed"]


def test_a_pending_registrant_cannot_change_the_request_after_registration_closed():
    seminar = SeminarFactory(format="hybrid", requires_approval=True, online_capacity=10)
    registration = book(seminar, "in_person")
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()

    with pytest.raises(RegistrationRefused):
        registration_mode_change(registration=registration, mode="online")

    assert fresh(registration).attendance_mode == "in_person"
    assert not AuditEntry.objects.filter(action="mode_changed").exists()


def test_an_organiser_may_change_a_pending_request_after_registration_closed():
    seminar = SeminarFactory(format="hybrid", requires_approval=True, online_capacity=10)
    registration = book(seminar, "in_person")
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)

    registration_mode_change(registration=registration, mode="online", actor=organiser)

    assert fresh(registration).attendance_mode == "online"


def test_waitlisted_registrant_switching_to_a_free_seat_is_confirmed(client, hybrid):
    book(hybrid, "in_person", email="room@example.com")
    registration = book(hybrid, "in_person")

    question = text_of(client.get(url(registration, "mode_change")))
    client.post(url(registration, "mode_change"))

    assert "you are confirmed there at once and leave the waitlist in the room" in question
    assert fresh(registration).status == Status.CONFIRMED


def test_a_cancelled_registration_offers_no_switch(client, hybrid):
    registration = RegistrationFactory(
        seminar=hybrid, status=Status.CANCELLED, attendance_mode="in_person"
    )

    page = client.get(url(registration)).content.decode()

    assert url(registration, "mode_change") not in page
    assert client.get(url(registration, "mode_change")).status_code == 302


def test_a_pending_registrations_calendar_file_is_tentative_without_the_link(client, screened):
    registration = registration_create(seminar=screened, data=registration_data())

    content = client.get(url(registration, "calendar")).content.decode()

    assert "STATUS:TENTATIVE" in content
    assert "room-77" not in content


def test_checked_in_registrant_cannot_switch_to_online(client):
    from registrations.errors import RegistrationError
    from registrations.services import registration_mode_change
    from seminar.models import AttendanceMode, Seminar

    hybrid = SeminarFactory(format=Seminar.Format.HYBRID, capacity=5, online_capacity=5)
    registration = RegistrationFactory(seminar=hybrid, attendance_mode=AttendanceMode.IN_PERSON)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    registration.refresh_from_db()

    page = text_of(client.get(url(registration)))
    with pytest.raises(RegistrationError, match="ask the staff at the check-in desk"):
        registration_mode_change(registration=registration, mode=AttendanceMode.ONLINE)

    assert "Checked in at" in page and "Attend online instead" not in page
    registration.refresh_from_db()
    assert registration.attendance_mode == AttendanceMode.IN_PERSON
