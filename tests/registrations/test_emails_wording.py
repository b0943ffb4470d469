"""Emails say what is true of this registration: a cancellation names what was given up (a seat,
a waitlist place, a request under review), a hybrid seminar's waitlist names the mode that is
full, a request under review says when accepting it would mean a waitlist, and a declined
registrant who registers again is sent the decline again."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from registrations.demo import JOINING_INSTRUCTIONS
from registrations.models import Notification, Registration
from registrations.services import (
    registration_cancel,
    registration_create,
    registration_decline,
    registration_mode_change,
)
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_data,
    registration_form_data,
)

Kind = Notification.Kind
Status = Registration.Status
pytestmark = pytest.mark.django_db

SEAT_GOES_ON = "your seat can now go to someone on the waitlist"


def sent(django_capture_on_commit_callbacks, action):
    """Run a service and deliver what it queued, as the worker would; the emails it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        action()
    return mail.outbox[before:]


def html_of(message) -> str:
    return message.alternatives[0][0]


def book(seminar, language: str = "en", **data) -> Registration:
    return registration_create(
        seminar=seminar, data=registration_data(preferred_language=language, **data)
    )


# 1. A cancellation says what was given up.


@pytest.mark.parametrize(
    ("language", "says", "never"),
    [
        ("en", "It was still under review and held no seat", SEAT_GOES_ON),
        ("zh-hant", "該報名仍在審核中，並未佔用座位", "你的座位現可讓予候補名單上的人士"),
        ("zh-hans", "该报名仍在审核中，并未占用座位", "你的座位现可转给候补名单上的人士"),
    ],
)
def test_withdrawing_a_request_under_review_mentions_no_seat(
    django_capture_on_commit_callbacks, language, says, never
):
    registration = book(SeminarFactory(requires_approval=True), language)

    (message,) = sent(
        django_capture_on_commit_callbacks, lambda: registration_cancel(registration=registration)
    )

    assert says in message.body and says in html_of(message)
    assert never not in message.body + html_of(message)


def test_giving_up_a_waitlist_place_says_so_and_mentions_no_seat(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(capacity=1)
    book(seminar, email="first@example.com")
    waiting = book(seminar)
    assert waiting.status == Status.WAITLISTED

    (message,) = sent(
        django_capture_on_commit_callbacks, lambda: registration_cancel(registration=waiting)
    )

    assert "so you are no longer on the waitlist" in message.body
    assert "so you are no longer on the waitlist" in html_of(message)
    assert "seat" not in message.body.split("Dear")[1].split("register again")[0]


def test_giving_up_a_seat_says_it_goes_to_the_waitlist(django_capture_on_commit_callbacks):
    registration = book(SeminarFactory())

    messages = sent(
        django_capture_on_commit_callbacks, lambda: registration_cancel(registration=registration)
    )

    assert SEAT_GOES_ON in messages[0].body


# 2. A hybrid seminar's waitlist names the mode that is full.


@pytest.fixture
def hybrid():
    """Both modes full with a waitlist: one seat in the room, one online, each taken."""
    seminar = SeminarFactory(
        format="hybrid", capacity=1, online_capacity=1, venue_en="Room S421, HKCEC"
    )
    RegistrationFactory(seminar=seminar, attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, attendance_mode="online")
    seminar.refresh_from_db()
    return seminar


@pytest.mark.parametrize(
    ("mode", "language", "headline"),
    [
        ("in_person", "en", "The room is full, so you are on its waitlist."),
        ("online", "en", "All online seats are taken, so you are on the online waitlist."),
        ("in_person", "zh-hant", "現場座位已滿，你已列入現場候補名單。"),
        ("online", "zh-hant", "網上名額已滿，你已列入網上候補名單。"),
        ("in_person", "zh-hans", "现场座位已满，你已列入现场候补名单。"),
        ("online", "zh-hans", "线上名额已满，你已列入线上候补名单。"),
    ],
)
def test_a_hybrid_waitlist_email_names_the_full_mode(
    hybrid, django_capture_on_commit_callbacks, mode, language, headline
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: book(hybrid, language, attendance_mode=mode),
    )

    assert headline in message.body and headline in html_of(message)
    assert "The seminar is full" not in message.body


def test_a_room_waitlist_email_promises_the_venue_not_joining_details(
    hybrid, django_capture_on_commit_callbacks
):
    (room,) = sent(
        django_capture_on_commit_callbacks, lambda: book(hybrid, attendance_mode="in_person")
    )
    (online,) = sent(
        django_capture_on_commit_callbacks,
        lambda: book(hybrid, email="online@example.com", attendance_mode="online"),
    )

    assert "we will email you the venue details" in room.body
    assert "joining details" not in room.body + html_of(room)
    assert "we will email you the joining details" in online.body


def test_a_single_mode_seminar_keeps_saying_the_seminar_is_full(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(capacity=1)
    book(seminar, email="first@example.com")

    (message,) = sent(django_capture_on_commit_callbacks, lambda: book(seminar))

    assert "The seminar is full, so you are on the waitlist." in message.body


@pytest.fixture
def screened_hybrid(hybrid):
    hybrid.requires_approval = True
    hybrid.save()
    return hybrid


@pytest.mark.parametrize(
    ("mode", "language", "note"),
    [
        ("in_person", "en", "The room is full at the moment: if the organisers accept"),
        ("online", "en", "All online seats are taken at the moment: if the organisers accept"),
        ("in_person", "zh-hant", "現場座位目前已滿：如主辦機構接納你的報名"),
        ("online", "zh-hans", "线上名额目前已满：如主办方接受你的报名"),
    ],
)
def test_received_email_says_approval_now_means_the_full_modes_waitlist(
    screened_hybrid, django_capture_on_commit_callbacks, mode, language, note
):
    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: book(screened_hybrid, language, attendance_mode=mode),
    )

    assert message.to == ["tai.man.chan@example.com"]
    assert note in message.body and note in html_of(message)


def test_received_email_says_nothing_of_a_waitlist_while_the_mode_has_seats(
    screened_hybrid, django_capture_on_commit_callbacks
):
    screened_hybrid.capacity = 5
    screened_hybrid.save()

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: book(screened_hybrid, attendance_mode="in_person"),
    )

    assert "waitlist" not in message.body


