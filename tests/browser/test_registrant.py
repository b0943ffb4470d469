"""What a registrant sees on a 360 px phone, in each language: the emails (long addresses and
organisation names wrap instead of overflowing), a cancelled seminar's private page, and the
page that confirms a new email address. axe-core finds nothing serious on any of them."""

import pytest
from django.core import mail
from django.utils import timezone

from registrations.delivery import notification_create
from registrations.emails import message_build
from registrations.models import Notification, Registration
from registrations.services import registration_create
from registrations.tokens import email_change_token_make
from seminar.models import Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import SeminarFactory, SessionFactory, registration_data

pytestmark = pytest.mark.django_db(transaction=True)
Kind = Notification.Kind
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
CANCELLED = {
    "en": "This seminar has been cancelled.",
    "zh-hant": "此研討會已取消。",
    "zh-hans": "此研讨会已取消。",
}
CONFIRM_BUTTON = {
    "en": "Confirm this email address",
    "zh-hant": "確認此電郵地址",
    "zh-hans": "确认此电子邮件地址",
}
# As long as addresses and names get: a 64-character mailbox on a long domain, an organisation
# name with no space to break at, in both scripts.
LONG_EMAIL = (
    "intellectual.property.manager.greater.bay.area.office.2026@"
    "subsidiary.an-organisation-with-a-very-long-domain-name.example.com.hk"
)
LONG_ORGANISATION = (
    "InternationalIntellectualPropertyConsultancyAndTechnologyTradingServicesCompanyLimited"
    "粵港澳大灣區知識產權及科技貿易諮詢服務有限公司粵港澳大灣區知識產權及科技貿易諮詢服務有限公司"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text[:60]) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert blocked == []


def overflow(page) -> int:
    """How many pixels the page is wider than the phone's screen (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def seminar_make(**fields) -> Seminar:
    return SeminarFactory(
        title_zh_hans="知识产权与中小企业研讨会",
        join_url="https://webinar.example.com/j/91234567890?pwd=aVeryLongPasscodeTokenWithoutAnyBreaks",
        **fields,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_email_fits_a_360px_phone_with_long_addresses_and_names(phone, language):
    seminar = seminar_make()
    SessionFactory(seminar=seminar, title_en="Opening remarks")
    registration = registration_create(
        seminar=seminar,
        data=registration_data(
            email=LONG_EMAIL,
            organisation=LONG_ORGANISATION,
            job_title="ChiefIntellectualPropertyAndTechnologyTransferOfficer",
            preferred_language=language,
        ),
    )
    Registration.objects.filter(pk=registration.pk).update(
        email_pending=LONG_EMAIL.replace("manager", "director"),
        email_pending_since=timezone.now(),
    )
    registration.refresh_from_db()
    kinds = [
        (Kind.CONFIRMATION, ""),
        (Kind.WAITLISTED, ""),
        (Kind.CANCELLED, ""),
        (Kind.EMAIL_CONFIRM, registration.email_pending),
        (Kind.EMAIL_CHANGE_NOTICE, registration.email),
    ]
    widths, findings = {}, {}

    for kind, recipient in kinds:
        notification = notification_create(
            registration=registration, kind=kind, recipient=recipient
        )
        (html, _mimetype), *_ = message_build(notification=notification).alternatives
        phone.set_content(html)
        widths[kind] = overflow(phone)
        findings[kind] = serious_violations(phone)
        screenshot(phone, f"email-phone-{language}-{kind}")

    assert widths == {kind: 0 for kind, _ in kinds}
    assert {kind: found for kind, found in findings.items() if found} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancelled_seminars_registrant_page_on_a_phone(phone, live_server, language):
    seminar = seminar_make()
    registration = registration_create(seminar=seminar, data=registration_data())
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    phone.goto(f"{live_server.url}{PREFIX[language]}/r/{registration.token}/")

    screenshot(phone, f"registrant-cancelled-seminar-{language}")
    assert phone.get_by_text(CANCELLED[language]).first.is_visible()
    assert phone.locator(f"a[href='{seminar.join_url}']").count() == 0
    assert "91234567890" not in phone.content()
    assert overflow(phone) == 0
    assert serious_violations(phone) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_email_change_confirmation_pages_on_a_phone(phone, live_server, language):
    registration = registration_create(
        seminar=seminar_make(), data=registration_data(preferred_language=language)
    )
    Registration.objects.filter(pk=registration.pk).update(
        email_pending=LONG_EMAIL, email_pending_since=timezone.now()
    )
    registration.refresh_from_db()
    token = email_change_token_make(registration=registration, email=LONG_EMAIL)
    mail.outbox.clear()  # the first confirmation
    base = f"{live_server.url}{PREFIX[language]}/r/confirm-email"
    findings, widths = {}, {}

    def check(name: str) -> None:
        findings[name] = serious_violations(phone)
        widths[name] = overflow(phone)
        screenshot(phone, f"email-change-{language}-{name}")

    phone.goto(f"{base}/{token}/")
    check("ask")
    phone.get_by_role("button", name=CONFIRM_BUTTON[language]).click()
    phone.wait_for_load_state()
    check("done")
    phone.goto(f"{base}/{token}/")
    check("used-link")

    assert Registration.objects.get(pk=registration.pk).email == LONG_EMAIL
    assert [message.to for message in mail.outbox] == [[LONG_EMAIL]]  # the details, resent
    assert widths == {"ask": 0, "done": 0, "used-link": 0}
    assert {name: found for name, found in findings.items() if found} == {}
