""" "Tell me when registration opens": the form on the seminar page, one alert per address, one
email each when registration opens (in its language, then the address is deleted), retries
after a failed send, and the clean-up after the seminar."""

import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import OpeningAlert
from registrations.opening_alert_views import CONSENT_REQUIRED
from registrations.opening_alerts import (
    MAX_ATTEMPTS,
    RegistrationAlreadyOpen,
    opening_alert_request,
    opening_alerts_count,
    opening_alerts_deliver,
    opening_alerts_schedule,
)
from registrations.privacy import personal_data_purge
from seminar.models import Seminar
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    """Published, registration opening in two days."""
    return SeminarFactory(
        title_en="IP Licensing Clinic",
        title_zh_hant="知識產權授權診所",
        title_zh_hans="知识产权授权诊所",
        registration_opens_at=timezone.now() + timedelta(days=2),
    )


def alert_url(seminar, prefix: str = "") -> str:
    return prefix + reverse("registrations:opening_alert", kwargs={"slug": seminar.slug})


def ask(client, seminar, **overrides):
    data = {"email": "mei.ling@example.com", "language": "en", "consent": "on", **overrides}
    return client.post(alert_url(seminar), {k: v for k, v in data.items() if v is not None})


def registration_opens(seminar: Seminar) -> None:
    Seminar.objects.filter(pk=seminar.pk).update(
        registration_opens_at=timezone.now() - timedelta(minutes=1)
    )
    seminar.refresh_from_db()


# --- The form ----------------------------------------------------------------------------------


def test_seminar_page_before_opening_offers_the_form_in_the_pages_language(client, seminar):
    page = client.get(f"/zh-hant/seminars/{seminar.slug}/").content.decode()

    assert f'action="/zh-hant/seminars/{seminar.slug}/opening-alert/"' in page
    assert '<option value="zh-hant" lang="zh-hant" selected>' in page
    assert 'name="consent"' in page
    assert "checked" not in page  # consent is never ticked for the visitor
    assert "刪除" in page  # the promise to delete the address, in the page's language


def test_seminar_page_once_registration_is_open_has_no_alert_form(client):
    page = client.get(SeminarFactory().get_absolute_url()).content.decode()

    assert "opening-alert" not in page


def test_asking_keeps_one_alert_and_says_thank_you(client, seminar):
    response = ask(client, seminar, email=" Mei.Ling@Example.COM ", language="zh-hans")

    assert response.status_code == 302
    assert response["Location"] == f"/seminars/{seminar.slug}/opening-alert/thanks/"
    alert = OpeningAlert.objects.get()
    assert (alert.seminar, alert.email, alert.language) == (
        seminar,
        "Mei.Ling@example.com",
        "zh-hans",
    )
    assert alert.consent_at is not None
    thanks = client.get(response["Location"]).content.decode()
    assert "We will email you once when registration for IP Licensing Clinic opens" in thanks


def test_asking_twice_keeps_one_alert_and_answers_alike(client, seminar):
    first = ask(client, seminar, email="mei.ling@example.com", language="en")
    second = ask(client, seminar, email="MEI.LING@example.com", language="zh-hant")

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    alert = OpeningAlert.objects.get()
    assert alert.language == "zh-hant"  # the language asked for last
    thanks = client.get(second["Location"]).content.decode()
    assert "keeps one request, in the language chosen last" in thanks
    assert "changes nothing" not in thanks


def test_consent_is_required_and_what_was_typed_is_kept(client, seminar):
    response = ask(client, seminar, consent=None, language="zh-hans")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["alert_form"].errors == {"consent": [str(CONSENT_REQUIRED)]}
    assert f'<div class="invalid-feedback" id="alert-consent-error">{CONSENT_REQUIRED}' in page
    assert 'value="mei.ling@example.com"' in page
    assert '<option value="zh-hans" lang="zh-hans" selected>' in page
    assert not OpeningAlert.objects.exists()


def test_a_bad_address_is_refused_next_to_its_field(client, seminar):
    response = ask(client, seminar, email="mei.ling@")

    page = response.content.decode()
    assert set(response.context["alert_form"].errors) == {"email"}
    assert 'id="alert-email-error"' in page
    assert 'aria-invalid="true" aria-describedby="alert-email-error"' in page
    assert ' checked aria-describedby="opening-alert-promise"' in page  # consent still ticked
    assert not OpeningAlert.objects.exists()


def test_the_form_works_from_the_cached_seminar_page_without_a_csrf_token(seminar):
    # The seminar page is shared by every visitor for a moment, so its form has no token.
    response = ask(Client(enforce_csrf_checks=True), seminar)

    assert response.status_code == 302
    assert OpeningAlert.objects.count() == 1


