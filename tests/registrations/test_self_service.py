"""The registrant's own page: reached only with the token, shows what they need, lets them update
or cancel, and promotes the waitlist when they give up a seat."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from registrations.models import Registration
from registrations.services import registration_create
from seminar.models import Seminar
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_data,
    registration_form_data,
    registration_post_data,
)

Status = Registration.Status
pytestmark = pytest.mark.django_db


def manage_url(registration: Registration, page: str = "manage") -> str:
    return reverse(f"registrations:{page}", kwargs={"token": registration.token})


def details_form(**overrides) -> dict:
    """The registrant's own page, with a new organisation and job title."""
    return registration_post_data(
        **{
            "organisation": "New Harbour Trading Ltd.",
            "job_title": "Managing Director",
            **overrides,
        }
    )


def test_manage_page_shows_status_details_and_join_information(client):
    seminar = SeminarFactory(join_url="https://webinar.example.com/j/room-77")
    registration = registration_create(seminar=seminar, data=registration_data())

    response = client.get(manage_url(registration))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Status: Confirmed" in page
    assert "CHAN Tai Man 陳大文" in page
    # The personal join link, never the meeting's address (join_links.py).
    assert f'href="/j/{registration.join_token}/"' in page
    assert "room-77" not in page
    assert "Passcode 424242" in page
    assert manage_url(registration, "calendar") in page
    assert response["Cache-Control"] == "private, no-store"


def test_manage_page_of_a_waitlisted_registration_gives_position_and_no_join_link(client):
    seminar = SeminarFactory(capacity=0, join_url="https://webinar.example.com/j/room-77")
    registration = registration_create(seminar=seminar, data=registration_data())

    page = client.get(manage_url(registration)).content.decode()

    assert "You are number 1 on the waitlist." in page
    assert "room-77" not in page
    assert "424242" not in page


def test_join_details_wait_until_the_configured_time_before_the_start(client):
    seminar = SeminarFactory(
        starts_at=timezone.now() + timedelta(days=3),
        join_url="https://webinar.example.com/j/room-77",
        join_details_hours_before=24,
    )
    registration = registration_create(seminar=seminar, data=registration_data())

    before = client.get(manage_url(registration)).content.decode()
    seminar.starts_at = timezone.now() + timedelta(hours=2)
    seminar.ends_at = seminar.starts_at + timedelta(hours=2)
    seminar.save()
    after = client.get(manage_url(registration)).content.decode()

    assert f"/j/{registration.join_token}/" not in before
    assert "The joining details appear here 24 hours before the start" in before
    assert f"/j/{registration.join_token}/" in after
    assert "room-77" not in after


@pytest.mark.parametrize(
    "make_url",
    [
        lambda token: f"/r/{'A' * 43}/",  # well-formed, unknown
        lambda token: f"/r/{token[:-1]}/",  # truncated
        lambda token: f"/r/{token}x/",  # too long
        lambda token: f"/r/{token[:20]}!{token[21:]}/",  # malformed
        lambda token: f"/r/{token.upper()}/",  # wrong case
        lambda token: f"/r/{'A' * 43}/cancel/",
        lambda token: f"/r/{'A' * 43}/edit/",
        lambda token: f"/r/{'A' * 43}/calendar.ics",
    ],
)
def test_wrong_or_malformed_tokens_give_404(client, make_url):
    registration = RegistrationFactory()

    response = client.get(make_url(registration.token))

    assert response.status_code == 404
    assert registration.email not in response.content.decode()


def test_registration_token_never_appears_on_public_pages(client):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())

    for url in ("/", seminar.get_absolute_url(), f"/seminars/{seminar.slug}/calendar.ics"):
        assert registration.token not in client.get(url).content.decode()


