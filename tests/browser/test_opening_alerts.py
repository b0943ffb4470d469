""" "Tell me when registration opens" in a real browser: the form on the seminar page, its error
and thank-you steps axe-clean in three languages, on a 360 px phone, and with the keyboard alone.
The email it leads to is scanned too."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import OpeningAlert
from registrations.opening_alerts import opening_alerts_deliver
from seminar.models import Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_seminar() -> Seminar:
    return SeminarFactory(
        title_en="IP Licensing Clinic for SMEs",
        title_zh_hant="中小企知識產權授權診所",
        title_zh_hans="中小企业知识产权许可诊所",
        registration_opens_at=timezone.now() + timedelta(days=14),
        enquiries_name_en="Seminar Secretariat",
        enquiries_name_zh_hant="研討會秘書處",
        enquiries_name_zh_hans="研讨会秘书处",
        enquiries_email="ip-seminar@example.gov.hk",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_its_errors_and_the_thank_you_step_pass_axe(page, live_server, language):
    seminar = waiting_seminar()
    base = live_server.url + PREFIX[language]
    findings = {}

    def scan(name: str, target=page) -> None:
        findings[name] = serious_violations(target)
        screenshot(target, f"opening-alert-{language}-{name}")

    page.goto(f"{base}/seminars/{seminar.slug}/")
    assert page.locator("#alert-language").input_value() == language
    scan("seminar-page")
    page.fill("#alert-email", "not-an-address")
    page.click(".opening-alert-form [type=submit]")
    page.wait_for_selector("#form-errors")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#alert-email").input_value() == "not-an-address"
    scan("errors")
    page.fill("#alert-email", f"early-{language}@example.com")
    page.check("#alert-consent")
    page.click(".opening-alert-form [type=submit]")
    page.wait_for_url("**/opening-alert/thanks/")
    scan("thanks")
    # The one email, once registration opens, read in a browser as a mail client would show it.
    Seminar.objects.filter(pk=seminar.pk).update(registration_opens_at=timezone.now())
    seminar.refresh_from_db()
    opening_alerts_deliver(seminar=seminar)
    (message,) = mail.outbox
    html, _mimetype = message.alternatives[0]
    # Emails are read in a mail client, not under the site's Content Security Policy.
    email_page = page.context.new_page()
    email_page.set_content(html)
    scan("email", email_page)
    email_page.close()

    assert OpeningAlert.objects.count() == 0
    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_fits_a_360px_phone(browser, live_server, language):
    seminar = waiting_seminar()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    widths = {}

    for name, path in [
        ("seminar", f"/seminars/{seminar.slug}/"),
        ("form", f"/seminars/{seminar.slug}/opening-alert/"),
        ("thanks", f"/seminars/{seminar.slug}/opening-alert/thanks/"),
    ]:
        phone.goto(live_server.url + PREFIX[language] + path)
        widths[name] = phone.evaluate("document.documentElement.scrollWidth")
        screenshot(phone, f"opening-alert-phone-{language}-{name}")
    context.close()

    assert widths == {"seminar": 360, "form": 360, "thanks": 360}


def test_the_form_works_with_the_keyboard_alone(page, live_server):
    seminar = waiting_seminar()
    page.goto(f"{live_server.url}/zh-hant/seminars/{seminar.slug}/")

    while page.evaluate("document.activeElement.id") != "alert-email":
        page.keyboard.press("Tab")
    page.keyboard.type("keyboard@example.com")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "alert-language"
    page.keyboard.type("English")  # typing an option's name chooses it
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "alert-consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url("**/zh-hant/seminars/*/opening-alert/thanks/")
    alert = OpeningAlert.objects.get()
    assert (alert.email, alert.language) == ("keyboard@example.com", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_organisers_digest_email_passes_axe(page, language):
    from django.contrib.auth import get_user_model

    from registrations.digest import digest_figures, digest_message, digest_subscribe
    from tests.factories import RegistrationFactory

    seminar = SeminarFactory(format="hybrid", capacity=40, online_capacity=300)
    RegistrationFactory.create_batch(3, seminar=seminar)
    organiser = get_user_model().objects.create_user(
        "organiser", email="organiser@example.gov.hk", is_staff=True
    )
    subscription = digest_subscribe(user=organiser, seminar=seminar, language=language)
    figures = digest_figures(
        seminar=seminar, since=timezone.now() - timedelta(days=1), until=timezone.now()
    )

    html, _mimetype = digest_message(subscription=subscription, figures=figures).alternatives[0]
    email_page = page.context.new_page()
    email_page.set_content(html)
    screenshot(email_page, f"digest-email-{language}")

    assert serious_violations(email_page) == []
