import re
from datetime import timedelta

import pytest
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils import timezone

from registrations.forms import STARTED_SALT
from registrations.models import Registration
from seminar.models import Seminar
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_form_data,
)

pytestmark = pytest.mark.django_db


def register_url(seminar: Seminar) -> str:
    return reverse("registrations:create", kwargs={"slug": seminar.slug})


def form_data(**overrides) -> dict:
    return registration_form_data(
        **{
            "salutation": "ms",
            "name_en": "WONG Ka Yan",
            "name_zh": "黃嘉欣",
            "email": "ka.yan@example.com",
            "organisation": "Lion Rock Design Studio Ltd.",
            "preferred_language": "zh-hant",
            **overrides,
        }
    )


def test_register_form_shows_the_collection_statement_in_full(client):
    seminar = SeminarFactory()

    page = client.get(register_url(seminar)).content.decode()

    assert "Personal Data (Privacy) Ordinance" in page
    assert 'name="consent"' in page
    assert 'name="news_opt_in"' in page
    assert "checked" not in page  # neither consent nor news opt-in comes pre-ticked
    assert page.count('name="csrfmiddlewaretoken"') == 1


def test_register_creates_confirmed_registration_and_lands_on_confirmation(client):
    seminar = SeminarFactory(capacity=10)

    response = client.post(register_url(seminar), form_data(), follow=True)

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.display_name == "WONG Ka Yan 黃嘉欣"
    assert registration.preferred_language == "zh-hant"
    assert registration.news_opt_in is False
    assert response.redirect_chain == [
        (reverse("registrations:done", kwargs={"slug": seminar.slug}), 302)
    ]
    assert "Your seat at" in response.content.decode()
    assert "is confirmed" in response.content.decode()


def test_register_when_full_lands_on_waitlist_page_with_position(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)

    response = client.post(register_url(seminar), form_data(), follow=True)

    assert Registration.objects.get(email="ka.yan@example.com").status == "waitlisted"
    assert "you are number 2 on the waitlist" in response.content.decode()


def test_register_keeps_tracking_parameters_from_the_landing_url(client):
    seminar = SeminarFactory()
    page = client.get(register_url(seminar) + "?utm_source=newsletter&utm_campaign=aug&ref=fhki")
    assert 'value="newsletter"' in page.content.decode()

    client.post(
        register_url(seminar),
        form_data(utm_source="newsletter", utm_campaign="aug", ref="fhki"),
    )

    registration = Registration.objects.get()
    assert (registration.utm_source, registration.utm_campaign, registration.ref) == (
        "newsletter",
        "aug",
        "fhki",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "call me", "Enter a phone number using digits"),
        ("consent", "", "Please confirm you agree to the collection statement"),
        ("organisation_size", "", "Please tell us the size of your organisation."),
        ("region", "atlantis", "Select a valid choice."),
    ],
)
def test_register_with_bad_input_shows_the_message_by_the_field_and_keeps_input(
    client, field, value, message
):
    seminar = SeminarFactory()
    data = form_data(**{field: value})
    if not value:
        data.pop(field)

    response = client.post(register_url(seminar), data)

    assert response.status_code == 200
    assert not Registration.objects.exists()
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    assert f'id="id_{field}"' in page
    assert "is-invalid" in page
    assert 'value="Lion Rock Design Studio Ltd."' in page
    assert "黃嘉欣" in page


def test_register_a_second_time_with_the_same_email_reveals_nothing_and_saves_nothing(client):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="ka.yan@example.com")

    response = client.post(
        register_url(seminar), form_data(email="KA.YAN@example.com"), follow=True
    )

    assert Registration.objects.count() == 1
    assert "If this address is registered for the seminar" in response.content.decode()


def test_register_after_closing_shows_the_reason_and_no_form(client):
    seminar = SeminarFactory(registration_closes_at=timezone.now() - timedelta(minutes=5))

    page = client.get(register_url(seminar)).content.decode()

    assert "Registration is closed." in page
    assert 'name="email"' not in page


def test_register_when_seminar_filled_while_form_was_open_keeps_input(client):
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    response = client.post(register_url(seminar), form_data())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, this seminar is full and is not taking a waitlist." in page
    assert 'value="ka.yan@example.com"' in page
    assert Registration.objects.count() == 1


def test_register_page_of_a_draft_is_not_found(client):
    seminar = SeminarFactory(status=Seminar.Status.DRAFT)

    assert client.get(register_url(seminar)).status_code == 404
    assert client.post(register_url(seminar), form_data()).status_code == 404


def test_done_page_without_a_registration_in_the_session_goes_back_to_the_seminar(client):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar)

    response = client.get(reverse("registrations:done", kwargs={"slug": seminar.slug}))

    assert response.status_code == 302
    assert response["Location"] == seminar.get_absolute_url()


def test_register_in_chinese_defaults_preferred_language_to_the_page_language(client):
    seminar = SeminarFactory()

    response = client.get(f"/zh-hans/seminars/{seminar.slug}/register/")

    assert response.context["form"]["preferred_language"].value() == "zh-hans"


def test_register_page_gives_each_visitor_their_own_signed_start_time(client):
    seminar = SeminarFactory()
    first = client.get(register_url(seminar)).content.decode()
    second = client.get(register_url(seminar)).content.decode()

    started = [
        re.search(r'name="started" value="([^"]+)"', page).group(1) for page in (first, second)
    ]

    assert started[0] != started[1]
    for value in started:
        TimestampSigner(salt=STARTED_SALT).unsign(value)
    assert first.replace(started[0], "") == second.replace(started[1], "").replace(
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second).group(1),
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first).group(1),
    )
