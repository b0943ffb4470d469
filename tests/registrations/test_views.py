import re
import time
from datetime import timedelta

import pytest
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils import timezone

from registrations.forms import STARTED_SALT
from registrations.models import Registration
from registrations.services import registration_cancel
from seminar.models import Seminar
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    form_started,
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

    select = re.search(
        r'<select name="preferred_language".*?</select>', response.content.decode(), re.S
    )
    assert re.findall(r'<option value="([\w-]+)" selected>', select.group(0)) == ["zh-hans"]


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


def started_value(page: str) -> str:
    return re.search(r'name="started" value="([^"]+)"', page).group(1)


def test_register_sent_too_fast_asks_to_send_again_and_keeps_everything_typed(client):
    seminar = SeminarFactory()
    too_fast = form_data(started=form_started(seconds_ago=0))

    response = client.post(register_url(seminar), too_fast)

    page = response.content.decode()
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert "Please wait a moment, check your answers and send the form again." in page
    assert 'value="Lion Rock Design Studio Ltd."' in page
    assert 'value="ka.yan@example.com"' in page
    assert "黃嘉欣" in page
    assert 'name="register"' in page
    fresh = started_value(page)
    assert fresh != too_fast["started"]
    assert float(TimestampSigner(salt=STARTED_SALT).unsign(fresh)) > float(
        TimestampSigner(salt=STARTED_SALT).unsign(too_fast["started"])
    )


def test_register_sent_again_after_the_pause_registers(client, settings):
    seminar = SeminarFactory()
    first = client.post(register_url(seminar), form_data(started=form_started(seconds_ago=0)))
    settings.REGISTRATION_MIN_FILL_SECONDS = 0  # the pause has passed

    response = client.post(
        register_url(seminar), form_data(started=started_value(first.content.decode()))
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/register/done/")
    assert Registration.objects.get().email == "ka.yan@example.com"


def test_register_with_the_hidden_field_filled_is_answered_as_if_all_went_well(client):
    seminar = SeminarFactory()

    response = client.post(
        register_url(seminar),
        form_data(website="http://spam.example", started=form_started(seconds_ago=0)),
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/register/check-your-email/")
    assert not Registration.objects.exists()


def test_done_page_is_forgotten_ten_minutes_after_registering(client, monkeypatch):
    seminar = SeminarFactory()
    client.post(register_url(seminar), form_data())
    done_url = reverse("registrations:done", kwargs={"slug": seminar.slug})
    now = time.time()

    monkeypatch.setattr("registrations.views._now", lambda: now + 9 * 60)
    soon = client.get(done_url)
    monkeypatch.setattr("registrations.views._now", lambda: now + 11 * 60)
    later = client.get(done_url)
    monkeypatch.setattr("registrations.views._now", lambda: now)
    back_in_time = client.get(done_url)

    token = Registration.objects.get().token
    assert soon.status_code == 200
    assert token in soon.content.decode()
    assert later.status_code == 302
    assert later["Location"] == seminar.get_absolute_url()
    assert back_in_time.status_code == 302  # forgotten, not merely hidden
    assert client.cookies[f"registered-{seminar.pk}"].value == ""


def test_registering_writes_no_session_and_the_done_page_needs_the_signed_cookie(client):
    from django.contrib.sessions.models import Session

    seminar, other = SeminarFactory(), SeminarFactory()
    response = client.post(register_url(seminar), form_data())
    done_url = reverse("registrations:done", kwargs={"slug": seminar.slug})
    cookie = client.cookies[f"registered-{seminar.pk}"]
    registration = Registration.objects.get()

    assert response["Location"] == done_url
    assert not Session.objects.exists()
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert registration.token in client.get(done_url).content.decode()
    # Another seminar's done page does not take this seminar's cookie, nor an edited one.
    client.cookies[f"registered-{other.pk}"] = cookie.value
    other_done = reverse("registrations:done", kwargs={"slug": other.slug})
    assert client.get(other_done).status_code == 302
    pk, rest = cookie.value.split(":", 1)
    client.cookies[f"registered-{seminar.pk}"] = f"{int(pk) + 1}:{rest}"
    assert client.get(done_url).status_code == 302


def test_done_page_and_the_redirect_to_it_are_never_kept_by_a_cache(client):
    seminar = SeminarFactory()
    response = client.post(register_url(seminar), form_data())
    done = client.get(response["Location"])

    for answer in (response, done):
        assert "private" in answer["Cache-Control"]
        assert "no-store" in answer["Cache-Control"]


def test_done_page_of_a_registration_cancelled_since_shows_its_private_page(client):
    seminar = SeminarFactory()
    client.post(register_url(seminar), form_data())
    registration = Registration.objects.get()
    registration_cancel(registration=registration)
    done_url = reverse("registrations:done", kwargs={"slug": seminar.slug})

    response = client.get(done_url)

    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert "Cancelled" in client.get(response["Location"]).content.decode()


def test_register_after_the_window_closed_while_the_form_was_open_says_so_once(client):
    seminar = SeminarFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))

    response = client.post(register_url(seminar), form_data())

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Registration for this seminar has closed.") == 1
    assert page.count("Registration is closed.") == 0
    assert 'name="register"' not in page  # no button that cannot work
    assert 'value="ka.yan@example.com"' in page
    assert not Registration.objects.exists()