def test_received_email_at_a_full_single_mode_seminar_says_approval_means_the_waitlist(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(capacity=1, requires_approval=True)
    RegistrationFactory(seminar=seminar)

    (message,) = sent(django_capture_on_commit_callbacks, lambda: book(seminar))

    assert "The seminar is full at the moment: if the organisers accept" in message.body


def test_changing_a_request_to_a_full_mode_says_what_approval_would_mean(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(format="hybrid", capacity=5, online_capacity=1, requires_approval=True)
    RegistrationFactory(seminar=seminar, attendance_mode="online")
    registration = book(seminar, attendance_mode="in_person")

    (message,) = sent(
        django_capture_on_commit_callbacks,
        lambda: registration_mode_change(registration=registration, mode="online"),
    )

    assert "All online seats are taken at the moment" in message.body


# 4. Registering again with a declined address sends the decline again.


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


def test_registering_again_after_a_decline_resends_the_decline_with_the_organisers_note(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(title_en="IP Workshop", requires_approval=True)
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    declined = book(seminar, email="declined@example.com")
    registration_decline(registration=declined, actor=organiser, message="Places are for SMEs.")
    register = reverse("registrations:create", kwargs={"slug": seminar.slug})

    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        again = client.post(register, registration_form_data(email="DECLINED@example.com"))
        unknown = client.post(register, registration_form_data(email="nobody@example.com"))

    # The page answers the same as for any address already registered.
    assert again.url == reverse("registrations:already_registered", kwargs={"slug": seminar.slug})
    (message,) = [m for m in mail.outbox if m.to == ["declined@example.com"]]
    assert message.subject == "Registration not accepted: IP Workshop"
    assert "Places are for SMEs." in message.body
    assert declined.notifications.filter(kind=Kind.DECLINED).count() == 2
    # A new address is registered, as before: this is only about the declined one.
    assert unknown.url == reverse("registrations:done", kwargs={"slug": seminar.slug})


def test_asking_for_the_link_with_a_declined_address_resends_the_decline(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(requires_approval=True)
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    declined = book(seminar, email="declined@example.com")
    registration_decline(registration=declined, actor=organiser)
    resend = reverse("registrations:resend", kwargs={"slug": seminar.slug})

    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        response = client.post(resend, {"email": "declined@example.com"})

    assert response.url == reverse(
        "registrations:already_registered", kwargs={"slug": seminar.slug}
    )
    (message,) = mail.outbox
    assert message.subject.startswith("Registration not accepted")
    assert "Message from the organisers" not in message.body


# 6. The demo's joining instructions come after the link wherever they are shown.


@pytest.mark.parametrize("language", ["en", "zh_hant", "zh_hans"])
def test_demo_joining_instructions_point_at_no_link_below(language):
    assert not any(
        word in JOINING_INSTRUCTIONS[language] for word in ("below", "以下", "下方", "下面")
    )


def test_the_seat_email_shows_the_join_link_before_the_instructions(
    django_capture_on_commit_callbacks,
):
    seminar = SeminarFactory(joining_instructions_en=JOINING_INSTRUCTIONS["en"])

    (message,) = sent(django_capture_on_commit_callbacks, lambda: book(seminar))

    join_token = Registration.objects.get(seminar=seminar).join_token
    for text in (message.body, html_of(message)):
        assert seminar.join_url not in text
        assert text.index(f"/j/{join_token}/") < text.index("Webinar ID: 912 3456 7890")
