"""The unsubscribe link in news emails: asks on GET, acts on POST (or on a mail client's RFC 8058
one-click POST), stops news to the address everywhere, once, and cannot be forged."""

from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import AuditEntry, Registration
from registrations.unsubscribe import (
    UNSUBSCRIBE_SALT,
    news_unsubscribe,
    unsubscribe_token_make,
    unsubscribe_token_read,
)
from tests.factories import RegistrationFactory, SeminarFactory
from tests.hypothesis_budget import examples

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def link(registration: Registration, language: str = "en") -> str:
    with translation.override(language):
        return reverse(
            "registrations:unsubscribe",
            kwargs={"token": unsubscribe_token_make(registration=registration)},
        )


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def keen():
    """Someone who wants news, registered for two seminars, once with the address in capitals."""
    first = RegistrationFactory(email="keen@example.com", news_opt_in=True)
    RegistrationFactory(email="KEEN@Example.com", news_opt_in=True)
    return first


def opted_in(email: str) -> list[bool]:
    return list(
        Registration.objects.filter(email__iexact=email).values_list("news_opt_in", flat=True)
    )


def test_opening_the_link_asks_and_changes_nothing(client, keen):
    response = client.get(link(keen))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop sending news of future events to k•••@example.com?" in page
    assert 'method="post"' in page
    assert "keen@example.com" not in page
    assert response["Cache-Control"] == "private, no-store"
    assert opted_in("keen@example.com") == [True, True]


def test_the_button_stops_news_to_the_address_for_every_registration(client, keen):
    other = RegistrationFactory(email="other@example.com", news_opt_in=True)

    response = client.post(link(keen))

    assert response.status_code == 200
    assert "Done: k•••@example.com gets no more news from us." in response.content.decode()
    assert opted_in("keen@example.com") == [False, False]
    assert opted_in(other.email) == [True]


def test_unsubscribing_twice_is_the_same_and_logged_once(client, keen):
    client.post(link(keen))
    again = client.post(link(keen))
    page = client.get(link(keen))

    assert again.status_code == page.status_code == 200
    assert "Done:" in again.content.decode()
    assert "Done:" in page.content.decode()
    assert 'method="post"' not in page.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNSUBSCRIBED)
    assert (entry.registration, entry.details) == (keen, {"registrations": 2})


def test_a_mail_clients_one_click_post_needs_no_csrf_token(csrf_client, keen):
    response = csrf_client.post(link(keen), ONE_CLICK)

    assert response.status_code == 200
    assert opted_in("keen@example.com") == [False, False]


def test_any_other_post_without_a_csrf_token_is_refused(csrf_client, keen):
    response = csrf_client.post(link(keen), {"List-Unsubscribe": "Something-Else"})

    assert response.status_code == 403
    assert opted_in("keen@example.com") == [True, True]


def test_the_page_posts_back_with_its_csrf_token(csrf_client, keen):
    page = csrf_client.get(link(keen))
    token = page.context["csrf_token"]

    response = csrf_client.post(link(keen), {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 200
    assert opted_in("keen@example.com") == [False, False]


def test_the_page_speaks_the_links_language(client, keen):
    response = client.get(link(keen, "zh-hant"))

    assert response.status_code == 200
    assert '<html lang="zh-Hant-HK">' in response.content.decode()


FORGED = {
    "garbled": lambda registration: "not-a-token",
    # Signed by us, but for another link (the email-change confirmation).
    "another link's signature": lambda registration: signing.dumps(
        registration.pk, salt="registrations.email-change"
    ),
    "forged signature": lambda registration: "MQ:1t2J9x:forged-signature-forged-signature-forged",
}


@pytest.mark.parametrize("kind", FORGED)
def test_a_forged_or_garbled_link_gets_a_clear_404_and_changes_nothing(client, keen, kind):
    url = reverse("registrations:unsubscribe", kwargs={"token": FORGED[kind](keen)})

    for response in (client.get(url), client.post(url), client.post(url, ONE_CLICK)):
        assert response.status_code == 404
        assert "This unsubscribe link does not work" in response.content.decode()
    assert opted_in("keen@example.com") == [True, True]


def test_a_link_is_not_made_from_the_id_alone():
    registration = RegistrationFactory()

    assert unsubscribe_token_read(str(registration.pk)) is None
    assert unsubscribe_token_read(signing.dumps(registration.pk)) is None  # no salt
    assert unsubscribe_token_read(signing.dumps(registration.pk, salt=UNSUBSCRIBE_SALT)) == (
        registration.pk
    )
    assert registration.token not in unsubscribe_token_make(registration=registration)


def test_a_link_whose_registrant_was_anonymised_changes_nothing(client, keen):
    url = link(keen)
    Registration.objects.filter(pk=keen.pk).update(anonymised_at=keen.created_at)

    assert client.post(url).status_code == 404


def test_the_page_is_rate_limited_like_other_private_pages(client, keen, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "manage": (3, 600)}

    statuses = [client.get(link(keen)).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_service_is_idempotent():
    registration = RegistrationFactory(news_opt_in=True, seminar=SeminarFactory())

    assert news_unsubscribe(registration=registration) == 1
    assert news_unsubscribe(registration=registration) == 0


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(st.text(min_size=1, max_size=120))
def test_any_token_is_a_page_never_a_server_error(token):
    client = Client(raise_request_exception=False)
    url = f"/unsubscribe/{quote(token, safe='')}/"

    for response in (client.get(url), client.post(url, ONE_CLICK)):
        assert response.status_code in (404, 400, 403)


def test_rotating_the_secret_key_keeps_links_sent_under_the_old_one(settings):
    # SECRET_KEY_FALLBACKS, read from the environment, is what makes a key rotation safe.
    registration = RegistrationFactory()
    settings.SECRET_KEY = "old-" + "k" * 50
    sent = unsubscribe_token_make(registration=registration)
    settings.SECRET_KEY = "new-" + "k" * 50
    assert unsubscribe_token_read(sent) is None
    settings.SECRET_KEY_FALLBACKS = ["old-" + "k" * 50]
    assert unsubscribe_token_read(sent) == registration.pk