def test_another_site_cannot_make_its_visitors_ask(client, seminar):
    response = client.post(
        alert_url(seminar),
        {"email": "victim@example.com", "language": "en", "consent": "on"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 403
    assert not OpeningAlert.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site"},  # another host under the same domain
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
    ],
)
def test_a_post_from_any_other_origin_is_refused(client, seminar, headers):
    response = client.post(
        alert_url(seminar),
        {"email": "victim@example.com", "language": "en", "consent": "on"},
        headers=headers,
    )

    assert response.status_code == 403
    assert not OpeningAlert.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},  # the host asked for
        {"Origin": "SITE_URL"},  # the configured address, e.g. behind a proxy
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked
        {},  # a client that says nothing
    ],
)
def test_a_post_from_our_own_pages_is_taken(client, seminar, settings, headers):
    headers = {
        name: settings.SITE_URL if value == "SITE_URL" else value for name, value in headers.items()
    }

    response = client.post(
        alert_url(seminar),
        {"email": "mei.ling@example.com", "language": "en", "consent": "on"},
        headers=headers,
    )

    assert response.status_code == 302
    assert OpeningAlert.objects.count() == 1


def test_a_link_from_another_site_still_opens_the_page(client, seminar):
    response = client.get(alert_url(seminar), headers={"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 200


def test_asking_is_rate_limited_per_address(client, seminar, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "opening_alert": (3, 600)}

    statuses = [ask(client, seminar, email=f"person{n}@example.com").status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert OpeningAlert.objects.count() == 3


def test_once_registration_has_opened_the_page_says_register_now(client, seminar):
    registration_opens(seminar)

    response = ask(client, seminar)

    page = response.content.decode()
    assert response.status_code == 200
    assert str(RegistrationAlreadyOpen.message) in page
    assert f'href="/seminars/{seminar.slug}/register/"' in page
    assert not OpeningAlert.objects.exists()


def test_a_cancelled_seminar_takes_no_alert(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)
    seminar.refresh_from_db()

    with pytest.raises(Exception, match="not taking registrations"):
        opening_alert_request(seminar=seminar, email="a@example.com", language="en")

    assert not OpeningAlert.objects.exists()


# --- Sending ----------------------------------------------------------------------------------


def alerts_for(seminar, languages: dict[str, str]) -> None:
    for email, language in languages.items():
        opening_alert_request(seminar=seminar, email=email, language=language)


def test_nothing_is_sent_before_registration_opens(seminar):
    alerts_for(seminar, {"early@example.com": "en"})

    assert opening_alerts_schedule() == 0
    assert opening_alerts_deliver(seminar=seminar) == 0

    assert mail.outbox == []
    assert OpeningAlert.objects.count() == 1


def test_each_address_gets_one_email_in_its_language_and_is_then_deleted(seminar):
    alerts_for(
        seminar,
        {"en@example.com": "en", "hant@example.com": "zh-hant", "hans@example.com": "zh-hans"},
    )
    registration_opens(seminar)

    call_command("scheduler")  # queues the sending; tests run tasks at once
    call_command("scheduler")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 3
    assert by_address["en@example.com"].subject == "Registration is open: IP Licensing Clinic"
    assert by_address["hant@example.com"].subject == "報名已開始：知識產權授權診所"
    assert by_address["hans@example.com"].subject == "报名已开始：知识产权授权诊所"
    hant = by_address["hant@example.com"]
    assert f"http://testserver-site/zh-hant/seminars/{seminar.slug}/register/" in hant.body
    html, _mimetype = hant.alternatives[0]
    assert '<html lang="zh-hant">' in html
    assert "刪除" in hant.body  # the address is gone, as promised
    assert not OpeningAlert.objects.exists()


def test_an_alert_delivered_twice_sends_one_email(seminar):
    alerts_for(seminar, {"once@example.com": "en"})
    registration_opens(seminar)

    sent = opening_alerts_deliver(seminar=seminar) + opening_alerts_deliver(seminar=seminar)

    assert sent == 1
    assert len(mail.outbox) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler(Sink):
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def smtp_configure(settings) -> int:
    """Send through SMTP to a local port where nothing listens yet; returns the port."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def smtp_port(settings):
    return smtp_configure(settings)


def test_a_failed_send_keeps_the_alert_for_a_later_retry(seminar, smtp_port):
    alerts_for(seminar, {"retry@example.com": "en"})
    registration_opens(seminar)
    now = timezone.now()

    down = opening_alerts_deliver(seminar=seminar, now=now)  # nothing listens on the port
    alert = OpeningAlert.objects.get()
    too_soon = opening_alerts_deliver(seminar=seminar, now=now + timedelta(seconds=30))
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        later = opening_alerts_deliver(seminar=seminar, now=now + timedelta(minutes=1))
    finally:
        controller.stop()

    assert (down, too_soon, later) == (0, 0, 1)
    assert alert.attempts == 1
    assert "ConnectionRefusedError" in alert.last_error
    assert [envelope.rcpt_tos for envelope in handler.envelopes] == [["retry@example.com"]]
    assert not OpeningAlert.objects.exists()


def test_organisers_see_waiting_and_failed_alerts(seminar):
    alerts_for(seminar, {"a@example.com": "en", "b@example.com": "en"})
    OpeningAlert.objects.filter(email="b@example.com").update(
        attempts=1, sending_since=timezone.now(), last_error="SMTPRecipientsRefused"
    )

    counts = opening_alerts_count(seminar=seminar)

    assert (counts.waiting, counts.failed) == (2, 1)


def test_an_alert_claimed_by_a_worker_that_died_is_sent_after_the_timeout(seminar):
    alerts_for(seminar, {"stuck@example.com": "en"})
    registration_opens(seminar)
    claimed_at = timezone.now() - timedelta(minutes=3)
    OpeningAlert.objects.update(attempts=1, sending_since=claimed_at)

    # Claimed three minutes ago with no error: a worker may still be sending it.
    assert opening_alerts_deliver(seminar=seminar) == 0
    assert opening_alerts_deliver(seminar=seminar, now=claimed_at + timedelta(minutes=11)) == 1
    assert len(mail.outbox) == 1


def test_an_alert_that_kept_failing_is_left_alone(seminar):
    alerts_for(seminar, {"bounce@example.com": "en"})
    registration_opens(seminar)
    OpeningAlert.objects.update(
        attempts=MAX_ATTEMPTS,
        sending_since=timezone.now() - timedelta(days=1),
        last_error="SMTPRecipientsRefused",
    )

    assert opening_alerts_schedule() == 0
    assert opening_alerts_deliver(seminar=seminar) == 0
    assert OpeningAlert.objects.count() == 1


def test_no_email_goes_out_for_a_seminar_cancelled_before_it_opens(seminar):
    alerts_for(seminar, {"a@example.com": "en"})
    Seminar.objects.filter(pk=seminar.pk).update(
        status=Seminar.Status.CANCELLED, registration_opens_at=timezone.now()
    )
    seminar.refresh_from_db()

    assert opening_alerts_schedule() == 0
    assert opening_alerts_deliver(seminar=seminar) == 0
    assert mail.outbox == []


# --- Clean-up ---------------------------------------------------------------------------------


def test_alerts_are_deleted_with_personal_data_once_their_seminar_has_ended(seminar):
    alerts_for(seminar, {"waiting@example.com": "en"})
    ended = SeminarFactory(
        starts_at=timezone.now() - timedelta(days=2),
        registration_opens_at=timezone.now() + timedelta(days=1),
    )
    OpeningAlert.objects.create(
        seminar=ended, email="never-opened@example.com", consent_at=timezone.now()
    )

    report = personal_data_purge()

    assert report.opening_alerts == 1
    assert list(OpeningAlert.objects.values_list("email", flat=True)) == ["waiting@example.com"]


def test_the_thank_you_page_is_in_the_visitors_language(client, seminar):
    with translation.override("zh-hans"):
        url = reverse("registrations:opening_alert_thanks", kwargs={"slug": seminar.slug})

    page = client.get(url).content.decode()

    assert url.startswith("/zh-hans/")
    assert "知识产权授权诊所" in page


# --- How a mistake reads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected", "doubled"),
    [
        ("", "Keep my email address to write to me once when registration opens: Please", ".:"),
        ("/zh-hant", "在報名開始時通知我一次：請剔選方格", "。："),
        ("/zh-hans", "在报名开始时通知我一次：请勾选方框", "。："),
    ],
)
def test_the_missing_consent_reads_without_doubled_punctuation(
    client, seminar, prefix, expected, doubled
):
    response = client.post(
        alert_url(seminar, prefix), {"email": "mei.ling@example.com", "language": "en"}
    )

    summary = response.content.decode().split('id="form-errors"')[1].split("</div>")[0]
    words = re.sub(r"<[^>]+>", "", summary)
    assert expected in words
    assert doubled not in words


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "Enter an email address such as name@example.com."),
        ("/zh-hant", "請輸入電郵地址，例如 name@example.com。"),
        ("/zh-hans", "请输入电子邮件地址，例如 name@example.com。"),
    ],
)
def test_a_bad_address_is_refused_in_our_words_in_each_language(client, seminar, prefix, expected):
    response = client.post(
        alert_url(seminar, prefix), {"email": "mei.ling@", "language": "en", "consent": "on"}
    )

    page = response.content.decode()
    assert f'<div class="invalid-feedback" id="alert-email-error">{expected}</div>' in page
    assert "Email 地址" not in page
