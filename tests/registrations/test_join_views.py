"""/j/<token>/ as a registrant meets it: a redirect to the meeting that is counted, or a page
saying why not, in their language; never cached, never indexed, never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import Registration
from seminar.models import AttendanceMode, Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.hypothesis_budget import examples
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db

Status = Registration.Status
JOIN_URL = "https://webinar.example.com/j/secret-room"


def starting_in(minutes: float, **fields) -> Seminar:
    starts_at = timezone.now() + timedelta(minutes=minutes)
    return SeminarFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields)


def join_path(registration: Registration, language: str = "en") -> str:
    with translation.override(language):
        return reverse("registrations:join", kwargs={"token": registration.join_token})


def opens(registration: Registration) -> int:
    registration.refresh_from_db()
    return registration.join_opens


def test_join_view_redirects_to_the_meeting_privately_and_counts_the_open(client):
    registration = RegistrationFactory(seminar=starting_in(30, join_url=JOIN_URL))

    response = client.get(join_path(registration))

    assert response.status_code == 302
    assert response["Location"] == JOIN_URL
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert opens(registration) == 1


def test_join_view_head_is_answered_but_not_counted(client):
    registration = RegistrationFactory(seminar=starting_in(30))

    response = client.head(join_path(registration))

    assert response.status_code == 302
    assert opens(registration) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
        {"User-Agent": "WhatsApp/2.23.20.0"},
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"User-Agent": "Mozilla/5.0 Chrome/120", "Sec-Purpose": "prefetch;prerender"},
    ],
)
def test_join_view_link_previews_and_prefetches_are_not_counted(client, headers):
    registration = RegistrationFactory(seminar=starting_in(30))

    response = client.get(join_path(registration), headers=headers)

    assert response.status_code == 302
    assert opens(registration) == 0


def test_join_view_a_browser_is_counted(client):
    registration = RegistrationFactory(seminar=starting_in(30))
    agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari"

    client.get(join_path(registration), headers={"User-Agent": agent})
    client.get(join_path(registration), headers={"User-Agent": agent})

    assert opens(registration) == 2


def test_join_view_post_is_refused(client):
    registration = RegistrationFactory(seminar=starting_in(30))

    response = client.post(join_path(registration))

    assert response.status_code == 405
    assert opens(registration) == 0


def test_join_view_unknown_token_is_404(client):
    RegistrationFactory(seminar=starting_in(30))

    response = client.get("/j/" + "A" * 43 + "/")

    assert response.status_code == 404


def test_join_view_private_page_token_does_not_open_the_meeting(client):
    registration = RegistrationFactory(seminar=starting_in(30))

    response = client.get(f"/j/{registration.token}/")

    assert response.status_code == 404


def _page(client, registration, language="en"):
    response = client.get(join_path(registration, language))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    page = response.content.decode()
    assert JOIN_URL not in page
    assert registration.token not in page  # a forwarded join link reveals no private page
    assert opens(registration) == 0
    return page


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.CANCELLED, "This registration was cancelled"),
        (Status.WAITLISTED, "You are on the waitlist"),
        (Status.PENDING, "Your registration is under review"),
        (Status.DECLINED, "Registration not accepted"),
    ],
)
def test_join_view_not_confirmed_pages(client, status, words):
    registration = RegistrationFactory(seminar=starting_in(30), status=status)

    assert words in _page(client, registration)


def test_join_view_too_early_page_shows_the_opening_time_in_hkt(client, settings):
    settings.JOIN_LINK_OPENS_MINUTES = 60
    starts_at = timezone.make_aware(
        timezone.datetime(2030, 3, 14, 14, 30), timezone.get_default_timezone()
    )
    seminar = SeminarFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    registration = RegistrationFactory(seminar=seminar)

    english = _page(client, registration)
    chinese = _page(client, registration, "zh-hant")

    assert "It is too early to join" in english
    assert "13:30" in english and "14 March 2030" in english
    assert "13:30" in chinese and "2030年3月14日" in chinese


def test_join_view_ended_page(client):
    registration = RegistrationFactory(seminar=starting_in(-180))

    assert "This seminar has ended" in _page(client, registration)


def test_join_view_seminar_cancelled_page(client):
    seminar = starting_in(30)
    registration = RegistrationFactory(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    assert "This seminar has been cancelled." in _page(client, registration)


def test_join_view_in_room_page_names_the_venue(client):
    seminar = starting_in(30, format=Seminar.Format.HYBRID, venue="Room S421, HKCEC")
    registration = RegistrationFactory(seminar=seminar, attendance_mode=AttendanceMode.IN_PERSON)

    page = _page(client, registration)

    assert "You attend in the room" in page
    assert "Room S421, HKCEC" in page


def test_join_view_no_link_yet_page(client):
    registration = RegistrationFactory(seminar=starting_in(30, join_url=""))

    assert "The join link is not ready yet" in _page(client, registration)


def test_join_view_page_in_simplified_chinese(client):
    registration = RegistrationFactory(seminar=starting_in(-180))

    page = _page(client, registration, "zh-hans")

    assert 'lang="zh-Hans-CN"' in page


def test_join_view_queries_are_flat(client, django_assert_num_queries):
    registration = RegistrationFactory(seminar=starting_in(30))
    path = join_path(registration)

    with django_assert_num_queries(2):
        client.get(path)


@settings(max_examples=examples(60), **PROPERTY_SETTINGS)
@given(
    token=st.text(min_size=0, max_size=60),
    language_prefix=st.sampled_from(["", "/zh-hant", "/zh-hans"]),
    method=st.sampled_from(["get", "head"]),
)
def test_join_view_arbitrary_tokens_never_error(client, token, language_prefix, method):
    from urllib.parse import quote

    response = getattr(client, method)(f"{language_prefix}/j/{quote(token, safe='')}/")

    assert response.status_code in (301, 302, 404)


def test_join_view_post_is_405_even_with_csrf_checks_on():
    from django.test import Client

    registration = RegistrationFactory(seminar=starting_in(30))

    response = Client(enforce_csrf_checks=True).post(join_path(registration))

    assert response.status_code == 405


def test_join_view_in_room_waitlist_says_come_to_the_venue(client):
    seminar = starting_in(30, format=Seminar.Format.HYBRID, capacity=5, online_capacity=5)
    registration = RegistrationFactory(
        seminar=seminar,
        attendance_mode=AttendanceMode.IN_PERSON,
        status=Registration.Status.WAITLISTED,
    )

    html = client.get(join_path(registration)).content.decode()

    assert "come to the venue" in html and "this link will then open the seminar" not in html