def test_update_details_saves_changes_and_keeps_status_and_consent(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    response = client.post(manage_url(registration, "edit"), details_form())

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.organisation == "New Harbour Trading Ltd."
    assert registration.job_title == "Managing Director"
    assert registration.status == Status.CONFIRMED
    assert registration.consent_version


def test_update_details_with_bad_input_shows_errors_and_keeps_input(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    response = client.post(
        manage_url(registration, "edit"), details_form(email="nope", organisation_size="")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == ["Enter a valid email address."]
    assert form.errors["organisation_size"] == ["Please tell us the size of your organisation."]
    assert 'value="New Harbour Trading Ltd."' in response.content.decode()
    registration.refresh_from_db()
    assert registration.organisation == "Harbour Trading Co. Ltd."


def test_update_email_to_another_case_of_the_same_address_is_allowed(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    client.post(manage_url(registration, "edit"), details_form(email="Tai.Man.Chan@example.com"))

    assert Registration.objects.get(pk=registration.pk).email == "Tai.Man.Chan@example.com"


def test_cancel_page_asks_first_and_a_get_never_cancels(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())

    response = client.get(manage_url(registration, "cancel"))

    assert "Yes, cancel my registration" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_cancel_frees_the_seat_for_the_first_waitlisted_who_is_emailed(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(capacity=1)
    registration = registration_create(seminar=seminar, data=registration_data())
    first = registration_create(seminar=seminar, data=registration_data(email="w1@example.com"))
    second = registration_create(seminar=seminar, data=registration_data(email="w2@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(registration, "cancel"))

    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=first.pk).status == Status.CONFIRMED
    assert Registration.objects.get(pk=second.pk).status == Status.WAITLISTED
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[registration.email].startswith("Registration cancelled")
    assert subjects["w1@example.com"].startswith("A seat is now yours")
    assert "w2@example.com" not in subjects
    assert (
        "This registration was cancelled." in client.get(manage_url(registration)).content.decode()
    )


def test_admin_cancel_and_capacity_increase_email_the_promoted(
    admin_client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(capacity=1)
    confirmed = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    registration_create(seminar=seminar, data=registration_data(email="b@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:registrations_registration_changelist"),
            # The confirmation page's POST: the action asks first (tests/organiser).
            {
                "action": "cancel_registrations",
                "_selected_action": [confirmed.pk],
                "confirm": "yes",
            },
        )

    assert [m.to[0] for m in mail.outbox if m.subject.startswith("A seat")] == ["b@example.com"]


def test_registrant_calendar_file_parses_and_carries_the_join_link(client):
    seminar = SeminarFactory(join_url="https://webinar.example.com/j/room-77")
    registration = registration_create(seminar=seminar, data=registration_data())

    response = client.get(manage_url(registration, "calendar"))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.get("location") == f"http://testserver-site/j/{registration.join_token}/"
    assert "room-77" not in response.content.decode()
    assert event.decoded("dtstart") == seminar.starts_at.replace(microsecond=0)


def test_resend_link_answers_the_same_way_and_emails_only_a_registered_address(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    url = reverse("registrations:resend", kwargs={"slug": seminar.slug})

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": " TAI.MAN.CHAN@example.com "}, follow=True)
        unknown = client.post(url, {"email": "stranger@example.com"}, follow=True)

    assert known.content == unknown.content
    assert [message.to for message in mail.outbox] == [[registration.email]]
    assert registration.token in mail.outbox[0].body


def test_registering_twice_sends_the_details_again(client, django_capture_on_commit_callbacks):
    seminar = SeminarFactory()
    registration = registration_create(seminar=seminar, data=registration_data())
    form = registration_form_data(email="tai.man.chan@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registrations:create", kwargs={"slug": seminar.slug}), form)

    assert Registration.objects.count() == 1
    (message,) = mail.outbox
    assert registration.token in message.body


def seminar_cancel(seminar: Seminar) -> None:
    """The organisers cancel the seminar (the admin saves its status)."""
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)


@pytest.fixture
def cancelled_registration() -> Registration:
    seminar = SeminarFactory(join_url="https://webinar.example.com/j/room-77")
    registration = registration_create(seminar=seminar, data=registration_data())
    seminar_cancel(seminar)
    return registration


def test_registrant_page_of_a_cancelled_seminar_says_so_with_no_join_details(
    client, cancelled_registration
):
    page = client.get(manage_url(cancelled_registration)).content.decode()

    assert "This seminar has been cancelled." in page
    assert "Your seat is confirmed." not in page
    assert "Join the seminar" not in page
    assert "How to join" not in page
    assert "room-77" not in page
    assert "424242" not in page
    assert manage_url(cancelled_registration, "cancel") not in page


def test_edit_page_of_a_cancelled_seminar_says_so_and_still_corrects_details(
    client, cancelled_registration
):
    page = client.get(manage_url(cancelled_registration, "edit")).content.decode()
    client.post(manage_url(cancelled_registration, "edit"), details_form())

    assert "This seminar has been cancelled." in page
    assert "room-77" not in page
    cancelled_registration.refresh_from_db()
    assert cancelled_registration.organisation == "New Harbour Trading Ltd."


def test_cancel_page_of_a_cancelled_seminar_says_so_and_offers_nothing_to_cancel(
    client, cancelled_registration
):
    page = client.get(manage_url(cancelled_registration, "cancel")).content.decode()
    client.post(manage_url(cancelled_registration, "cancel"))

    assert "This seminar has been cancelled." in page
    assert "Yes, cancel my registration" not in page
    assert Registration.objects.get(pk=cancelled_registration.pk).status == Status.CONFIRMED


def test_registrant_calendar_file_of_a_cancelled_seminar_is_marked_cancelled_without_join_link(
    client, cancelled_registration
):
    response = client.get(manage_url(cancelled_registration, "calendar"))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event.get("status")) == "CANCELLED"
    assert str(event.get("summary")).startswith("Cancelled: ")
    assert "This seminar has been cancelled." in str(event.get("description"))
    assert "room-77" not in response.content.decode()
    assert "424242" not in response.content.decode()


def test_public_calendar_file_of_a_cancelled_seminar_says_so_in_its_title(client):
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)

    response = client.get(reverse("registrations:seminar_calendar", kwargs={"slug": seminar.slug}))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event.get("summary")) == f"Cancelled: {seminar.title}"
    assert str(event.get("status")) == "CANCELLED"


def test_resend_page_of_a_cancelled_seminar_says_so_and_sends_nothing(
    client, cancelled_registration, django_capture_on_commit_callbacks
):
    url = reverse("registrations:resend", kwargs={"slug": cancelled_registration.seminar.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": cancelled_registration.email})

    assert "This seminar has been cancelled." in response.content.decode()
    assert 'name="email"' not in response.content.decode()
    assert mail.outbox == []
