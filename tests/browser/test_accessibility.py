"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical problem on any public
page or email in any language; the form works with the keyboard alone and on a 360 px phone."""

import re

import pytest
from django.core import mail

from registrations.demo import demo_load
from registrations.models import Registration
from tests.browser.conftest import (
    LANGUAGES,
    PREFIX,
    demo_question_ids,
    demo_questions_answer,
    readme_screenshot,
    screenshot,
    serious_violations,
)

pytestmark = pytest.mark.django_db(transaction=True)


def upcoming_slug() -> str:
    demo_load(password="demo-pass-123")
    return Registration.objects.filter(source="web").first().seminar.slug


def fill_registration_form(page, email: str, slug: str) -> None:
    page.fill("#id_name_en", "CHAN Tai Man")
    page.fill("#id_name_zh", "陳大文")
    page.fill("#id_email", email)
    page.fill("#id_organisation", "Harbour Trading Co. Ltd.")
    page.select_option("#id_participant_type", "sme")
    page.select_option("#id_organisation_size", "10-49")
    page.select_option("#id_region", "hong_kong")
    page.select_option("#id_industry", "trading")
    demo_questions_answer(page, slug)
    page.check("#id_consent")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe(page, live_server, language):
    slug = upcoming_slug()
    base = live_server.url + PREFIX[language]
    findings = {}

    def scan(name: str, target=page) -> None:
        findings[name] = serious_violations(target)
        screenshot(target, f"axe-{language}-{name}")

    page.goto(f"{base}/")
    scan("home")
    page.goto(f"{base}/seminars/{slug}/")
    scan("seminar")
    page.goto(f"{base}/seminars/{slug}/register/")
    scan("register-empty")
    if language == "en":
        readme_screenshot(page, "registration-form")
    page.click("form.registration-form [type=submit]")
    page.wait_for_selector(".is-invalid")
    scan("register-errors")
    fill_registration_form(page, f"axe-{language}@example.com", slug)
    page.click("form.registration-form [type=submit]")
    page.wait_for_url("**/register/done/")
    scan("confirmation")
    token = Registration.objects.get(email=f"axe-{language}@example.com").token
    page.goto(f"{base}/r/{token}/")
    scan("registrant-page")
    page.goto(f"{base}/r/{token}/edit/")
    scan("edit-details")
    page.goto(f"{base}/r/{token}/cancel/")
    scan("cancel-step")
    page.goto(f"{base}/seminars/{slug}/resend/")
    scan("resend-link")
    page.fill("#id_email", f"axe-{language}@example.com")
    page.click("form [type=submit]")
    page.wait_for_url("**/check-your-email/")
    scan("check-your-email")
    # Emails are read in a mail client, not under the site's Content Security Policy.
    email_page = page.context.new_page()
    for message in mail.outbox:
        if message.to == [f"axe-{language}@example.com"]:
            (html, _mimetype), *_ = message.alternatives
            email_page.set_content(html)
            scan(f"email-{len([n for n in findings if n.startswith('email-')]) + 1}", email_page)
    email_page.close()

    assert sum(name.startswith("email-") for name in findings) == 2  # confirmation, resent
    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())


def test_registration_form_works_with_the_keyboard_alone(page, live_server):
    slug = upcoming_slug()
    page.goto(f"{live_server.url}/seminars/{slug}/register/")

    # From the top of the page, Tab reaches the skip link first, and it leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    # Tab through to the first field of the form, noting what receives focus on the way.
    visited = []
    for _ in range(40):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id"))
        if visited[-1] == "id_salutation":
            break
    assert visited[-1] == "id_salutation"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_name_en"
    page.keyboard.type("CHAN Tai Man")
    order = ["id_name_zh", "id_email", "id_phone", "id_organisation", "id_job_title"]
    typed = {"id_email": "keyboard@example.com", "id_organisation": "Keyboard Ltd."}
    for expected in order:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == expected
        if expected in typed:
            page.keyboard.type(typed[expected])
    for expected, choice in [
        ("id_participant_type", "IP practitioner"),
        ("id_organisation_size", None),
        ("id_region", "Hong Kong"),
        ("id_industry", "Legal and professional services"),
    ]:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == expected
        if choice:
            # Typing the start of an option's text selects it, as a keyboard user would.
            page.keyboard.type(choice[:6])
    # The seminar's own questions come next: the declaration and how they will attend are
    # required, ticked and chosen with the space bar.
    required = demo_question_ids(slug)
    while page.evaluate("document.activeElement.id") != "id_consent":
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") in required:
            page.keyboard.press("Space")
    page.keyboard.press("Space")
    page.focus("#id_email")
    page.keyboard.press("Enter")

    page.wait_for_url("**/register/done/")
    registration = Registration.objects.get(email="keyboard@example.com")
    assert registration.participant_type == "ip_practitioner"
    assert registration.answers.count() == 2


def test_errors_are_summarised_linked_to_their_fields_and_announced(page, live_server):
    slug = upcoming_slug()
    page.goto(f"{live_server.url}/seminars/{slug}/register/")
    page.fill("#id_email", "not-an-email")

    page.click("form.registration-form [type=submit]")

    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "form-errors"
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    described_by = email.get_attribute("aria-describedby").split()
    messages = [page.locator(f"#{element_id}").inner_text() for element_id in described_by]
    assert any("Enter a valid email address." in message for message in messages)
    summary.locator("a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert email.input_value() == "not-an-email"  # nothing typed is lost


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_fit_a_360px_phone(browser, live_server, language):
    slug = upcoming_slug()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    widths = {}
    for name, path in [
        ("home", "/"),
        ("seminar", f"/seminars/{slug}/"),
        ("register", f"/seminars/{slug}/register/"),
    ]:
        page.goto(live_server.url + PREFIX[language] + path)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"phone-{language}-{name}")
        if (language, name) == ("zh-hant", "seminar"):
            readme_screenshot(page, "seminar-phone-zh-hant")
    context.close()

    assert widths == {"home": 360, "seminar": 360, "register": 360}


# Markup in the admin that neither we nor our templates write, allowed rule by rule and element
# by element (matched on the element's HTML; anything else these rules find still fails):
TABULAR_INLINE_INPUT = r'^<(input|select)[^>]* id="id_\w+-\d+-\w+"'
THIRD_PARTY_MARKUP = {
    # Django's tabular inlines (a seminar's sessions and partners) name each column in the table
    # header, not with a <label> per input; fixing it means rewriting Django's
    # edit_inline/tabular.html.
    "label": re.compile(TABULAR_INLINE_INPUT),
    "label-title-only": re.compile(TABULAR_INLINE_INPUT),
    # The same inputs, and django-modeltranslation's "all languages" switch, a <select> its
    # script adds to the heading without a label.
    "select-name": re.compile(
        rf'{TABULAR_INLINE_INPUT}|^<select id="modeltranslation-main-switch"'
    ),
    # django-modeltranslation's language tabs (jQuery UI): a link inside each role="tab" item.
    "nested-interactive": re.compile(
        r'^<li\b(?=[^>]*\brole="tab")(?=[^>]*\bclass="[^"]*\bui-tabs-tab\b)'
    ),
}


def admin_violations(page) -> list[str]:
    """serious_violations() without the third-party markup above."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for violation in Axe().run(page).response["violations"]:
        allowed = THIRD_PARTY_MARKUP.get(violation["id"])
        targets = [
            node["target"][0]
            for node in violation["nodes"]
            if not (allowed and allowed.search(node["html"]))
        ]
        if violation["impact"] in ("serious", "critical") and targets:
            found.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets[:5])}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_passes_axe_in_each_language(page, live_server, language):
    """The organisers' pages, in the organiser's language, from the login page on."""
    demo_load(password="demo-pass-123")
    registration = Registration.objects.filter(source="web").first()
    admin = f"{live_server.url}{PREFIX[language]}/admin"
    findings = {}

    def scan(name: str) -> None:
        findings[name] = admin_violations(page)
        screenshot(page, f"axe-admin-{language}-{name}")

    page.goto(f"{admin}/")
    page.wait_for_url("**/admin/login/**")
    scan("login")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "demo-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{admin}/")
    scan("index")
    for name, path in [
        ("registrations", "/registrations/registration/"),
        ("registration", f"/registrations/registration/{registration.pk}/change/"),
        ("seminar", f"/seminar/seminar/{registration.seminar_id}/change/"),
        ("dashboard", f"/seminar/seminar/{registration.seminar_id}/dashboard/"),
    ]:
        page.goto(f"{admin}{path}")
        scan(name)

    assert page.locator("html").get_attribute("lang") == language
    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())