def test_register_when_the_seminar_filled_while_the_form_was_open_says_so_once(client):
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(seminar=seminar)

    page = client.post(register_url(seminar), form_data()).content.decode()

    assert page.count("Sorry, this seminar is full and is not taking a waitlist.") == 1
    assert page.count("This seminar is full.") == 0
    assert 'name="register"' not in page


def test_register_page_of_a_cancelled_seminar_says_so_once_and_has_no_form(client):
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)

    page = client.get(register_url(seminar)).content.decode()

    assert page.count("This seminar has been cancelled.") == 1
    assert 'name="email"' not in page


def test_register_form_sent_after_the_seminar_was_cancelled_says_so_once(client):
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)

    page = client.post(register_url(seminar), form_data()).content.decode()

    assert page.count("This seminar has been cancelled.") == 1
    assert "not taking registrations" not in page
    assert 'name="register"' not in page
    assert not Registration.objects.exists()


def test_done_page_after_the_seminar_was_cancelled_does_not_confirm_the_seat(client):
    seminar = SeminarFactory(join_url="https://webinar.example.com/j/room-77")
    client.post(register_url(seminar), form_data())
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    page = client.get(reverse("registrations:done", kwargs={"slug": seminar.slug})).content.decode()

    assert "This seminar has been cancelled." in page
    assert "is confirmed" not in page
    assert "You are registered" not in page


def _statement(sql: str) -> str:
    """ "INSERT registrations_notification", "SELECT ... FOR UPDATE seminar_seminar": what a
    statement does to which table, without its columns and values."""
    verb = sql.split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    lock = " FOR UPDATE" if sql.rstrip().endswith("FOR UPDATE") else ""
    return f"{verb}{lock} {table.group(1)}" if table else verb


@pytest.mark.django_db(transaction=True)  # real transactions, as in production
def test_the_registration_post_makes_no_more_statements_than_these(
    client, django_assert_max_num_queries, settings
):
    """The booking path's round trips, named: a new one here is a cost every sign-up pays.
    (The email's task is only recorded here; what sending costs is the outbox tests' concern.)"""
    from django.db import connection

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    from registrations.webhooks import webhooks_any_active

    seminar = SeminarFactory(capacity=10)
    client.get(register_url(seminar))
    webhooks_any_active()  # cached in a running server (see registrations/webhooks.py)

    with django_assert_max_num_queries(20) as captured:
        response = client.post(register_url(seminar), form_data())

    assert response.status_code == 302
    statements = [_statement(query["sql"]) for query in captured.captured_queries]
    booking = [
        "UPDATE seminar_seminar",  # the seat counter
        "INSERT registrations_registration",
        "INSERT registrations_notification",  # the outbox row of the confirmation email
        "INSERT registrations_auditentry",
    ]
    # SQLite ignores FOR UPDATE: its writers queue at BEGIN IMMEDIATE instead.
    lock = "SELECT FOR UPDATE" if connection.vendor == "postgresql" else "SELECT"
    assert statements == [
        "SELECT seminar_seminar",  # the page's seminar
        "SELECT registrations_question",  # its questions (none here)
        "BEGIN",
        f"{lock} seminar_seminar",  # the seminar's row, locked: seats are counted on it
        *booking,
        "COMMIT",
    ], statements
