"""The registrant's own pages say what is true of their registration: what cancelling gives up,
what approving a request would give when its mode is full, why the way of attending can no
longer be switched and whom to ask, and joining instructions that fit where they are shown."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from registrations.demo import JOINING_INSTRUCTIONS
from registrations.models import Registration
from registrations.services import registration_create
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_data,
    registration_form_data,
)

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


def url(registration: Registration, page: str = "manage", language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"registrations:{page}", kwargs={"token": registration.token})


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", strip_tags(response.content.decode())))


def book(seminar, **data) -> Registration:
    return registration_create(seminar=seminar, data=registration_data(**data))


# 1. The cancel page says what cancelling gives up.


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Your registration is still under review and holds no seat"),
        ("zh-hant", "你的報名仍在審核中，並未佔用座位"),
        ("zh-hans", "你的报名仍在审核中，并未占用座位"),
    ],
)
def test_cancelling_a_request_under_review_says_it_only_withdraws_it(client, language, says):
    registration = book(SeminarFactory(requires_approval=True))

    text = text_of(client.get(url(registration, "cancel", language)))

    assert says in text
    assert "Your seat will go" not in text


def test_cancelling_a_waitlist_place_gives_the_place_given_up(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    registration = book(seminar)

    text = text_of(client.get(url(registration, "cancel")))

    assert "You will leave the waitlist, where you are number 2." in text
    assert "Your seat will go" not in text


def test_cancelling_a_seat_still_says_it_goes_to_the_waitlist(client):
    registration = book(SeminarFactory())

    text = text_of(client.get(url(registration, "cancel")))

    assert "Your seat will go to the next person on the waitlist." in text


# 2. A request under review for a full mode says approval would mean its waitlist.


@pytest.fixture
def screened_hybrid():
    """The room full with a waitlist; seats online."""
    seminar = SeminarFactory(
        format="hybrid", capacity=1, online_capacity=10, requires_approval=True
    )
    RegistrationFactory(seminar=seminar, attendance_mode="in_person")
    seminar.refresh_from_db()
    return seminar


@pytest.mark.parametrize(
    ("language", "note"),
    [
        (
            "en",
            "The room is full at the moment: if the organisers accept your registration, you "
            "will join the room's waitlist rather than get a seat.",
        ),
        ("zh-hant", "現場座位目前已滿：如主辦機構接納你的報名，你會列入現場候補名單"),
        ("zh-hans", "现场座位目前已满：如主办方接受你的报名，你会列入现场候补名单"),
    ],
)
def test_a_pending_request_for_a_full_room_says_approval_means_its_waitlist(
    client, screened_hybrid, language, note
):
    registration = book(screened_hybrid, attendance_mode="in_person")

    assert note in text_of(client.get(url(registration, language=language)))


def test_a_pending_request_for_a_mode_with_seats_mentions_no_waitlist(client, screened_hybrid):
    registration = book(screened_hybrid, attendance_mode="online")

    assert "waitlist" not in text_of(client.get(url(registration)))


def test_the_done_page_of_a_pending_request_for_a_full_room_says_so(client, screened_hybrid):
    register = reverse("registrations:create", kwargs={"slug": screened_hybrid.slug})
    response = client.post(
        register, registration_form_data(attendance_mode="in_person"), follow=True
    )

    assert "The room is full at the moment" in text_of(response)


# 2. The page after registering names the full mode of a hybrid seminar.


@pytest.mark.parametrize(
    ("mode", "lead"),
    [
        ("in_person", "The room is full, so you are number 1 on its waitlist."),
        ("online", "All online seats are taken, so you are number 1 on the online waitlist."),
    ],
)
def test_the_done_page_names_the_full_mode(client, mode, lead):
    seminar = SeminarFactory(format="hybrid", capacity=1, online_capacity=1)
    RegistrationFactory(seminar=seminar, attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, attendance_mode="online")
    register = reverse("registrations:create", kwargs={"slug": seminar.slug})

    text = text_of(client.post(register, registration_form_data(attendance_mode=mode), follow=True))

    assert lead in text
    assert "The seminar is full" not in text


# 5. After registration closes, the page says why the way of attending cannot be switched.


@pytest.fixture
def closed_hybrid():
    seminar = SeminarFactory(
        format="hybrid",
        capacity=10,
        online_capacity=10,
        enquiries_name_en="Seminar Secretariat",
        enquiries_name_zh_hant="研討會秘書處",
        enquiries_name_zh_hans="研讨会秘书处",
        enquiries_email="ip-seminar@example.gov.hk",
    )
    registration = book(seminar, attendance_mode="in_person")
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()
    return registration


@pytest.mark.parametrize(
    ("language", "says", "contact"),
    [
        (
            "en",
            "Registration has closed, so how you attend can no longer be changed on this "
            "website. To change it, please contact the organisers.",
            "Enquiries: Seminar Secretariat, ip-seminar@example.gov.hk",
        ),
        (
            "zh-hant",
            "報名已截止，出席方式不能再在本網站更改。如需更改，請聯絡主辦機構。",
            "查詢：研討會秘書處、ip-seminar@example.gov.hk",
        ),
        (
            "zh-hans",
            "报名已截止，参加方式不能再在本网站更改。如需更改，请联系主办方。",
            "研讨会秘书处、ip-seminar@example.gov.hk",
        ),
    ],
)
def test_after_closing_the_page_says_the_mode_cannot_change_and_whom_to_ask(
    client, closed_hybrid, language, says, contact
):
    text = text_of(client.get(url(closed_hybrid, language=language)))

    assert says in text
    assert contact in text


def test_while_open_the_page_offers_the_switch_and_no_such_note(client):
    registration = book(
        SeminarFactory(format="hybrid", capacity=10, online_capacity=10),
        attendance_mode="in_person",
    )

    response = client.get(url(registration))

    assert url(registration, "mode_change") in response.content.decode()
    assert "can no longer be changed" not in text_of(response)


def test_without_a_contact_the_closed_note_still_says_to_ask_the_organisers(client):
    seminar = SeminarFactory(format="hybrid", capacity=10, online_capacity=10)
    registration = book(seminar, attendance_mode="online")
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()

    text = text_of(client.get(url(registration)))

    assert "please contact the organisers." in text
    assert "Enquiries:" not in text


# 6. The demo's instructions come after the join link on the registrant's page.


def test_the_page_shows_the_join_link_before_the_demo_instructions(client):
    seminar = SeminarFactory(joining_instructions_en=JOINING_INSTRUCTIONS["en"])
    registration = book(seminar)

    page = client.get(url(registration)).content.decode()

    assert seminar.join_url not in page
    assert page.index(f"/j/{registration.join_token}/") < page.index("Webinar ID: 912 3456 7890")
    assert "below" not in JOINING_INSTRUCTIONS["en"]
